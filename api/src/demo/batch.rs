//! The demo's rows, built in memory before one bulk write: each generated
//! walk with its two observers, its visits, and the paired ratings of every
//! indicator in each visit.

use chrono::{NaiveDate, NaiveTime, TimeDelta};
use entity::{ObserverRole, RatingOutcome, WalkStatus};
use entity::{observer, rating, school, visit, walk, walk_observer};
use uuid::Uuid;

use super::CREATED_BY;
use super::random::SplitMix64;
use crate::import::store::stable_id;

const PURPOSE_LABEL: &str = "Demo walk (generated sample data, not a real visit): ";
const PURPOSES: [&str; 4] = [
    "a look at the shared routines for learning across year groups.",
    "seeing how the planned curriculum is delivered at this point in the term.",
    "a look at pupil talk and engagement across subjects.",
    "checking entry, transition and behaviour routines on the ground.",
];
#[rustfmt::skip]
const SUBJECTS: [&str; 8] = [
    "English", "Mathematics", "Science", "History",
    "Geography", "Art", "PE", "Computing",
];

/// Rows of the demo walks, built in memory before one bulk write.
#[derive(Default)]
pub(super) struct Batch {
    pub observers: Vec<observer::Model>,
    pub walks: Vec<walk::Model>,
    pub walk_observers: Vec<walk_observer::Model>,
    pub visits: Vec<visit::Model>,
    pub ratings: Vec<rating::Model>,
}

/// One walk's fixed facts.
pub(super) struct Plan<'a> {
    pub school: &'a school::Model,
    pub protocol_id: Uuid,
    pub indicators: &'a [Uuid],
    pub name: String,
    pub date: NaiveDate,
    pub visits: u64,
    pub tendency: f64,
    pub observers: [(Uuid, ObserverRole); 2],
}

/// Year groups a school of this phase teaches.
fn year_groups(phase: Option<&str>) -> (i32, i32) {
    match phase {
        Some("Primary") => (1, 6),
        Some("Secondary") => (7, 11),
        Some("16 Plus") => (12, 13),
        _ => (1, 11),
    }
}

fn key_stage(year: i32) -> &'static str {
    match year {
        ..=0 => "EYFS",
        1..=2 => "KS1",
        3..=6 => "KS2",
        7..=9 => "KS3",
        10..=11 => "KS4",
        _ => "KS5",
    }
}

impl Batch {
    /// Adds the walk with its observers, visits and ratings, drawn from `rng`.
    pub(super) fn add_walk(&mut self, rng: &mut SplitMix64, plan: Plan<'_>) {
        let trust = &plan.school.trust_id;
        let walk_id = stable_id(&plan.name);
        let created_at = plan
            .date
            .and_time(NaiveTime::MIN + TimeDelta::hours(8))
            .and_utc();
        let submitted_at = created_at + TimeDelta::hours(8);
        let purpose = PURPOSES[rng.below(PURPOSES.len() as u64) as usize];
        self.walks.push(walk::Model {
            trust_id: trust.clone(),
            id: walk_id,
            school_urn: plan.school.urn,
            protocol_id: plan.protocol_id,
            walk_date: plan.date,
            purpose: format!("{PURPOSE_LABEL}{purpose}"),
            status: WalkStatus::Submitted,
            created_by: CREATED_BY.to_owned(),
            created_at,
            updated_at: submitted_at,
            submitted_at: Some(submitted_at),
            version: 1,
            external_id: None,
        });
        for (observer_id, role) in plan.observers {
            self.walk_observers.push(walk_observer::Model {
                trust_id: trust.clone(),
                walk_id,
                observer_id,
                role,
            });
        }

        let (first, last) = year_groups(plan.school.phase.as_deref());
        // Visits start between 09:00 and 14:30, on five-minute marks.
        let mut starts: Vec<u64> = (0..plan.visits).map(|_| rng.below(67)).collect();
        starts.sort_unstable();
        for (n, start) in starts.into_iter().enumerate() {
            let year = first + rng.below((last - first + 1) as u64) as i32;
            let started = NaiveTime::MIN + TimeDelta::minutes(9 * 60 + 5 * start as i64);
            let minutes = 10 + rng.below(11) as i32;
            let visit_id = stable_id(&format!("{}/visit/{n}", plan.name));
            let subject = SUBJECTS[rng.below(SUBJECTS.len() as u64) as usize];
            self.visits.push(visit::Model {
                trust_id: trust.clone(),
                id: visit_id,
                walk_id,
                subject: subject.to_owned(),
                year_group: Some(year),
                key_stage: Some(key_stage(year).to_owned()),
                started_at: Some(started),
                minutes,
                created_at: plan.date.and_time(started).and_utc(),
                notes: None,
                external_id: None,
            });

            let recorded_at = plan
                .date
                .and_time(started + TimeDelta::minutes(minutes.into()))
                .and_utc();
            let visit_effect = (rng.unit() - 0.5) * 0.8;
            let [(lead, _), (second, second_role)] = plan.observers;
            let agreement = if second_role == ObserverRole::Trainee {
                0.65
            } else {
                0.8
            };
            for &indicator_id in plan.indicators {
                let level = (rng.unit() >= 0.08).then(|| {
                    let noise = (rng.unit() + rng.unit() - 1.0) * 1.1;
                    (plan.tendency + visit_effect + noise)
                        .round()
                        .clamp(1.0, 4.0) as i32
                });
                let other = level.map(|level| match rng.unit() < agreement {
                    true => level,
                    false if level == 1 || (level < 4 && rng.unit() < 0.5) => level + 1,
                    false => level - 1,
                });
                for (observer_id, level) in [(lead, level), (second, other)] {
                    self.ratings.push(rating::Model {
                        trust_id: trust.clone(),
                        visit_id,
                        indicator_id,
                        observer_id,
                        outcome: match level {
                            Some(_) => RatingOutcome::Level,
                            None => RatingOutcome::NotObserved,
                        },
                        level,
                        evidence: None,
                        recorded_at,
                    });
                }
            }
        }
    }
}
