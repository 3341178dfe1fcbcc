//! Checking a parsed ratings file against what the trust holds: its
//! schools, the protocol's indicators and scale, the walks it already has.

use std::collections::{BTreeMap, BTreeSet};

use entity::protocol;
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
    /// Names of the file's walks imported before.
    pub imported: &'a BTreeSet<String>,
}

/// Every fault of `parsed` against `stored`, each on the line that names
/// it.
pub(super) fn faults(parsed: &Parsed, stored: &Stored<'_>) -> Vec<Fault> {
    let mut faults = Vec::new();
    for (name, walk) in &parsed.walks {
        let urn = walk.school_urn;
        if !stored.schools.contains(&urn) {
            let message = format!("walk {name}: school {urn} is not in the trust");
            faults.push(Fault::at(walk.line, message));
        } else if stored.scope.is_some_and(|urns| !urns.contains(&urn)) {
            let message = format!("walk {name}: school {urn} is not one of yours");
            faults.push(Fault::at(walk.line, message));
        }
        if stored.imported.contains(name) {
            let message = format!("walk {name} was imported before");
            faults.push(Fault::at(walk.line, message));
        }
    }
    let (key, version) = (&stored.protocol.key, stored.protocol.version);
    for r in &parsed.ratings {
        let at = |message: String| Fault::at(r.line, message);
        if !stored.indicators.contains_key(&r.indicator) {
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
