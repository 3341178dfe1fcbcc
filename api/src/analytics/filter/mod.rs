//! What a caller asks the figures to cover, checked and resolved to protocol
//! versions, dates and schools. Shared by GraphQL and the CSV export.

mod checks;

use chrono::NaiveDate;
use entity::{Lens, protocol};
use sea_orm::{ActiveEnum, ConnectionTrait};
use uuid::Uuid;

use crate::auth::Scope;
use crate::data::protocols::{self, Versions};
use crate::data::variation::Selection;
use crate::error::{ApiError, ApiResult};
use crate::metrics::terms::{self, Term};
use checks::same_scale;

/// Which protocol the figures cover.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProtocolChoice {
    /// One version; `None` when the id given was not one of ours.
    Version(Option<Uuid>),
    /// Every published or retired version of the protocol with this key,
    /// indicators matched across versions by code.
    Key(String),
}

/// A caller's filter, as given.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub protocol: Option<ProtocolChoice>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Academic year, named by the calendar year it starts in.
    pub academic_year: Option<i32>,
    pub term: Option<Term>,
    pub lens: Option<Lens>,
    pub focus_area: Option<String>,
    pub indicator_codes: Vec<String>,
    pub subjects: Vec<String>,
    pub key_stages: Vec<String>,
    /// Only these schools; empty for all.
    pub schools: Vec<i32>,
}

/// Figures are for leaders, analysts and integrations; an observer records.
pub fn may_read_figures(caller: &crate::auth::Caller) -> ApiResult<()> {
    use crate::auth::Role;
    caller.require_any(&[
        Role::TrustLeader,
        Role::Analyst,
        Role::SchoolLeader,
        Role::Partner,
    ])
}

/// Academic years whose dates the API's `Date` type can carry.
const ACADEMIC_YEARS: std::ops::RangeInclusive<i32> = 1900..=2198;

/// A filter resolved against the caller's trust.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub selection: Selection,
    /// The versions covered, oldest first.
    pub protocols: Vec<protocol::Model>,
    pub min_cell_size: i32,
}

impl Filter {
    /// The period as dates: `from`/`to`, or an academic year or term.
    fn period(&self, scope: &Scope) -> ApiResult<(Option<NaiveDate>, Option<NaiveDate>)> {
        let given = (self.from.is_some() || self.to.is_some(), self.academic_year);
        let (from, to) = match (given, self.term) {
            ((true, Some(_)), _) => {
                return Err(ApiError::invalid(
                    "academicYear",
                    "give either from/to or an academic year, not both",
                ));
            }
            ((false, None), Some(_)) => {
                return Err(ApiError::invalid("term", "a term needs its academicYear"));
            }
            ((false, Some(year)), _) if !ACADEMIC_YEARS.contains(&year) => {
                return Err(ApiError::invalid(
                    "academicYear",
                    "the academic year is 1900 to 2198",
                ));
            }
            ((false, Some(year)), term) => {
                let dates = match term {
                    Some(term) => term.dates(year),
                    None => terms::year_dates(year),
                };
                let (from, to) = dates.ok_or_else(|| {
                    ApiError::invalid("academicYear", "academic year out of range")
                })?;
                (Some(from), Some(to))
            }
            _ => (self.from, self.to),
        };
        if let (Some(from), Some(to)) = (from, to)
            && from > to
        {
            return Err(ApiError::invalid("to", "the period ends before it starts"));
        }
        // A school-scoped caller's periods are whole terms, and cells with
        // other schools in them reach it as rounded rates without counts
        // (`Cell::as_pattern`), so two answers cannot be subtracted to
        // single out another school's walk.
        if scope.schools.is_some() {
            if from.is_some_and(|d| !terms::starts_term(d)) {
                return Err(ApiError::invalid(
                    "from",
                    "school-scoped callers start on 1 Sep, 1 Jan or 1 Apr",
                ));
            }
            if to.is_some_and(|d| !terms::ends_term(d)) {
                return Err(ApiError::invalid(
                    "to",
                    "school-scoped callers end on 31 Dec, 31 Mar or 31 Aug",
                ));
            }
        }
        Ok((from, to))
    }

    /// Resolves the filter for the scope; `None` when the protocol is not
    /// one the caller can see.
    pub async fn resolve(
        &self,
        db: &impl ConnectionTrait,
        scope: &Scope,
    ) -> ApiResult<Option<Resolved>> {
        let (from, to) = self.period(scope)?;
        for (field, values) in [
            ("indicatorCodes", &self.indicator_codes),
            ("subjects", &self.subjects),
            ("keyStages", &self.key_stages),
        ] {
            if values.len() > 100 {
                return Err(ApiError::invalid(field, "at most 100 values"));
            }
            for value in values {
                crate::data::text::plain(field, value, false)?;
            }
        }
        if let Some(focus_area) = &self.focus_area {
            crate::data::text::plain("focusArea", focus_area, false)?;
        }
        if let Some(ProtocolChoice::Key(key)) = &self.protocol {
            crate::data::text::plain("protocolKey", key, false)?;
        }
        if self.schools.len() > 1000 {
            return Err(ApiError::invalid("schoolUrns", "at most 1000 schools"));
        }

        let which = match &self.protocol {
            None => {
                return Err(ApiError::invalid(
                    "protocolId",
                    "give protocolId (one version) or protocolKey (every version)",
                ));
            }
            Some(ProtocolChoice::Version(None)) => return Ok(None),
            Some(ProtocolChoice::Version(Some(id))) => Versions::Id(*id),
            Some(ProtocolChoice::Key(key)) => Versions::Key(key),
        };
        // A version asked for by id has its codes checked alongside.
        let (covered, known) = match which {
            Versions::Id(id) => {
                let ids = [id];
                let covered = protocols::covered(db, scope, which);
                let (covered, known) = tokio::join!(covered, self.known_codes(db, scope, &ids));
                (covered, Some(known))
            }
            Versions::Key(_) => (protocols::covered(db, scope, which).await, None),
        };
        let Some(covered) = covered? else {
            return Ok(None);
        };
        let ids: Vec<Uuid> = covered.versions.iter().map(|p| p.id).collect();
        let known = match known {
            Some(known) => known,
            None => self.known_codes(db, scope, &ids).await,
        };
        let levels = same_scale(&covered.levels, &covered.versions)?;
        known?;

        let schools = match (&scope.schools, self.schools.is_empty()) {
            (_, true) => None,
            (None, false) => Some(self.schools.clone()),
            (Some(_), false) => Some(
                (self.schools.iter().copied())
                    .filter(|urn| scope.sees_school(*urn))
                    .collect(),
            ),
        };
        let selection = Selection {
            protocols: ids,
            levels,
            from,
            to,
            lens: self.lens.map(|lens| lens.to_value()),
            focus_area: self.focus_area.clone(),
            indicator_codes: self.indicator_codes.clone(),
            subjects: self.subjects.clone(),
            key_stages: self.key_stages.clone(),
            schools,
        };
        Ok(Some(Resolved {
            selection,
            protocols: covered.versions,
            min_cell_size: covered.min_cell_size,
        }))
    }
}
