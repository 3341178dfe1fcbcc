//! The first variation figures: trust-wide and per school, for one
//! protocol version and an optional date range.

use async_graphql::{Context, ID, Object, Result};

use super::protocol::Protocol;
use super::school::School;
use super::{Date, caller, db, ids, loaders, one};
use crate::data::{protocols, trusts, variation};
use crate::error::ApiError;
use crate::metrics::{self, Cell};

/// Figures for one cell: trust-wide or one school.
pub struct VariationCell {
    cell: Cell,
    school_urn: Option<i32>,
}

#[Object]
impl VariationCell {
    /// The school this cell covers; null for the trust-wide cell.
    async fn school(&self, ctx: &Context<'_>) -> Result<Option<School>> {
        let Some(urn) = self.school_urn else {
            return Ok(None);
        };
        Ok(Some(School(
            one(&loaders(ctx).school, urn, "school of a cell").await?,
        )))
    }

    /// Ratings with a level (the walk lead's only).
    async fn n(&self) -> i64 {
        self.cell.counts.n
    }

    /// Visits with at least one rating counted here.
    async fn visits(&self) -> i64 {
        self.cell.counts.visits
    }

    /// Schools with at least one visit counted here.
    async fn schools(&self) -> i64 {
        self.cell.schools
    }

    /// Indicators marked not observed; they do not enter rates.
    async fn not_observed(&self) -> i64 {
        self.cell.counts.not_observed
    }

    /// Indicators marked not applicable; they do not enter rates.
    async fn not_applicable(&self) -> i64 {
        self.cell.counts.not_applicable
    }

    /// Mean level; null when suppressed or without levels.
    async fn mean(&self) -> Option<f64> {
        self.cell.mean
    }

    /// Share of levels at or above the secure threshold; null when
    /// suppressed or without levels.
    async fn secure_rate(&self) -> Option<f64> {
        self.cell.secure_rate
    }

    /// True when the cell has fewer visits than the trust's minimum cell
    /// size, so its values are withheld.
    async fn suppressed(&self) -> bool {
        self.cell.suppressed
    }

    /// Why the values are withheld, when they are.
    async fn suppression_reason(&self) -> Option<&str> {
        self.cell.suppression_reason.as_deref()
    }
}

/// Figures for one protocol version over a period.
pub struct Variation {
    protocol: Protocol,
    min_cell_size: i32,
    trust: VariationCell,
    schools: Vec<VariationCell>,
}

#[Object]
impl Variation {
    /// The protocol version the figures cover; versions are never mixed.
    async fn protocol(&self) -> &Protocol {
        &self.protocol
    }

    /// Cells with fewer visits than this are suppressed.
    async fn min_cell_size(&self) -> i32 {
        self.min_cell_size
    }

    /// The whole trust. For a caller limited to some schools it is withheld
    /// when the rest of the trust is too small to keep its schools anonymous.
    async fn trust(&self) -> &VariationCell {
        &self.trust
    }

    /// Each school in the caller's scope with at least one visit, by URN.
    async fn schools(&self) -> &[VariationCell] {
        &self.schools
    }
}

/// A school-scoped caller could subtract the trust figures of two
/// overlapping day ranges to single out another school's walk, so their
/// periods are whole terms.
// TODO: the trust cells of adjacent terms and their academic year can still
// be differenced; complementary suppression belongs to the analytics issue.
fn whole_terms(from: Option<Date>, to: Option<Date>) -> Result<(), ApiError> {
    if from.is_some_and(|d| !metrics::starts_term(d.0)) {
        return Err(ApiError::invalid(
            "from",
            "school-scoped callers start on 1 Sep, 1 Jan or 1 Apr",
        ));
    }
    if to.is_some_and(|d| !metrics::ends_term(d.0)) {
        return Err(ApiError::invalid(
            "to",
            "school-scoped callers end on 31 Dec, 31 Mar or 31 Aug",
        ));
    }
    Ok(())
}

#[derive(Default)]
pub struct VariationQuery;

#[Object]
impl VariationQuery {
    /// Lead ratings of submitted walks on one protocol version, trust-wide
    /// and per school. Null when the protocol is unknown to the caller.
    /// Callers limited to some schools ask for whole terms: `from` on 1 Sep,
    /// 1 Jan or 1 Apr and `to` on 31 Dec, 31 Mar or 31 Aug.
    #[graphql(complexity = "5000 + child_complexity")]
    async fn variation(
        &self,
        ctx: &Context<'_>,
        protocol_id: ID,
        #[graphql(desc = "Walks on or after this date.")] from: Option<Date>,
        #[graphql(desc = "Walks on or before this date.")] to: Option<Date>,
    ) -> Result<Option<Variation>> {
        let scope = &caller(ctx)?.scope;
        let db = db(ctx);
        if scope.schools.is_some() {
            whole_terms(from, to)?;
        }
        let Some(id) = ids::decode_uuid(ids::PROTOCOL, &protocol_id) else {
            return Ok(None);
        };
        let Some(protocol) = protocols::by_id(db, scope, id).await? else {
            return Ok(None);
        };
        let Some(trust) = trusts::of_scope(db, scope).await? else {
            return Ok(None);
        };
        let min = trust.min_cell_size;

        let by_school =
            variation::counts_by_school(db, scope, &protocol, from.map(|d| d.0), to.map(|d| d.0))
                .await?;
        let all = metrics::total(by_school.iter().map(|(_, counts)| counts));
        let trust_cell = match &scope.schools {
            None => Cell::new(all, by_school.len() as i64, min),
            Some(_) => {
                let others: Vec<_> = by_school
                    .iter()
                    .filter(|(urn, _)| !scope.sees_school(*urn))
                    .collect();
                let rest = metrics::total(others.iter().map(|(_, counts)| counts));
                metrics::trust_cell_for_scope(
                    all,
                    by_school.len() as i64,
                    rest,
                    others.len() as i64,
                    min,
                )
            }
        };
        let schools = by_school
            .into_iter()
            .filter(|(urn, _)| scope.sees_school(*urn))
            .map(|(urn, counts)| VariationCell {
                cell: Cell::new(counts, 1, min),
                school_urn: Some(urn),
            })
            .collect();
        Ok(Some(Variation {
            protocol: Protocol(protocol),
            min_cell_size: min,
            trust: VariationCell {
                cell: trust_cell,
                school_urn: None,
            },
            schools,
        }))
    }
}
