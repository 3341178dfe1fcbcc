//! Schools of the caller's trust.

use async_graphql::{Context, ID, Object, Result};
use entity::school;

use super::{Date, caller, db, ids};
use crate::data::schools::{self, SchoolFilter};

/// An academy of the trust, known publicly by its URN.
pub struct School(pub school::Model);

#[Object]
impl School {
    /// Opaque global id.
    async fn id(&self) -> ID {
        ids::encode(ids::SCHOOL, self.0.urn)
    }

    /// Unique reference number from GIAS.
    async fn urn(&self) -> i32 {
        self.0.urn
    }

    async fn name(&self) -> &str {
        &self.0.name
    }

    /// Phase of education as GIAS names it, e.g. "Primary".
    async fn phase(&self) -> Option<&str> {
        self.0.phase.as_deref()
    }

    /// Type of establishment as GIAS names it, e.g. "Academy Converter".
    async fn establishment_type(&self) -> Option<&str> {
        self.0.establishment_type.as_deref()
    }

    /// Local authority area.
    async fn local_authority(&self) -> Option<&str> {
        self.0.local_authority.as_deref()
    }

    async fn postcode(&self) -> Option<&str> {
        self.0.postcode.as_deref()
    }

    /// When the school joined the trust, where known.
    async fn joined_on(&self) -> Option<Date> {
        self.0.joined_on.map(Date)
    }
}

#[derive(Default)]
pub struct SchoolQuery;

#[Object]
impl SchoolQuery {
    /// Schools in the caller's scope, by name.
    async fn schools(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only this phase, e.g. \"Primary\" (any case).")] phase: Option<String>,
        #[graphql(desc = "Only this local authority (any case).")] local_authority: Option<String>,
    ) -> Result<Vec<School>> {
        let filter = SchoolFilter {
            phase,
            local_authority,
        };
        let rows = schools::list(db(ctx), &caller(ctx)?.scope, &filter).await?;
        Ok(rows.into_iter().map(School).collect())
    }

    /// A school by URN; null when it is not in the caller's scope.
    async fn school(&self, ctx: &Context<'_>, urn: i32) -> Result<Option<School>> {
        Ok(schools::by_urn(db(ctx), &caller(ctx)?.scope, urn)
            .await?
            .map(School))
    }
}
