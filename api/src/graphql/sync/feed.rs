//! The change feed: every record created, changed or deleted in the
//! caller's scope, in commit order, a page at a time.

use async_graphql::connection::{Connection, Edge};
use async_graphql::{Context, Enum, ID, Object, Result, SimpleObject};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use entity::change;

use crate::data::feed::{self, Window};
use crate::error::ApiError;
use crate::graphql::node::{Node, find};
use crate::graphql::{caller, db, ids, limits};

/// What happened to a record.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum ChangeOperation {
    /// Created or changed: fetch it (or read `record`) and store it.
    Upsert,
    /// Deleted: remove it from your copy. The entry is a tombstone.
    Delete,
}

/// One entry of the change feed.
pub struct Change(change::Model);

#[Object]
impl Change {
    async fn operation(&self) -> ChangeOperation {
        match self.0.deleted {
            true => ChangeOperation::Delete,
            false => ChangeOperation::Upsert,
        }
    }

    /// The record's GraphQL type, e.g. "Walk".
    async fn record_type(&self) -> &str {
        &self.0.node_type
    }

    /// The record's global id, as `node(id:)` takes it.
    async fn record_id(&self) -> ID {
        ids::encode(&self.0.node_type, &self.0.node_key)
    }

    /// The record as it is now; null for a deletion, or when it has been
    /// deleted since or is not visible to the caller.
    async fn record(&self, ctx: &Context<'_>) -> Result<Option<Node>> {
        if self.0.deleted {
            return Ok(None);
        }
        let id = ids::encode(&self.0.node_type, &self.0.node_key);
        Ok(find(ctx, &id).await?)
    }

    /// When the change committed.
    async fn changed_at(&self) -> DateTime<Utc> {
        self.0.changed_at
    }
}

/// Totals of a page of the feed.
#[derive(SimpleObject)]
pub struct ChangeTotals {
    /// Entries after the `after` cursor (or from the start) in the
    /// caller's scope, on every page.
    pub total_count: u64,
}

fn encode_cursor(seq: i64) -> String {
    URL_SAFE_NO_PAD.encode(format!("Change:{seq}"))
}

fn decode_cursor(field: &str, cursor: &str) -> Result<i64, ApiError> {
    let text = URL_SAFE_NO_PAD.decode(cursor).ok();
    let text = text.and_then(|bytes| String::from_utf8(bytes).ok());
    let seq = text.and_then(|t| t.strip_prefix("Change:")?.parse::<i64>().ok());
    seq.filter(|seq| *seq >= 0)
        .ok_or_else(|| ApiError::invalid(field, "not a cursor of the change feed"))
}

/// The page size from `first` or `last`, exactly one of which is given.
fn page_size(ctx: &Context<'_>, first: Option<i32>, last: Option<i32>) -> Result<u64, ApiError> {
    let max = limits(ctx).max_page_size;
    let (field, n) = match (first, last) {
        (Some(n), None) => ("first", n),
        (None, Some(n)) => ("last", n),
        _ => return Err(ApiError::invalid("first", "give either first or last")),
    };
    match u64::try_from(n) {
        Ok(n) if (1..=max).contains(&n) => Ok(n),
        _ => Err(ApiError::invalid(field, format!("{field} is 1 to {max}"))),
    }
}

#[derive(Default)]
pub struct FeedQuery;

#[Object]
impl FeedQuery {
    /// Every record created, changed or deleted in the caller's scope, in
    /// the order the changes committed. Keep the last `endCursor` and ask
    /// again with `after:` it: no change is missed or given twice. A page
    /// with no entries has a null `endCursor`; keep the one you have.
    #[graphql(complexity = "first.or(last).unwrap_or(1).clamp(1, 100) as usize * child_complexity")]
    async fn changes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Entries after this cursor; from the start when omitted.")] after: Option<
            String,
        >,
        #[graphql(desc = "Page size, counted forward from `after`; 1 to 100.")] first: Option<i32>,
        #[graphql(desc = "Entries before this cursor; up to the latest when omitted.")]
        before: Option<String>,
        #[graphql(desc = "Page size, counted back from `before`; 1 to 100.")] last: Option<i32>,
    ) -> Result<Connection<String, Change, ChangeTotals>> {
        let scope = &caller(ctx)?.scope;
        let limit = page_size(ctx, first, last)?;
        if (first.is_some() && before.is_some()) || (last.is_some() && after.is_some()) {
            let message = "after goes with first, and before with last";
            return Err(ApiError::invalid(
                if first.is_some() { "before" } else { "after" },
                message,
            )
            .into());
        }
        let after = after.map(|c| decode_cursor("after", &c)).transpose()?;
        let before = before.map(|c| decode_cursor("before", &c)).transpose()?;
        let window = match first {
            Some(_) => Window::After {
                after: after.unwrap_or(0),
                limit,
            },
            None => Window::Before { before, limit },
        };
        let (rows, more) = feed::page(db(ctx), scope, window).await?;
        let total_count = feed::count_after(db(ctx), scope, after.unwrap_or(0)).await?;
        let (previous, next) = match window {
            Window::After { .. } => (after.is_some_and(|a| a > 0), more),
            Window::Before { .. } => (more, before.is_some()),
        };
        let mut connection =
            Connection::with_additional_fields(previous, next, ChangeTotals { total_count });
        let edges = rows
            .into_iter()
            .map(|row| Edge::new(encode_cursor(row.seq), Change(row)));
        connection.edges.extend(edges);
        Ok(connection)
    }
}
