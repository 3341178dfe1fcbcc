//! The walk queries: one walk by id, and pages of walks.

use async_graphql::{Context, ID, InputObject, Object, Result};

use super::{Walk, WalkStatus};
use crate::data::walks::{self, WalkFilter};
use crate::graphql::page::{self, PageArgs, Paged};
use crate::graphql::{Date, caller, db, ids};

/// Narrows the walk list.
#[derive(InputObject, Default)]
pub struct WalksFilter {
    /// Only walks at this school.
    pub school_urn: Option<i32>,
    /// Only walks on this protocol version.
    pub protocol_id: Option<ID>,
    pub status: Option<WalkStatus>,
    /// Only walks on or after this date.
    pub from: Option<Date>,
    /// Only walks on or before this date.
    pub to: Option<Date>,
}

#[derive(Default)]
pub struct WalkQuery;

#[Object]
impl WalkQuery {
    /// Walks in the caller's scope, newest first, a page at a time.
    #[graphql(complexity = "page::cost(first, last, child_complexity)")]
    async fn walks(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The first this many walks after `after` (1 to 100 by default).")]
        first: Option<i32>,
        #[graphql(desc = "Cursor of a walk; the page starts after it.")] after: Option<String>,
        #[graphql(desc = "The last this many walks before `before` (1 to 100 by default).")]
        last: Option<i32>,
        #[graphql(desc = "Cursor of a walk; the page ends before it.")] before: Option<String>,
        filter: Option<WalksFilter>,
    ) -> Result<Paged<Walk>> {
        let scope = &caller(ctx)?.scope;
        let window = PageArgs::new(first, after, last, before).window(ctx, &walks::LIST)?;
        let filter = filter.unwrap_or_default();
        // An id that cannot be a protocol matches no walk.
        let protocol_id = (filter.protocol_id.as_ref())
            .map(|id| ids::decode_uuid(ids::PROTOCOL, id).unwrap_or_default());
        let filter = WalkFilter {
            school_urn: filter.school_urn,
            protocol_id,
            status: filter.status.map(Into::into),
            from: filter.from.map(|d| d.0),
            to: filter.to.map(|d| d.0),
        };
        let rows = walks::page(db(ctx), scope, &filter, &window).await?;
        super::ahead::load(ctx, &rows.rows).await?;
        Ok(page::connection(rows, &walks::LIST, Walk))
    }

    /// A walk by id; null when it is not in the caller's scope.
    async fn walk(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Walk>> {
        let scope = &caller(ctx)?.scope;
        let Some(id) = ids::decode_uuid(ids::WALK, &id) else {
            return Ok(None);
        };
        Ok(walks::by_id(db(ctx), scope, id).await?.map(Walk))
    }
}
