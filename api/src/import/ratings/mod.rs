//! `api import ratings`: walks, visits, observers and ratings from a CSV file
//! (one row per observer, indicator and visit), written in one transaction.
//! Walks are stored as submitted on the latest published version of one
//! protocol; ids derive from the trust and the file's names, so a walk can
//! be imported once.

mod check;
mod parse;
mod refusal;
mod row;
mod rows;
#[cfg(test)]
mod tests;
mod write;

use crate::data::{begin_write, feed};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use anyhow::{Context, ensure};
use chrono::{NaiveTime, TimeDelta};
use entity::{ProtocolStatus, WalkStatus};
use entity::{indicator, observer, protocol, scale_level, school, trust};
use entity::{visit, walk, walk_observer};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::store::{insert_chunked, refresh_stale_statistics, stable_id};
pub use refusal::{Fault, Refused};

/// The tables an import writes.
const TABLES: [&str; 7] = [
    "observers",
    "walks",
    "audit_events",
    "walk_observers",
    "visits",
    "ratings",
    "changes",
];

/// Who the imported walks say created them.
const CREATED_BY: &str = "import";

/// What one ratings import wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RatingsImport {
    pub protocol: String,
    pub version: i32,
    pub walks: usize,
    pub visits: usize,
    pub ratings: usize,
    pub new_observers: usize,
}

impl fmt::Display for RatingsImport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} walks, {} visits and {} ratings on {} version {} ({} new observers)",
            self.walks, self.visits, self.ratings, self.protocol, self.version, self.new_observers
        )
    }
}

/// Who imports, into which trust and protocol.
#[derive(Debug, Clone, Copy)]
pub struct Importer<'a> {
    pub trust_uid: &'a str,
    /// The protocol's key; its latest published version is used.
    pub protocol_key: &'a str,
    /// Recorded as the walks' creator and in the audit trail.
    pub actor: &'a str,
    /// The only schools the importer may import for, when limited.
    pub schools: Option<&'a [i32]>,
}

/// Imports a ratings file into the trust, on the latest published version of
/// the protocol `protocol_key`: all of it in one transaction, or nothing.
pub async fn import_ratings(
    db: &DatabaseConnection,
    trust_uid: &str,
    protocol_key: &str,
    bytes: &[u8],
) -> anyhow::Result<RatingsImport> {
    let importer = Importer {
        trust_uid,
        protocol_key,
        actor: CREATED_BY,
        schools: None,
    };
    import_ratings_as(db, &importer, bytes).await
}

/// Like [`import_ratings`], for `importer`. A file refused for its content
/// fails with [`Refused`], which lists each fault by line.
pub async fn import_ratings_as(
    db: &DatabaseConnection,
    importer: &Importer<'_>,
    bytes: &[u8],
) -> anyhow::Result<RatingsImport> {
    let (trust_uid, protocol_key) = (importer.trust_uid, importer.protocol_key);
    let mut clock = rows::Laps::start();
    let parsed = parse::parse(bytes)?;
    let parsing = clock.lap();
    let txn = begin_write(db).await.context("cannot begin the import")?;

    ensure!(
        trust::Entity::find_by_id(trust_uid)
            .one(&txn)
            .await?
            .is_some(),
        "no trust with GIAS group UID {trust_uid}"
    );
    let protocol = protocol::Entity::find()
        .filter(protocol::Column::TrustId.eq(trust_uid))
        .filter(protocol::Column::Key.eq(protocol_key))
        .filter(protocol::Column::Status.eq(ProtocolStatus::Published))
        .order_by_desc(protocol::Column::Version)
        .one(&txn)
        .await?
        .ok_or_else(|| {
            let message = format!("trust {trust_uid} has no published protocol {protocol_key}");
            Refused::new(vec![Fault::whole(message)])
        })?;
    let indicators: BTreeMap<String, Uuid> = indicator::Entity::find()
        .filter(indicator::Column::TrustId.eq(trust_uid))
        .filter(indicator::Column::ProtocolId.eq(protocol.id))
        .all(&txn)
        .await?
        .into_iter()
        .map(|i| (i.code, i.id))
        .collect();
    let levels: BTreeSet<i32> = scale_level::Entity::find()
        .filter(scale_level::Column::TrustId.eq(trust_uid))
        .filter(scale_level::Column::ProtocolId.eq(protocol.id))
        .all(&txn)
        .await?
        .into_iter()
        .map(|l| l.value)
        .collect();
    let schools: BTreeSet<i32> = school::Entity::find()
        .filter(school::Column::TrustId.eq(trust_uid))
        .all(&txn)
        .await?
        .into_iter()
        .map(|s| s.urn)
        .collect();
    let mut observers: BTreeMap<String, Uuid> = observer::Entity::find()
        .filter(observer::Column::TrustId.eq(trust_uid))
        .all(&txn)
        .await?
        .into_iter()
        .map(|o| (o.reference, o.id))
        .collect();

    let walk_id = |name: &str| stable_id(&format!("{trust_uid}/import/walk/{name}"));
    let taken = check::taken(&txn, trust_uid, &parsed, walk_id).await?;
    let stored = check::Stored {
        schools: &schools,
        scope: importer.schools,
        protocol: &protocol,
        indicators: &indicators,
        levels: &levels,
        taken: &taken,
    };
    let faults = check::faults(&parsed, &stored);
    if !faults.is_empty() {
        return Err(Refused::new(faults).into());
    }
    let checking = clock.lap();

    let mut new_observers = Vec::new();
    for walk in parsed.walks.values() {
        for reference in walk.observers.keys() {
            if !observers.contains_key(reference) {
                let id = stable_id(&format!("{trust_uid}/observer/{reference}"));
                observers.insert(reference.clone(), id);
                new_observers.push(observer::Model {
                    trust_id: trust_uid.to_owned(),
                    id,
                    reference: reference.clone(),
                    display_name: reference.clone(),
                });
            }
        }
    }

    let trust_id = || trust_uid.to_owned();
    let mut walks = Vec::new();
    let mut walk_observers = Vec::new();
    for (name, w) in &parsed.walks {
        let at = w
            .date
            .and_time(NaiveTime::MIN + TimeDelta::hours(16))
            .and_utc();
        walks.push(walk::Model {
            trust_id: trust_id(),
            id: walk_id(name),
            school_urn: w.school_urn,
            protocol_id: protocol.id,
            walk_date: w.date,
            purpose: format!("Imported walk {name}."),
            status: WalkStatus::Submitted,
            created_by: importer.actor.to_owned(),
            created_at: at,
            updated_at: at,
            submitted_at: Some(at),
            version: 1,
            external_id: Some(name.clone()),
        });
        for (reference, role) in &w.observers {
            walk_observers.push(walk_observer::Model {
                trust_id: trust_id(),
                walk_id: walk_id(name),
                observer_id: observers[reference],
                role: *role,
            });
        }
    }
    let visit_id = |name: &str| stable_id(&format!("{trust_uid}/import/visit/{name}"));
    let visits: Vec<visit::Model> = (parsed.visits.iter())
        .map(|(name, v)| visit::Model {
            trust_id: trust_id(),
            id: visit_id(name),
            walk_id: walk_id(&v.walk),
            subject: v.subject.clone(),
            year_group: None,
            key_stage: v.key_stage.clone(),
            started_at: None,
            minutes: 0,
            created_at: parsed.walks[&v.walk]
                .date
                .and_time(NaiveTime::MIN)
                .and_utc(),
            notes: None,
            external_id: Some(name.clone()),
        })
        .collect();
    let recorded_at = chrono::Utc::now();
    let ratings = rows::ratings(&parsed, &visits, &indicators, &observers);

    let summary = RatingsImport {
        protocol: protocol.key.clone(),
        version: protocol.version,
        walks: walks.len(),
        visits: visits.len(),
        ratings: ratings.len(),
        new_observers: new_observers.len(),
    };
    let audit = rows::audit(&walks, importer.actor, recorded_at)?;
    let entries = feed::loaded(&new_observers, &walks, &visits);
    let preparing = clock.lap();
    // Another import running now may add the same new observer: the same
    // reference gives the same id, so whichever writes first stands.
    let same_observer = OnConflict::columns([observer::Column::TrustId, observer::Column::Id])
        .do_nothing()
        .to_owned();
    insert_chunked(&txn, new_observers, Some(&same_observer)).await?;
    insert_chunked(&txn, walks, None).await?;
    insert_chunked(&txn, audit, None).await?;
    insert_chunked(&txn, walk_observers, None).await?;
    insert_chunked(&txn, visits, None).await?;
    write::insert_ratings(&txn, trust_uid, recorded_at, &ratings).await?;
    feed::publish_all(&txn, entries).await?;
    let writing = clock.lap();
    txn.commit().await.context("cannot commit the import")?;
    let committing = clock.lap();
    let analysed = refresh_stale_statistics(db, &TABLES, "ratings", summary.ratings).await?;
    tracing::debug!(
        ratings = summary.ratings,
        parse_ms = parsing.as_millis(),
        check_ms = checking.as_millis(),
        prepare_ms = preparing.as_millis(),
        write_ms = writing.as_millis(),
        commit_ms = committing.as_millis(),
        statistics_ms = clock.lap().as_millis(),
        analysed,
        "ratings imported"
    );
    Ok(summary)
}
