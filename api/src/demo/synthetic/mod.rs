//! `api seed synthetic`: a deterministic data set at national scale, written
//! through the importers (GIAS schools, protocol, ratings files) so that it
//! exercises the same code paths as a trust's own data.
//!
//! Every walk has four visits; in each, the lead and a second observer rate
//! three indicators of one focus area: 24 ratings per walk. Schools differ
//! (a tendency each), trusts differ in level and consistency, most improve a
//! little each year, and 5% of entries are not observed.

mod files;
mod plan;

use std::fmt;
use std::time::Instant;

use anyhow::{Context, ensure};
use entity::{school, trust};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};

use crate::import::{gias, protocol, ratings};
use files::Indicators;
pub use plan::{FIRST_TRUST_UID, FIRST_URN};

const PROTOCOL: &[u8] = include_bytes!("../../../../data/protocol-trust-core.json");
const PROTOCOL_KEY: &str = "trust-core";
/// The last academic year generated, by the calendar year it starts in.
const LAST_YEAR: i32 = 2025;
/// Visits in each walk.
pub const VISITS_PER_WALK: usize = 4;
/// Indicators each observer rates in each visit.
pub const INDICATORS_PER_VISIT: usize = 3;
/// Ratings in each walk: two observers in every visit.
pub const RATINGS_PER_WALK: u64 = (VISITS_PER_WALK * INDICATORS_PER_VISIT * 2) as u64;

/// How much to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyntheticSize {
    /// Trusts, with GIAS group UIDs from [`FIRST_TRUST_UID`] (1 to 2000).
    pub trusts: u32,
    /// Schools shared among the trusts, URNs from [`FIRST_URN`].
    pub schools: u32,
    /// Academic years, ending with 2025/26 (1 to 10).
    pub years: u32,
    /// Ratings wanted; walks are this over [`RATINGS_PER_WALK`], rounded down.
    pub ratings: u64,
    /// The seed every draw derives from.
    pub seed: u64,
}

impl SyntheticSize {
    pub const DEFAULT_SEED: u64 = 0x5EED_0000_7000;
    /// Schools per trust when the number of schools is not given.
    pub const SCHOOLS_PER_TRUST: u32 = 15;

    /// `ratings` over `trusts` trusts, with the default schools, years and seed.
    pub fn new(ratings: u64, trusts: u32) -> Self {
        Self {
            trusts,
            schools: trusts.saturating_mul(Self::SCHOOLS_PER_TRUST),
            years: 3,
            ratings,
            seed: Self::DEFAULT_SEED,
        }
    }

    /// Walks generated: one per [`RATINGS_PER_WALK`] ratings asked.
    pub fn walks(&self) -> u64 {
        self.ratings / RATINGS_PER_WALK
    }

    fn check(&self) -> anyhow::Result<()> {
        ensure!(
            (1..=2000).contains(&self.trusts),
            "trusts must be 1 to 2000"
        );
        ensure!(
            (self.trusts..=99_999).contains(&self.schools),
            "schools must be at least one per trust and at most 99999"
        );
        ensure!((1..=10).contains(&self.years), "years must be 1 to 10");
        ensure!(
            self.walks() > 0,
            "ratings must be at least {RATINGS_PER_WALK}, one walk's worth"
        );
        Ok(())
    }
}

impl Default for SyntheticSize {
    /// 40 trusts, 600 schools, three years, 1.5 million ratings.
    fn default() -> Self {
        Self::new(1_500_000, 40)
    }
}

/// What a synthetic load wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct SyntheticLoad {
    pub trusts: usize,
    pub schools: usize,
    pub walks: usize,
    pub visits: usize,
    pub ratings: usize,
    pub seconds: f64,
    /// Synthetic trusts or schools were already there: nothing was written.
    pub already_loaded: bool,
}

impl fmt::Display for SyntheticLoad {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.already_loaded {
            return write!(
                f,
                "synthetic data is already loaded ({} synthetic trusts, {} schools found); \
                 nothing changed",
                self.trusts, self.schools
            );
        }
        let rate = self.ratings as f64 / self.seconds.max(f64::EPSILON);
        write!(
            f,
            "{} trusts, {} schools, {} walks, {} visits, {} ratings in {:.1} s \
             ({rate:.0} ratings/s)",
            self.trusts, self.schools, self.walks, self.visits, self.ratings, self.seconds,
        )
    }
}

/// One trust loaded, for progress reports.
#[derive(Debug, Clone)]
pub struct TrustLoaded {
    pub uid: String,
    /// 1 for the first trust loaded.
    pub number: usize,
    pub of: usize,
    pub schools: usize,
    pub walks: usize,
    pub ratings: usize,
    /// Since the load began.
    pub seconds: f64,
}

/// Generates and imports `size`'s data; see [`seed_reporting`].
pub async fn seed(db: &DatabaseConnection, size: &SyntheticSize) -> anyhow::Result<SyntheticLoad> {
    seed_reporting(db, size, |_| {}).await
}

/// Generates `size`'s data and imports it: the schools file, then for each
/// trust the trust-core protocol and one ratings file per academic year,
/// each in its own transaction (a file a term would run the statistics
/// refresh after each import three times as often). Calls `progress` after
/// each trust. Writes nothing when any synthetic trust or school is stored.
pub async fn seed_reporting(
    db: &DatabaseConnection,
    size: &SyntheticSize,
    mut progress: impl FnMut(&TrustLoaded),
) -> anyhow::Result<SyntheticLoad> {
    size.check()?;
    let started = Instant::now();
    let plans = plan::plan(size);
    if let Some(found) = already_loaded(db, size).await? {
        return Ok(found);
    }

    let schools = files::schools_csv(&plans);
    gias::import_schools(db, schools.as_bytes())
        .await
        .context("cannot import the synthetic schools")?;
    let indicators = indicators(size.seed)?;
    let first_year = LAST_YEAR + 1 - size.years as i32;
    let mut load = SyntheticLoad {
        trusts: plans.len(),
        schools: size.schools as usize,
        ..Default::default()
    };
    for (n, trust) in plans.iter().enumerate() {
        protocol::import_protocol(db, &trust.uid, PROTOCOL).await?;
        let (mut walks, mut ratings) = (0, 0);
        for year in 0..size.years as usize {
            let (csv, count) = files::ratings_csv(size.seed, trust, year, first_year, &indicators);
            if count == 0 {
                continue;
            }
            let done = ratings::import_ratings(db, &trust.uid, PROTOCOL_KEY, csv.as_bytes())
                .await
                .with_context(|| format!("cannot import trust {}'s walks", trust.uid))?;
            (walks, ratings) = (walks + done.walks, ratings + done.ratings);
            load.visits += done.visits;
        }
        load.walks += walks;
        load.ratings += ratings;
        progress(&TrustLoaded {
            uid: trust.uid.clone(),
            number: n + 1,
            of: plans.len(),
            schools: trust.schools.len(),
            walks,
            ratings,
            seconds: started.elapsed().as_secs_f64(),
        });
    }
    // Imports after the first few leave statistics to autovacuum; the data
    // set is complete now, so it is planned for from the start.
    crate::import::store::refresh_statistics(db, &[]).await?;
    load.seconds = started.elapsed().as_secs_f64();
    Ok(load)
}

/// The synthetic trusts and schools already stored, if there are any.
async fn already_loaded(
    db: &DatabaseConnection,
    size: &SyntheticSize,
) -> anyhow::Result<Option<SyntheticLoad>> {
    let uids = (0..size.trusts).map(|t| (FIRST_TRUST_UID + t).to_string());
    let trusts = trust::Entity::find()
        .filter(trust::Column::Uid.is_in(uids))
        .count(db)
        .await
        .context("cannot look for synthetic trusts")?;
    let last_urn = FIRST_URN + size.schools as i32 - 1;
    let schools = school::Entity::find()
        .filter(school::Column::Urn.between(FIRST_URN, last_urn))
        .count(db)
        .await
        .context("cannot look for synthetic schools")?;
    Ok((trusts + schools > 0).then(|| SyntheticLoad {
        trusts: trusts as usize,
        schools: schools as usize,
        already_loaded: true,
        ..Default::default()
    }))
}

/// The protocol's indicator codes by focus area, with their difficulties.
fn indicators(seed: u64) -> anyhow::Result<Indicators> {
    let file: serde_json::Value = serde_json::from_slice(PROTOCOL)?;
    let areas: Vec<Vec<String>> = (file["focus_areas"].as_array())
        .context("the protocol has no focus areas")?
        .iter()
        .map(|area| {
            let list = area["indicators"].as_array().into_iter().flatten();
            let codes = list.filter_map(|i| i["code"].as_str().map(str::to_owned));
            codes.collect::<Vec<_>>()
        })
        .collect();
    ensure!(
        areas
            .iter()
            .all(|codes| codes.len() >= INDICATORS_PER_VISIT),
        "every focus area needs at least {INDICATORS_PER_VISIT} indicators"
    );
    let all = plan::difficulties(seed, areas.iter().map(Vec::len).sum());
    let mut rest = all.as_slice();
    let difficulty = (areas.iter())
        .map(|codes| {
            let (mine, after) = rest.split_at(codes.len());
            rest = after;
            mine.to_vec()
        })
        .collect();
    Ok(Indicators { areas, difficulty })
}
