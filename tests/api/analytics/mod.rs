//! Variation analytics on the metrics fixture: trends, groupings, filters,
//! coverage, agreement and the CSV export, each checked against a recount
//! of the fixture file done here, apart from the service's code.

mod agreement;
mod coverage;
mod export;
mod filters;
mod groupings;

use std::collections::{BTreeMap, BTreeSet};

use crate::helpers::{TestApp, data_file};

/// Trust of the fixture's schools.
pub const TRUST: &str = "9001";

/// One row of the fixture's ratings file.
#[derive(Debug, Clone)]
pub struct Rating {
    pub school: i64,
    pub date: String,
    pub visit: String,
    pub subject: String,
    pub key_stage: String,
    pub observer: String,
    pub lead: bool,
    pub indicator: String,
    pub level: Option<i64>,
}

impl Rating {
    /// "2025 1" for autumn 2025/26: academic year and term number.
    pub fn term(&self) -> (i64, i64) {
        let year: i64 = self.date[..4].parse().unwrap();
        let month: i64 = self.date[5..7].parse().unwrap();
        let academic = if month >= 9 { year } else { year - 1 };
        let term = match month {
            9..=12 => 1,
            1..=3 => 2,
            _ => 3,
        };
        (academic, term)
    }
}

pub fn ratings() -> Vec<Rating> {
    let bytes = std::fs::read(data_file("metrics-fixture/ratings.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(&bytes[..]);
    (reader.records())
        .map(|r| {
            let r = r.unwrap();
            Rating {
                school: r[1].parse().unwrap(),
                date: r[2].to_owned(),
                visit: r[4].to_owned(),
                subject: r[5].to_owned(),
                key_stage: r[6].to_owned(),
                observer: r[7].to_owned(),
                lead: &r[8] == "lead",
                indicator: r[9].to_owned(),
                level: r[10].parse().ok(),
            }
        })
        .collect()
}

/// Lead figures of some ratings, recounted: n, and the visits and schools
/// with a level, secure.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Recount {
    pub n: i64,
    pub visits: i64,
    pub schools: i64,
    pub secure: i64,
    pub level_sum: i64,
}

pub fn recount<'a>(rows: impl IntoIterator<Item = &'a Rating>) -> Recount {
    let mut visits = BTreeSet::new();
    let mut schools = BTreeSet::new();
    let mut recount = Recount::default();
    for r in rows.into_iter().filter(|r| r.lead) {
        if let Some(level) = r.level {
            visits.insert(r.visit.as_str());
            schools.insert(r.school);
            recount.n += 1;
            recount.level_sum += level;
            recount.secure += i64::from(level >= 3);
        }
    }
    recount.visits = visits.len() as i64;
    recount.schools = schools.len() as i64;
    recount
}

/// Recounts grouped by `key`.
pub fn recount_by<K: Ord>(rows: &[Rating], key: impl Fn(&Rating) -> K) -> BTreeMap<K, Recount> {
    let mut groups: BTreeMap<K, Vec<&Rating>> = BTreeMap::new();
    for r in rows {
        groups.entry(key(r)).or_default().push(r);
    }
    groups
        .into_iter()
        .map(|(k, rows)| (k, recount(rows)))
        .collect()
}

/// Loads the fixture (schools, trust-core, ratings) and returns the
/// protocol's global id.
pub async fn load(app: &TestApp) -> String {
    let schools = std::fs::read(data_file("metrics-fixture/schools.csv")).unwrap();
    api::import::gias::import_schools(app.db(), &schools)
        .await
        .unwrap();
    let protocol = app.import_core_protocol(TRUST).await;
    let ratings = std::fs::read(data_file("metrics-fixture/ratings.csv")).unwrap();
    api::import::ratings::import_ratings(app.db(), TRUST, "trust-core", &ratings)
        .await
        .unwrap();
    protocol
}

/// A figure as the API returns it: null when suppressed.
pub fn ratio(part: i64, whole: i64) -> serde_json::Value {
    serde_json::json!(part as f64 / whole as f64)
}
