//! The demo walks of one trust: its team of six demo observers, and one or
//! two terms of walks at each of its schools.

use std::collections::BTreeMap;

use anyhow::Context;
use chrono::NaiveDate;
use entity::{ObserverRole, indicator, observer, school};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::batch::{Batch, Plan};
use super::random::SplitMix64;
use crate::import::store::stable_id;

fn date(y: i32, m: u32, d: u32) -> anyhow::Result<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d).with_context(|| format!("bad demo date {y}-{m}-{d}"))
}

/// Adds the trust's missing demo observers and its schools' walks, rated
/// against the trust's core protocol, to the batch.
pub(super) async fn add_trust(
    db: &DatabaseConnection,
    batch: &mut Batch,
    trust: &str,
    protocol_id: Uuid,
    schools: Vec<&school::Model>,
) -> anyhow::Result<()> {
    let (autumn, spring) = (date(2025, 9, 8)?, date(2026, 1, 5)?);
    let indicators: Vec<Uuid> = indicator::Entity::find()
        .filter(indicator::Column::TrustId.eq(trust))
        .filter(indicator::Column::ProtocolId.eq(protocol_id))
        .order_by_asc(indicator::Column::Code)
        .all(db)
        .await?
        .into_iter()
        .map(|i| i.id)
        .collect();
    let team = team(db, batch, trust).await?;

    for (index, school) in schools.into_iter().enumerate() {
        let mut rng = SplitMix64::for_school(school.urn);
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
                date: rng.school_day(from, days),
                visits: if single { 4 } else { 4 + rng.below(4) },
                tendency,
                observers: [(lead, ObserverRole::Lead), (second, role)],
            };
            batch.add_walk(&mut rng, plan);
        }
    }
    Ok(())
}

/// The trust's six demo observers: three leads, then three second observers.
/// Those not yet stored are added to the batch.
async fn team(
    db: &DatabaseConnection,
    batch: &mut Batch,
    trust: &str,
) -> anyhow::Result<Vec<Uuid>> {
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
                let id = stable_id(&format!("{trust}/observer/{reference}"));
                let display_name = format!("Demo observer {n}");
                batch.observers.push(observer::Model {
                    trust_id: trust.to_owned(),
                    id,
                    reference,
                    display_name,
                });
                id
            }
        };
        team.push(observer_id);
    }
    Ok(team)
}
