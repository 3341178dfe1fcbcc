//! Coverage over GraphQL: where walks went, and what a period missed.

use async_graphql::{Context, Object, Result};

use super::super::protocol::FocusArea;
use super::super::school::School;
use super::super::{caller, db, loaders, one};
use super::{Term, VariationFilter};
use crate::analytics::coverage::{self, Coverage, TermVisits};
use crate::metrics::terms::Term as AcademicTerm;

/// Visits of one school in one term.
pub struct SchoolTermVisits(TermVisits);

#[Object]
impl SchoolTermVisits {
    async fn school(&self, ctx: &Context<'_>) -> Result<School> {
        let urn = self.0.school_urn;
        Ok(School(
            one(&loaders(ctx).school, urn, "school visited").await?,
        ))
    }

    /// By the calendar year it starts in (2025 for 2025/26).
    async fn academic_year(&self) -> i32 {
        self.0.academic_year
    }

    async fn term(&self) -> Option<Term> {
        AcademicTerm::from_number(self.0.term).map(Into::into)
    }

    async fn visits(&self) -> i64 {
        self.0.visits
    }
}

/// Where walks went in a period, in the caller's schools.
pub struct CoverageReport(Coverage);

#[Object]
impl CoverageReport {
    /// Visits of submitted walks per school and term.
    async fn visits(&self) -> Vec<SchoolTermVisits> {
        self.0
            .visits
            .iter()
            .cloned()
            .map(SchoolTermVisits)
            .collect()
    }

    /// Schools with no visit in the period.
    async fn schools_without_visits(&self) -> Vec<School> {
        (self.0.schools_without_visits.iter().cloned())
            .map(School)
            .collect()
    }

    /// Focus areas of the versions covered with no lead rating in the period.
    async fn focus_areas_without_ratings(&self) -> Vec<FocusArea> {
        (self.0.focus_areas_without_ratings.iter().cloned())
            .map(FocusArea)
            .collect()
    }

    /// Subjects recorded on earlier or later walks but not in the period.
    async fn subjects_without_visits(&self) -> &[String] {
        &self.0.subjects_without_visits
    }

    /// Key stages recorded on earlier or later walks but not in the period.
    async fn key_stages_without_visits(&self) -> &[String] {
        &self.0.key_stages_without_visits
    }
}

#[derive(Default)]
pub struct CoverageQuery;

#[Object]
impl CoverageQuery {
    /// Coverage of a selection of walks; null when the protocol is unknown
    /// to the caller.
    #[graphql(complexity = "20000 + child_complexity")]
    async fn coverage(
        &self,
        ctx: &Context<'_>,
        filter: VariationFilter,
    ) -> Result<Option<CoverageReport>> {
        let Some(resolved) = filter.resolve(ctx).await? else {
            return Ok(None);
        };
        let scope = &caller(ctx)?.scope;
        Ok(Some(CoverageReport(
            coverage::build(db(ctx), scope, &resolved).await?,
        )))
    }
}
