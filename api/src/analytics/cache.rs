//! Repeated variation reports, kept per trust data version and scope.
//!
//! Every write to a trust's data takes numbers from the trust's change
//! counter in its own transaction (`data::feed`), so the counter's value is
//! the version of the trust's data. A report is kept under that version,
//! the caller's scope and the resolved question; any write moves the
//! version on, so a read after it never finds the older report. The version
//! is read before the report's data (alongside the question's resolution,
//! which is part of the key), so a kept report is never older than its key.

use std::num::NonZeroUsize;
use std::sync::Mutex;

use lru::LruCache;
use sea_orm::ConnectionTrait;

use super::filter::Resolved;
use super::report::{self, Grouping, Report};
use crate::auth::Scope;
use crate::data::feed;
use crate::error::ApiResult;

#[derive(Hash, PartialEq, Eq)]
struct Key {
    trust: String,
    schools: Option<Vec<i32>>,
    version: i64,
    /// The resolved filter, grouping and totals, written out.
    question: String,
}

/// A trust's data version as [`ReportCache::version`] read it: only that
/// reading makes one.
pub struct Version(Option<i64>);

/// Kept reports, shared by the requests of one service; the least recently
/// asked go first.
pub struct ReportCache {
    /// `None` when nothing is kept.
    kept: Option<Mutex<LruCache<Key, Report>>>,
}

impl ReportCache {
    /// Keeps up to `entries` reports; 0 keeps none.
    pub fn new(entries: usize) -> Self {
        let kept = NonZeroUsize::new(entries).map(|size| Mutex::new(LruCache::new(size)));
        ReportCache { kept }
    }

    /// The trust's data version, when reports are kept. Read it before, or
    /// alongside, anything the report is built from, never after.
    pub async fn version(&self, db: &impl ConnectionTrait, scope: &Scope) -> ApiResult<Version> {
        Ok(Version(match &self.kept {
            Some(_) => Some(feed::version(db, &scope.trust).await?),
            None => None,
        }))
    }

    /// The report `report::build` would give, kept under `version` or built.
    pub async fn report(
        &self,
        db: &impl ConnectionTrait,
        scope: &Scope,
        version: Version,
        resolved: Resolved,
        grouping: Grouping,
        with_totals: bool,
    ) -> ApiResult<Report> {
        let (Some(kept), Version(Some(version))) = (&self.kept, version) else {
            return report::build(db, scope, resolved, grouping, with_totals).await;
        };
        let key = Key {
            trust: scope.trust.clone(),
            schools: scope.schools.clone(),
            version,
            question: format!("{resolved:?}|{grouping:?}|{with_totals}"),
        };
        let lock = || kept.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(report) = lock().get(&key).cloned() {
            return Ok(report);
        }
        let report = report::build(db, scope, resolved, grouping, with_totals).await?;
        lock().put(key, report.clone());
        Ok(report)
    }
}
