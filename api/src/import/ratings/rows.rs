//! The rows an import writes besides walks and visits: ratings with their
//! ids resolved, and the audit trail; and the timing of its phases.

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::{DateTime, Utc};
use entity::{RatingOutcome, audit_event, visit, walk};
use uuid::Uuid;

use super::parse::{Entry, Parsed};
use super::write::NewRating;

/// The file's ratings with the ids of their visits, indicators and
/// observers; every name in `parsed` has one.
pub(super) fn ratings(
    parsed: &Parsed,
    visits: &[visit::Model],
    indicators: &BTreeMap<String, Uuid>,
    observers: &BTreeMap<String, Uuid>,
) -> Vec<NewRating> {
    let visit_ids: HashMap<&str, Uuid> = (visits.iter())
        .filter_map(|v| Some((v.external_id.as_deref()?, v.id)))
        .collect();
    (parsed.ratings.iter())
        .map(|r| NewRating {
            visit_id: visit_ids[&*r.visit],
            indicator_id: indicators[&*r.indicator],
            observer_id: observers[&*r.observer],
            outcome: match r.entry {
                Entry::Level(_) => RatingOutcome::Level,
                Entry::NotObserved => RatingOutcome::NotObserved,
                Entry::NotApplicable => RatingOutcome::NotApplicable,
            },
            level: match r.entry {
                Entry::Level(level) => Some(level),
                _ => None,
            },
        })
        .collect()
}

/// One `walk.imported` event a walk, by `actor`.
pub(super) fn audit(
    walks: &[walk::Model],
    actor: &str,
    at: DateTime<Utc>,
) -> anyhow::Result<Vec<audit_event::Model>> {
    (walks.iter())
        .map(|walk| {
            let after = serde_json::to_string(walk).context("cannot record the walk")?;
            Ok(audit_event::Model {
                trust_id: walk.trust_id.clone(),
                id: Uuid::new_v4(),
                occurred_at: at,
                actor: actor.to_owned(),
                action: "walk.imported".to_owned(),
                subject_type: "Walk".to_owned(),
                subject_id: walk.id.to_string(),
                walk_id: Some(walk.id),
                before: None,
                after: Some(after),
            })
        })
        .collect()
}

/// Times the import's phases one after another.
pub(super) struct Laps(Instant);

impl Laps {
    pub fn start() -> Laps {
        Laps(Instant::now())
    }

    /// The time since the last lap, or since the start.
    pub fn lap(&mut self) -> Duration {
        let now = Instant::now();
        now - std::mem::replace(&mut self.0, now)
    }
}
