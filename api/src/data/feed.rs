//! The change feed. Every write names the records it touched in the same
//! transaction; each gets the trust's next number from a per-trust counter.
//! The counter row stays locked until the transaction ends, so a trust's
//! writers take their numbers in the order they commit, and a reader that
//! has seen number n has seen every number below it.

use std::collections::BTreeMap;

use chrono::Utc;
use entity::{change, observer, visit, walk};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, OnConflict, Query};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use crate::auth::Scope;
use crate::data::keyset::{self, Key, Keyset, Kind, Page, Window};
use crate::error::ApiResult;

/// A record a write touched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub node_type: &'static str,
    pub node_key: String,
    /// The school whose readers may see it; `None` for the whole trust.
    pub school_urn: Option<i32>,
    pub deleted: bool,
}

impl Entry {
    /// A record created or changed.
    pub fn changed(node_type: &'static str, key: impl ToString, school_urn: Option<i32>) -> Self {
        Entry {
            node_type,
            node_key: key.to_string(),
            school_urn,
            deleted: false,
        }
    }

    /// A record deleted.
    pub fn deleted(node_type: &'static str, key: impl ToString, school_urn: Option<i32>) -> Self {
        Entry {
            deleted: true,
            ..Entry::changed(node_type, key, school_urn)
        }
    }
}

/// Takes `count` numbers from the trust's counter; returns the last.
async fn take_numbers(txn: &impl ConnectionTrait, trust: &str, count: i64) -> Result<i64, DbErr> {
    let counters = Alias::new("change_counters");
    let (trust_col, last) = (Alias::new("trust_id"), Alias::new("last_seq"));
    let add = Expr::cust("change_counters.last_seq + excluded.last_seq");
    let insert = Query::insert()
        .into_table(counters)
        .columns([trust_col.clone(), last.clone()])
        .values_panic([trust.into(), count.into()])
        .on_conflict(
            OnConflict::column(trust_col)
                .value(last.clone(), add)
                .to_owned(),
        )
        .returning_col(last)
        .to_owned();
    let row = txn.query_one(&insert).await?;
    let row = row.ok_or_else(|| DbErr::Custom("the change counter returned no row".into()))?;
    row.try_get_by_index::<i64>(0)
}

/// The version of `trust`'s data: the last number its change counter gave,
/// 0 before any write.
pub async fn version(db: &impl ConnectionTrait, trust: &str) -> Result<i64, DbErr> {
    let read = Query::select()
        .column(Alias::new("last_seq"))
        .from(Alias::new("change_counters"))
        .and_where(Expr::col(Alias::new("trust_id")).eq(trust))
        .to_owned();
    match db.query_one(&read).await? {
        Some(row) => row.try_get_by_index::<i64>(0),
        None => Ok(0),
    }
}

/// Records `entries` in the feed of `trust`. Call it last in the write's
/// transaction, so the counter stays locked for as short a time as can be.
pub async fn publish(
    txn: &impl ConnectionTrait,
    trust: &str,
    entries: Vec<Entry>,
) -> Result<(), DbErr> {
    let mut entries = entries;
    entries.dedup();
    if entries.is_empty() {
        return Ok(());
    }
    let last = take_numbers(txn, trust, entries.len() as i64).await?;
    let first = last - entries.len() as i64 + 1;
    let now = Utc::now();
    let rows: Vec<change::ActiveModel> = (entries.into_iter().zip(first..))
        .map(|(entry, seq)| {
            change::ActiveModel::from(change::Model {
                trust_id: trust.to_owned(),
                seq,
                node_type: entry.node_type.to_owned(),
                node_key: entry.node_key,
                school_urn: entry.school_urn,
                deleted: entry.deleted,
                changed_at: now,
            })
        })
        .collect();
    // Seven values a row keeps a chunk well under SQLite's variable limit.
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<_> = rows.by_ref().take(1000).collect();
        change::Entity::insert_many(chunk)
            .exec_without_returning(txn)
            .await?;
    }
    Ok(())
}

/// Records entries of several trusts, as a bulk load names them.
pub async fn publish_all(
    txn: &impl ConnectionTrait,
    entries: impl IntoIterator<Item = (String, Entry)>,
) -> Result<(), DbErr> {
    let mut by_trust: BTreeMap<String, Vec<Entry>> = BTreeMap::new();
    for (trust, entry) in entries {
        by_trust.entry(trust).or_default().push(entry);
    }
    for (trust, entries) in by_trust {
        publish(txn, &trust, entries).await?;
    }
    Ok(())
}

/// The entries for observers, walks and visits loaded in bulk.
pub fn loaded(
    observers: &[observer::Model],
    walks: &[walk::Model],
    visits: &[visit::Model],
) -> Vec<(String, Entry)> {
    let schools: BTreeMap<_, _> = walks.iter().map(|w| (w.id, w.school_urn)).collect();
    let observers =
        (observers.iter()).map(|o| (o.trust_id.clone(), Entry::changed("Observer", o.id, None)));
    let walks = (walks.iter()).map(|w| {
        (
            w.trust_id.clone(),
            Entry::changed("Walk", w.id, Some(w.school_urn)),
        )
    });
    let visits = visits.iter().map(|v| {
        let school = schools.get(&v.walk_id).copied();
        (v.trust_id.clone(), Entry::changed("Visit", v.id, school))
    });
    observers.chain(walks).chain(visits).collect()
}

/// Entries the scope may see: its schools' and the whole trust's.
fn visible(scope: &Scope) -> Condition {
    let trust = Condition::all().add(change::Column::TrustId.eq(scope.trust.as_str()));
    match &scope.schools {
        None => trust,
        Some(urns) => trust.add(
            Condition::any()
                .add(change::Column::SchoolUrn.is_null())
                .add(change::Column::SchoolUrn.is_in(urns.iter().copied())),
        ),
    }
}

/// The feed in commit order.
pub const FEED: Keyset<change::Model> = Keyset {
    list: "changes",
    kinds: &[Kind::Big],
    descending: false,
    key: |c| vec![Key::Big(c.seq)],
};

/// A page of the feed the scope may see, in commit order.
pub async fn page(
    db: &impl ConnectionTrait,
    scope: &Scope,
    window: &Window,
) -> ApiResult<Page<change::Model>> {
    let query = change::Entity::find().filter(visible(scope));
    keyset::page(db, query, &FEED, &[change::Column::Seq], window).await
}
