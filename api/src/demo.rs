//! The demo: four real trusts and their schools from the 2017 GIAS extract,
//! the two sample protocols, and a deterministic set of clearly labelled,
//! generated walks (not real visits) so every figure can be tried out.

use std::collections::BTreeMap;
use std::fmt;

use anyhow::Context;
use chrono::{Datelike, Days, NaiveDate, NaiveTime, TimeDelta, Weekday};
use entity::{ObserverRole, RatingOutcome, WalkStatus};
use entity::{indicator, observer, rating, school, visit, walk, walk_observer};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};
use sea_orm::{QueryOrder, TransactionTrait};
use uuid::Uuid;

use crate::import::gias::{self, insert_chunked};
use crate::import::protocol::import_protocol;

const SCHOOLS: &[u8] = include_bytes!("../../data/gias-mat-2017.csv");
const PROTOCOLS: [&[u8]; 2] = [
    include_bytes!("../../data/protocol-trust-core.json"),
    include_bytes!("../../data/protocol-early-reading.json"),
];
/// `created_by` of every demo walk: how a demo is recognised.
const CREATED_BY: &str = "demo";
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
const SEED: u64 = 0x5EED_2025_0901;

/// What loading the demo did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DemoLoad {
    pub trusts: usize,
    pub schools: usize,
    pub protocols: usize,
    pub walks: usize,
    pub visits: usize,
    pub ratings: usize,
    /// Demo walks were already there, so nothing was changed.
    pub already_loaded: bool,
}

impl fmt::Display for DemoLoad {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.already_loaded {
            let walks = self.walks;
            return write!(
                f,
                "the demo is already loaded ({walks} demo walks); nothing changed"
            );
        }
        write!(
            f,
            "{} trusts, {} schools, {} protocol versions, {} demo walks, {} visits, \
             {} ratings",
            self.trusts, self.schools, self.protocols, self.walks, self.visits, self.ratings,
        )
    }
}

/// SplitMix64, hand-written rather than taken from a crate so the demo's
/// figures are identical on every machine and independent of crate versions.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A whole number in `0..n`.
    fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    /// A number in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn id(name: &str) -> Uuid {
    Uuid::new_v5(&Uuid::NAMESPACE_OID, name.as_bytes())
}

fn date(y: i32, m: u32, d: u32) -> anyhow::Result<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d).with_context(|| format!("bad demo date {y}-{m}-{d}"))
}

/// A weekday within `days` days of `from`.
fn school_day(rng: &mut SplitMix64, from: NaiveDate, days: u64) -> NaiveDate {
    let day = from + Days::new(rng.below(days));
    match day.weekday() {
        Weekday::Sat => day + Days::new(2),
        Weekday::Sun => day + Days::new(1),
        _ => day,
    }
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

/// Rows of the demo walks, built in memory before one bulk write.
#[derive(Default)]
struct Batch {
    observers: Vec<observer::ActiveModel>,
    walks: Vec<walk::ActiveModel>,
    walk_observers: Vec<walk_observer::ActiveModel>,
    visits: Vec<visit::ActiveModel>,
    ratings: Vec<rating::ActiveModel>,
}

/// One walk's fixed facts.
struct Plan<'a> {
    school: &'a school::Model,
    protocol_id: Uuid,
    indicators: &'a [Uuid],
    name: String,
    date: NaiveDate,
    visits: u64,
    tendency: f64,
    observers: [(Uuid, ObserverRole); 2],
}

impl Batch {
    fn add_walk(&mut self, rng: &mut SplitMix64, plan: Plan<'_>) {
        let trust = &plan.school.trust_id;
        let walk_id = id(&plan.name);
        let created_at = plan
            .date
            .and_time(NaiveTime::MIN + TimeDelta::hours(8))
            .and_utc();
        let submitted_at = created_at + TimeDelta::hours(8);
        let purpose = PURPOSES[rng.below(PURPOSES.len() as u64) as usize];
        self.walks.push(
            walk::Model {
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
            }
            .into(),
        );
        for (observer_id, role) in plan.observers {
            let trust_id = trust.clone();
            let row = walk_observer::Model {
                trust_id,
                walk_id,
                observer_id,
                role,
            };
            self.walk_observers.push(row.into());
        }

        let (first, last) = year_groups(plan.school.phase.as_deref());
        // Visits start between 09:00 and 14:30, on five-minute marks.
        let mut starts: Vec<u64> = (0..plan.visits).map(|_| rng.below(67)).collect();
        starts.sort_unstable();
        for (n, start) in starts.into_iter().enumerate() {
            let year = first + rng.below((last - first + 1) as u64) as i32;
            let started = NaiveTime::MIN + TimeDelta::minutes(9 * 60 + 5 * start as i64);
            let minutes = 10 + rng.below(11) as i32;
            let visit_id = id(&format!("{}/visit/{n}", plan.name));
            let subject = SUBJECTS[rng.below(SUBJECTS.len() as u64) as usize];
            self.visits.push(
                visit::Model {
                    trust_id: trust.clone(),
                    id: visit_id,
                    walk_id,
                    subject: subject.to_owned(),
                    year_group: Some(year),
                    key_stage: Some(key_stage(year).to_owned()),
                    started_at: Some(started),
                    minutes,
                    created_at: plan.date.and_time(started).and_utc(),
                }
                .into(),
            );
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
                    self.ratings.push(
                        rating::Model {
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
                        }
                        .into(),
                    );
                }
            }
        }
    }
}

/// Loads the demo: schools, both protocols for every trust, then the demo
/// walks in one transaction. Does nothing when demo walks already exist.
pub async fn load(db: &DatabaseConnection) -> anyhow::Result<DemoLoad> {
    let existing = walk::Entity::find()
        .filter(walk::Column::CreatedBy.eq(CREATED_BY))
        .count(db)
        .await
        .context("cannot look for demo walks")?;
    if existing > 0 {
        let walks = usize::try_from(existing).unwrap_or(usize::MAX);
        return Ok(DemoLoad {
            walks,
            already_loaded: true,
            ..Default::default()
        });
    }

    let parsed = gias::parse(SCHOOLS).context("the demo school file")?;
    gias::import_schools(db, SCHOOLS)
        .await
        .context("cannot load the demo schools")?;
    let mut core_protocols = BTreeMap::new();
    for trust in parsed.trusts.keys() {
        for (n, json) in PROTOCOLS.iter().enumerate() {
            let loaded = import_protocol(db, trust, json).await?;
            if n == 0 {
                core_protocols.insert(trust.as_str(), loaded.id);
            }
        }
    }

    let (autumn, spring) = (date(2025, 9, 8)?, date(2026, 1, 5)?);
    let mut batch = Batch::default();
    let mut by_trust: BTreeMap<&str, Vec<&school::Model>> = BTreeMap::new();
    for school in parsed.schools.values() {
        by_trust
            .entry(school.trust_id.as_str())
            .or_default()
            .push(school);
    }
    for (trust, schools) in by_trust {
        let protocol_id = core_protocols[trust];
        let indicators: Vec<Uuid> = indicator::Entity::find()
            .filter(indicator::Column::TrustId.eq(trust))
            .filter(indicator::Column::ProtocolId.eq(protocol_id))
            .order_by_asc(indicator::Column::Code)
            .all(db)
            .await?
            .into_iter()
            .map(|i| i.id)
            .collect();
        let stored: BTreeMap<String, Uuid> = observer::Entity::find()
            .filter(observer::Column::TrustId.eq(trust))
            .filter(observer::Column::Reference.starts_with("demo-obs-"))
            .all(db)
            .await?
            .into_iter()
            .map(|o| (o.reference, o.id))
            .collect();
        let mut team = Vec::new();
        for n in 1..=6 {
            let reference = format!("demo-obs-{n}");
            let observer_id = match stored.get(&reference) {
                Some(&known) => known,
                None => {
                    let observer_id = id(&format!("{trust}/observer/{reference}"));
                    let display_name = format!("Demo observer {n}");
                    let (trust_id, id) = (trust.to_owned(), observer_id);
                    let row = observer::Model {
                        trust_id,
                        id,
                        reference,
                        display_name,
                    };
                    batch.observers.push(row.into());
                    observer_id
                }
            };
            team.push(observer_id);
        }

        for (index, school) in schools.into_iter().enumerate() {
            let mut rng = SplitMix64(SEED ^ u64::from(school.urn.unsigned_abs()));
            let tendency = 1.9 + 1.6 * rng.unit();
            // In each trust every tenth school has a single short walk, so its
            // figures fall under the minimum cell size and show as suppressed.
            let single = index % 10 == 3;
            let terms: &[(&str, NaiveDate, u64)] = match single {
                true => &[("autumn-2025", autumn, 95)],
                false => &[("autumn-2025", autumn, 95), ("spring-2026", spring, 81)],
            };
            for &(term, from, days) in terms {
                let lead = team[rng.below(3) as usize];
                let second = team[3 + rng.below(3) as usize];
                let role = match rng.unit() < 0.25 {
                    true => ObserverRole::Trainee,
                    false => ObserverRole::CoObserver,
                };
                let plan = Plan {
                    school,
                    protocol_id,
                    indicators: &indicators,
                    name: format!("{trust}/demo/walk/{}/{term}", school.urn),
                    date: school_day(&mut rng, from, days),
                    visits: if single { 4 } else { 4 + rng.below(4) },
                    tendency,
                    observers: [(lead, ObserverRole::Lead), (second, role)],
                };
                batch.add_walk(&mut rng, plan);
            }
        }
    }

    let counts = (batch.walks.len(), batch.visits.len(), batch.ratings.len());
    let txn = db.begin().await.context("cannot begin the demo")?;
    insert_chunked(&txn, batch.observers, None).await?;
    insert_chunked(&txn, batch.walks, None).await?;
    insert_chunked(&txn, batch.walk_observers, None).await?;
    insert_chunked(&txn, batch.visits, None).await?;
    insert_chunked(&txn, batch.ratings, None).await?;
    txn.commit().await.context("cannot commit the demo walks")?;

    Ok(DemoLoad {
        trusts: parsed.trusts.len(),
        schools: parsed.schools.len(),
        protocols: parsed.trusts.len() * PROTOCOLS.len(),
        walks: counts.0,
        visits: counts.1,
        ratings: counts.2,
        already_loaded: false,
    })
}
