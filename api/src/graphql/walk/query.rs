//! The walk queries: one walk by id, and pages of walks.

use async_graphql::connection::{Connection, Edge};
use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use entity::walk as walk_row;

use super::{Walk, WalkStatus};
use crate::data::walks::{self, WalkCursor, WalkFilter};
use crate::error::ApiError;
use crate::graphql::scalars::parse_date;
use crate::graphql::{Date, caller, db, ids, limits};

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

/// Totals of a walk list.
#[derive(SimpleObject)]
pub struct WalkTotals {
    /// Walks matching the filter in the caller's scope, on every page.
    pub total_count: u64,
}

fn encode_cursor(walk: &walk_row::Model) -> String {
    URL_SAFE_NO_PAD.encode(format!("{}|{}", walk.walk_date, walk.id))
}

fn decode_cursor(cursor: &str) -> Option<WalkCursor> {
    let text = String::from_utf8(URL_SAFE_NO_PAD.decode(cursor).ok()?).ok()?;
    let (date, id) = text.split_once('|')?;
    Some(WalkCursor {
        date: parse_date(date).ok()?,
        id: id.parse().ok()?,
    })
}

#[derive(Default)]
pub struct WalkQuery;

#[Object]
impl WalkQuery {
    /// Walks in the caller's scope, newest first, a page at a time.
    #[graphql(complexity = "first.unwrap_or(20).clamp(1, 100) as usize * child_complexity")]
    async fn walks(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size; at most the server's maximum (100 by default).")]
        first: Option<i32>,
        #[graphql(desc = "Cursor of the last walk of the previous page.")] after: Option<String>,
        filter: Option<WalksFilter>,
    ) -> Result<Connection<String, Walk, WalkTotals>> {
        let scope = &caller(ctx)?.scope;
        let limits = limits(ctx);
        let limit = match first {
            None => limits.default_page_size,
            Some(n) if n >= 1 && n as u64 <= limits.max_page_size => n as u64,
            Some(_) => {
                let max = limits.max_page_size;
                return Err(ApiError::invalid("first", format!("first is 1 to {max}")).into());
            }
        };
        let after = match after {
            None => None,
            Some(text) => Some(
                decode_cursor(&text)
                    .ok_or_else(|| ApiError::invalid("after", "not a cursor of this list"))?,
            ),
        };
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

        let (rows, more) = walks::page(db(ctx), scope, &filter, after, limit).await?;
        let total_count = walks::count(db(ctx), scope, &filter).await?;
        let mut connection =
            Connection::with_additional_fields(after.is_some(), more, WalkTotals { total_count });
        connection.edges.extend(
            rows.into_iter()
                .map(|row| Edge::new(encode_cursor(&row), Walk(row))),
        );
        Ok(connection)
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
