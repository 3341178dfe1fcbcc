//! The change feed: every record created, changed or deleted in the
//! caller's scope, in commit order, a page at a time.

use async_graphql::{Context, Enum, ID, Object, Result};
use chrono::{DateTime, Utc};
use entity::change;

use crate::data::feed;
use crate::graphql::node::{Node, find};
use crate::graphql::page::{self, PageArgs, Paged};
use crate::graphql::{caller, db, ids};

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

#[derive(Default)]
pub struct FeedQuery;

#[Object]
impl FeedQuery {
    /// Every record created, changed or deleted in the caller's scope, in
    /// the order the changes committed. Keep the last `endCursor` and ask
    /// again with `after:` it: no change is missed or given twice. A page
    /// with no entries has a null `endCursor`; keep the one you have.
    #[graphql(complexity = "page::cost(first, last, child_complexity)")]
    async fn changes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The first this many entries after `after` (1 to 100 by default).")]
        first: Option<i32>,
        #[graphql(
            desc = "Cursor of an entry; the page starts after it, or at the start \
                          of the feed when omitted."
        )]
        after: Option<String>,
        #[graphql(desc = "The last this many entries before `before` (1 to 100 by default).")]
        last: Option<i32>,
        #[graphql(
            desc = "Cursor of an entry; the page ends before it, or at the latest \
                          entry when omitted."
        )]
        before: Option<String>,
    ) -> Result<Paged<Change>> {
        let window = PageArgs::new(first, after, last, before).window(ctx, &feed::FEED)?;
        let rows = feed::page(db(ctx), &caller(ctx)?.scope, &window).await?;
        Ok(page::connection(rows, &feed::FEED, Change))
    }
}
