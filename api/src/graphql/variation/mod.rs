//! Variation analytics over GraphQL: figures grouped as the caller asks,
//! schools against the trust pattern, coverage and inter-rater agreement.

mod agreement;
mod cell;
mod comparison;
mod coverage;

use async_graphql::{Context, Enum, ID, InputObject, MergedObject, Object, Result};

use super::protocol::{Lens, Protocol};
use super::{Date, caller, db, ids, loaders};
use crate::analytics::cache::ReportCache;
use crate::analytics::filter::{Filter, ProtocolChoice, Resolved, may_read_figures};
use crate::analytics::report::{Grouping, Report};
use crate::data::variation::Dimension;
use crate::error::ApiError;
use cell::VariationCell;
use comparison::SchoolComparison;

/// A UK academic term: autumn Sep–Dec, spring Jan–Mar, summer Apr–Aug.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::metrics::terms::Term")]
pub enum Term {
    Autumn,
    Spring,
    Summer,
}

/// What the figures cover. Give `protocolId` for one version, or
/// `protocolKey` for every version of a protocol with indicators matched by
/// code. Give a period as `from`/`to`, or as `academicYear` with an
/// optional `term`. Callers limited to some schools use whole terms. An
/// empty list filters nothing, as if it were left out.
#[derive(InputObject, Default)]
pub struct VariationFilter {
    pub protocol_id: Option<ID>,
    pub protocol_key: Option<String>,
    /// Walks on or after this date.
    pub from: Option<Date>,
    /// Walks on or before this date.
    pub to: Option<Date>,
    /// Academic year by the calendar year it starts in (2025 for 2025/26).
    pub academic_year: Option<i32>,
    /// A term of `academicYear`.
    pub term: Option<Term>,
    pub lens: Option<Lens>,
    /// A focus area key.
    pub focus_area: Option<String>,
    pub indicator_codes: Option<Vec<String>>,
    pub subjects: Option<Vec<String>>,
    /// EYFS, KS1 … KS5.
    pub key_stages: Option<Vec<String>>,
    /// Only these schools; callers limited to some schools can name only
    /// their own.
    pub school_urns: Option<Vec<i32>>,
}

impl VariationFilter {
    fn into_filter(self) -> Result<Filter, crate::error::ApiError> {
        let protocol = match (self.protocol_id, self.protocol_key) {
            (Some(_), Some(_)) => {
                return Err(crate::error::ApiError::invalid(
                    "protocolKey",
                    "give protocolId or protocolKey, not both",
                ));
            }
            (Some(id), None) => Some(ProtocolChoice::Version(ids::decode_uuid(
                ids::PROTOCOL,
                &id,
            ))),
            (None, key) => key.map(ProtocolChoice::Key),
        };
        Ok(Filter {
            protocol,
            from: self.from.map(|d| d.0),
            to: self.to.map(|d| d.0),
            academic_year: self.academic_year,
            term: self.term.map(Into::into),
            lens: self.lens.map(Into::into),
            focus_area: self.focus_area,
            indicator_codes: self.indicator_codes.unwrap_or_default(),
            subjects: self.subjects.unwrap_or_default(),
            key_stages: self.key_stages.unwrap_or_default(),
            schools: self.school_urns.unwrap_or_default(),
        })
    }

    /// Resolves the filter for the caller; `None` when the protocol is
    /// unknown to them.
    async fn resolve(self, ctx: &Context<'_>) -> Result<Option<Resolved>> {
        let caller = caller(ctx)?;
        may_read_figures(caller)?;
        Ok(self.into_filter()?.resolve(db(ctx), &caller.scope).await?)
    }
}

/// What the cells are split by.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum VariationGroupBy {
    /// One cell for the whole selection.
    Trust,
    School,
    Lens,
    FocusArea,
    Indicator,
    Subject,
    KeyStage,
    Term,
    AcademicYear,
}

impl VariationGroupBy {
    fn grouping(self, per_school: bool) -> Grouping {
        let dimension = match self {
            VariationGroupBy::Trust if per_school => return Grouping::School,
            VariationGroupBy::Trust => return Grouping::Trust,
            VariationGroupBy::School => return Grouping::School,
            VariationGroupBy::Lens => Dimension::Lens,
            VariationGroupBy::FocusArea => Dimension::FocusArea,
            VariationGroupBy::Indicator => Dimension::Indicator,
            VariationGroupBy::Subject => Dimension::Subject,
            VariationGroupBy::KeyStage => Dimension::KeyStage,
            VariationGroupBy::Term => Dimension::Term,
            VariationGroupBy::AcademicYear => Dimension::AcademicYear,
        };
        match per_school {
            true => Grouping::SchoolBy(dimension),
            false => Grouping::By(dimension),
        }
    }
}

/// Figures for a selection of walks, never mixing protocol versions
/// silently: `protocols` lists the versions they cover.
pub struct Variation(Report);

#[Object]
impl Variation {
    /// The protocol versions the figures cover, oldest first.
    async fn protocols(&self) -> Vec<Protocol> {
        self.0
            .resolved
            .protocols
            .iter()
            .cloned()
            .map(Protocol)
            .collect()
    }

    /// Cells with fewer visits than this are suppressed.
    async fn min_cell_size(&self) -> i32 {
        self.0.resolved.min_cell_size
    }

    /// First day of the period, if it has one.
    async fn from(&self) -> Option<Date> {
        self.0.resolved.selection.from.map(Date)
    }

    /// Last day of the period, if it has one.
    async fn to(&self) -> Option<Date> {
        self.0.resolved.selection.to.map(Date)
    }

    /// The whole selection. For a caller limited to some schools it is
    /// withheld when the rest of the trust is too small to keep its schools
    /// anonymous.
    async fn trust(&self) -> Result<VariationCell> {
        let trust = self.0.trust.clone().ok_or_else(not_built)?;
        Ok(VariationCell::whole(trust))
    }

    /// The cells of the grouping, in order of school and group. Callers
    /// limited to some schools see only their schools' cells by school.
    async fn cells(&self) -> Vec<VariationCell> {
        self.0.cells.iter().cloned().map(VariationCell).collect()
    }

    /// Each school's secure rate against the trust's.
    async fn comparison(&self) -> Result<SchoolComparison> {
        let comparison = self.0.comparison.clone().ok_or_else(not_built)?;
        Ok(SchoolComparison(comparison))
    }
}

/// Totals are built whenever the query selects them, so their absence is
/// a fault.
fn not_built() -> crate::error::ApiError {
    crate::error::ApiError::Internal(anyhow::anyhow!("variation totals not built"))
}

#[derive(Default)]
pub struct FiguresQuery;

#[Object]
impl FiguresQuery {
    /// Lead ratings of submitted walks, trust-wide, per school, or grouped
    /// as asked, with schools compared against the trust. Null when the
    /// protocol is unknown to the caller.
    #[graphql(complexity = "50000 + child_complexity")]
    async fn variation(
        &self,
        ctx: &Context<'_>,
        filter: VariationFilter,
        #[graphql(default_with = "VariationGroupBy::School")] group_by: VariationGroupBy,
        #[graphql(desc = "Split each group by school.", default)] per_school: bool,
    ) -> Result<Option<Variation>> {
        let scope = &caller(ctx)?.scope;
        let cache = ctx.data_unchecked::<std::sync::Arc<ReportCache>>();
        let (resolved, version) = tokio::join!(filter.resolve(ctx), cache.version(db(ctx), scope));
        let Some(resolved) = resolved? else {
            return Ok(None);
        };
        let version = version?;
        let grouping = group_by.grouping(per_school);
        let look = ctx.look_ahead();
        let totals = look.field("trust").exists() || look.field("comparison").exists();
        let names_schools = look
            .field("comparison")
            .field("schools")
            .field("school")
            .exists()
            || (look.field("cells").field("school").exists()
                && matches!(grouping, Grouping::School | Grouping::SchoolBy(_)));
        let schools = resolved.selection.schools.clone();
        let report = cache.report(db(ctx), scope, version, resolved, grouping, totals);
        let (report, ()) = tokio::try_join!(report, async {
            match names_schools {
                true => schools_ahead(ctx, schools.as_deref()).await,
                false => Ok(()),
            }
        })?;
        Ok(Some(Variation(report)))
    }
}

/// Loads the schools a report may name while the report is built, and
/// keeps them in the request's school loader: their `school` fields then
/// wait on no statement after the report's.
async fn schools_ahead(ctx: &Context<'_>, urns: Option<&[i32]>) -> Result<(), ApiError> {
    let scope = &caller(ctx)?.scope;
    let found = crate::data::schools::among(db(ctx), scope, urns).await?;
    let loaders = loaders(ctx);
    loaders
        .school
        .feed_many(found.into_iter().map(|school| (school.urn, school)))
        .await;
    Ok(())
}

#[derive(MergedObject, Default)]
pub struct VariationQuery(
    FiguresQuery,
    agreement::AgreementQuery,
    coverage::CoverageQuery,
);
