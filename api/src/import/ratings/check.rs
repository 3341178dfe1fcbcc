//! Checking a parsed ratings file against what the trust holds: its
//! schools, the protocol's indicators and scale, the walks it already has.

use std::collections::{BTreeMap, BTreeSet};

use entity::{protocol, visit, walk};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::parse::{Entry, Parsed};
use super::refusal::Fault;

/// What the trust holds that a file must agree with.
pub(super) struct Stored<'a> {
    pub schools: &'a BTreeSet<i32>,
    /// The importer's schools, when it may import for only some.
    pub scope: Option<&'a [i32]>,
    pub protocol: &'a protocol::Model,
    pub indicators: &'a BTreeMap<String, Uuid>,
    pub levels: &'a BTreeSet<i32>,
    pub taken: &'a Taken,
}

/// What of a file the trust already has.
#[derive(Default)]
pub(super) struct Taken {
    /// Names of the file's walks imported before.
    pub imported: BTreeSet<String>,
    /// The file's walk names other walks already use as `externalId`.
    pub walk_names: BTreeSet<String>,
    /// The file's visit names other visits already use as `externalId`.
    pub visit_names: BTreeSet<String>,
}

/// Names per statement, well under both stores' limits on bound values.
const CHUNK: usize = 1000;

/// What of `parsed` the trust already has; `walk_id` is the id an
/// imported walk gets from its name.
pub(super) async fn taken(
    txn: &impl ConnectionTrait,
    trust: &str,
    parsed: &Parsed,
    walk_id: impl Fn(&str) -> Uuid,
) -> Result<Taken, DbErr> {
    let mut taken = Taken::default();
    let names: Vec<&String> = parsed.walks.keys().collect();
    for chunk in names.chunks(CHUNK) {
        let ids = chunk.iter().map(|name| walk_id(name));
        let by_id = walk::Column::Id.is_in(ids);
        let by_name = walk::Column::ExternalId.is_in(chunk.iter().map(|n| n.as_str()));
        let found = walk::Entity::find()
            .filter(walk::Column::TrustId.eq(trust))
            .filter(sea_orm::Condition::any().add(by_id).add(by_name))
            .all(txn)
            .await?;
        for row in found {
            let name = row.external_id.clone().unwrap_or_default();
            match chunk.iter().find(|n| walk_id(n) == row.id) {
                Some(imported) => taken.imported.insert((*imported).clone()),
                None => taken.walk_names.insert(name),
            };
        }
    }
    let names: Vec<&String> = parsed.visits.keys().collect();
    for chunk in names.chunks(CHUNK) {
        let found = visit::Entity::find()
            .filter(visit::Column::TrustId.eq(trust))
            .filter(visit::Column::ExternalId.is_in(chunk.iter().map(|n| n.as_str())))
            .all(txn)
            .await?;
        let imported = |id: Uuid| taken.imported.iter().any(|name| walk_id(name) == id);
        let others: Vec<String> = (found.into_iter())
            .filter(|v| !imported(v.walk_id))
            .filter_map(|v| v.external_id)
            .collect();
        taken.visit_names.extend(others);
    }
    Ok(taken)
}

/// Every fault of `parsed` against `stored`, each on the line that names
/// it.
pub(super) fn faults(parsed: &Parsed, stored: &Stored<'_>) -> Vec<Fault> {
    let mut faults = Vec::new();
    for (name, walk) in &parsed.walks {
        let urn = walk.school_urn;
        // A caller limited to some schools hears the same of every other
        // school, in the trust or not, so it learns nothing of the trust's.
        if stored.scope.is_some_and(|urns| !urns.contains(&urn)) {
            let message = format!("walk {name}: school {urn} is not one of yours");
            faults.push(Fault::at(walk.line, message));
        } else if !stored.schools.contains(&urn) {
            let message = format!("walk {name}: school {urn} is not in the trust");
            faults.push(Fault::at(walk.line, message));
        }
        if stored.taken.imported.contains(name) {
            let message = format!("walk {name} was imported before");
            faults.push(Fault::at(walk.line, message));
        } else if stored.taken.walk_names.contains(name) {
            let message = format!("walk {name}: another walk of the trust has externalId {name}");
            faults.push(Fault::at(walk.line, message));
        }
    }
    let mut named = BTreeSet::new();
    for r in &parsed.ratings {
        if stored.taken.visit_names.contains(&*r.visit) && named.insert(&r.visit) {
            let message = format!(
                "visit {0}: another visit of the trust has externalId {0}",
                r.visit
            );
            faults.push(Fault::at(r.line, message));
        }
    }
    let (key, version) = (&stored.protocol.key, stored.protocol.version);
    for r in &parsed.ratings {
        let at = |message: String| Fault::at(r.line, message);
        if !stored.indicators.contains_key(&*r.indicator) {
            let message = format!(
                "visit {}: indicator {} is not in {key} version {version}",
                r.visit, r.indicator
            );
            faults.push(at(message));
        }
        match r.entry {
            Entry::Level(level) if !stored.levels.contains(&level) => faults.push(at(format!(
                "visit {}, indicator {}: level {level} is not on the protocol's scale",
                r.visit, r.indicator
            ))),
            Entry::NotObserved if !stored.protocol.allows_not_observed => faults.push(at(format!(
                "visit {}, indicator {}: the protocol does not allow not observed",
                r.visit, r.indicator
            ))),
            _ => {}
        }
    }
    faults
}
