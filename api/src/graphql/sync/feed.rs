//! The change feed: every record created, changed or deleted in the
//! caller's scope, in commit order, a page at a time.

use async_graphql::{Context, Enum, ID, Object, Result};
use chrono::{DateTime, Utc};
use entity::change;

use crate::data::feed;
use crate::data::keyset::{Keyset, Page};
use crate::graphql::node::{Batching, Node, find_all};
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

/// One entry of the change feed, and the record as it is now.
pub struct Change(change::Model, Option<Node>);

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
    async fn record(&self) -> Option<&Node> {
        self.1.as_ref()
    }

    /// When the change committed.
    async fn changed_at(&self) -> DateTime<Utc> {
        self.0.changed_at
    }
}

/// The feed's order over entries paired with their records.
const ENTRIES: Keyset<(change::Model, Option<Node>)> = Keyset {
    list: feed::FEED.list,
    kinds: feed::FEED.kinds,
    descending: false,
    key: |(row, _)| (feed::FEED.key)(row),
};

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
        let mut rows = feed::page(db(ctx), &caller(ctx)?.scope, &window).await?;
        // The records load in one batch per type before the edges resolve, at
        // once: the page asks for all of them here.
        let ids: Vec<ID> = (rows.rows.iter())
            .filter(|row| !row.deleted)
            .map(|row| ids::encode(&row.node_type, &row.node_key))
            .collect();
        let mut records = find_all(ctx, &ids, Batching::Now).await?.into_iter();
        let entries = std::mem::take(&mut rows.rows).into_iter().map(|row| {
            let record = if row.deleted {
                None
            } else {
                records.next().flatten()
            };
            (row, record)
        });
        let page = Page {
            rows: entries.collect(),
            total: rows.total,
            has_previous: rows.has_previous,
            has_next: rows.has_next,
        };
        Ok(page::connection(page, &ENTRIES, |(row, record)| {
            Change(row, record)
        }))
    }
}
