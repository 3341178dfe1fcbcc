//! The synthetic data as the files a trust would bring: one GIAS schools
//! file for every trust, and one ratings file per trust and
//! academic year.

use std::fmt::Write as _;

use chrono::NaiveDate;

use super::plan::{SchoolPlan, TrustPlan};
use super::{INDICATORS_PER_VISIT, VISITS_PER_WALK};
use crate::demo::random::SplitMix64;

const WALK_STREAM: u64 = 4;
/// The headers of the files, as a trust's own files would have them.
const SCHOOLS_HEADER: &str = "urn,name,phase,type,la_name,postcode,trust_uid,trust_name,\
    joined_date,companies_house_number";
const RATINGS_HEADER: &str = "walk,school_urn,date,lead,visit,subject,key_stage,observer,\
    observer_role,indicator,level";
#[rustfmt::skip]
const AUTHORITIES: [&str; 8] = [
    "Northshire", "Southshire", "Eastborough", "Westborough",
    "Midvale", "Lakeland", "Hillford", "Rivermouth",
];
#[rustfmt::skip]
const PRIMARY_SUBJECTS: [&str; 6] = [
    "English", "Mathematics", "Science", "History", "Geography", "Art",
];
#[rustfmt::skip]
const SECONDARY_SUBJECTS: [&str; 8] = [
    "English", "Mathematics", "Science", "History",
    "Geography", "Modern languages", "Computing", "PE",
];

/// The protocol as the generator needs it: indicator codes by focus area,
/// and each indicator's difficulty in the same order.
pub(super) struct Indicators {
    pub areas: Vec<Vec<String>>,
    pub difficulty: Vec<Vec<f64>>,
}

/// A GIAS file (the 2017 group-links shape) of every planned school.
pub(super) fn schools_csv(trusts: &[TrustPlan]) -> String {
    let mut csv = SCHOOLS_HEADER.to_owned();
    csv.push('\n');
    for trust in trusts {
        for (n, school) in trust.schools.iter().enumerate() {
            let urn = school.urn;
            let phase = if school.secondary {
                "Secondary"
            } else {
                "Primary"
            };
            let kind = ["Academy converter", "Academy sponsor led"][n % 2];
            let authority = AUTHORITIES[urn as usize % AUTHORITIES.len()];
            let joined = 2012 + n % 12;
            let _ = writeln!(
                csv,
                "{urn},Synthetic {phase} School {urn},{phase},{kind},{authority},\
                 SY{} {}AA,{},{},01-09-{joined},{:08}",
                urn % 100,
                urn % 10,
                trust.uid,
                trust.name,
                90_000_000 + u64::from(trust.uid.parse::<u32>().unwrap_or(0)),
            );
        }
    }
    csv
}

/// First day and length in days of the window walks fall in: autumn,
/// spring or summer term of the academic year starting in `year`.
fn window(year: i32, term: u64) -> (NaiveDate, u64) {
    let (month, day, days, year) = match term {
        0 => (9, 4, 105, year),
        1 => (1, 6, 80, year + 1),
        _ => (4, 15, 95, year + 1),
    };
    let first = NaiveDate::from_ymd_opt(year, month, day).unwrap_or(NaiveDate::MIN);
    (first, days)
}

/// The ratings file of `trust`'s walks in academic year `year` (counted
/// from the first, `first_year`), and how many walks it holds.
pub(super) fn ratings_csv(
    seed: u64,
    trust: &TrustPlan,
    year: usize,
    first_year: i32,
    indicators: &Indicators,
) -> (String, u64) {
    let mut csv = RATINGS_HEADER.to_owned();
    csv.push('\n');
    let mut walks = 0;
    for term in year * 3..year * 3 + 3 {
        for school in &trust.schools {
            let first = school.first_walk[term];
            for j in first..first + school.walks_per_term[term] {
                let walk = (term, j);
                add_walk(&mut csv, seed, trust, school, walk, first_year, indicators);
                walks += 1;
            }
        }
    }
    (csv, walks)
}

/// Writes walk `j` of `school`, in `term`: four lessons, three indicators
/// of one focus area, rated by the lead and a second observer.
fn add_walk(
    csv: &mut String,
    seed: u64,
    trust: &TrustPlan,
    school: &SchoolPlan,
    (term, j): (usize, u64),
    first_year: i32,
    indicators: &Indicators,
) {
    let urn = school.urn;
    let mut rng = SplitMix64::stream(seed, &[WALK_STREAM, urn as u64, j]);
    let year = term / 3;
    let (from, days) = window(first_year + year as i32, (term % 3) as u64);
    let date = rng.school_day(from, days);

    let lead_n = rng.below(3);
    let lead = format!("{urn}-leader-{}", lead_n + 1);
    // The second observer is from the trust's team or another of the
    // school's leaders.
    let second = match rng.unit() < 0.6 {
        true => format!("{}-team-{}", trust.uid, rng.below(trust.team) + 1),
        false => format!("{urn}-leader-{}", (lead_n + 1 + rng.below(2)) % 3 + 1),
    };
    let (role, agreement) = match rng.unit() < 0.15 {
        true => ("trainee", 0.6),
        false => ("co_observer", 0.8),
    };

    let area = rng.below(indicators.areas.len() as u64) as usize;
    let codes = &indicators.areas[area];
    let mut picked: Vec<usize> = (0..codes.len()).collect();
    for n in 0..INDICATORS_PER_VISIT {
        let k = n + rng.below((codes.len() - n) as u64) as usize;
        picked.swap(n, k);
    }
    picked.truncate(INDICATORS_PER_VISIT);

    let subjects: &[&str] = match school.secondary {
        true => &SECONDARY_SUBJECTS,
        false => &PRIMARY_SUBJECTS,
    };
    let base = school.tendency + school.trend * year as f64;
    let walk = format!("syn-{urn}-{j}");
    for v in 0..VISITS_PER_WALK {
        let subject = subjects[rng.below(subjects.len() as u64) as usize];
        let stage = key_stage(school.secondary, rng.unit());
        let lesson = 0.4 * rng.normal();
        let visit = format!("{walk},{urn},{date},{lead},{walk}-{v},{subject},{stage}");
        for &i in &picked {
            let code = &codes[i];
            let raw = base + indicators.difficulty[area][i] + lesson + 0.55 * rng.normal();
            let level = (rng.unit() >= 0.05).then(|| raw.round().clamp(1.0, 4.0) as i32);
            let other = level.map(|l| match rng.unit() < agreement {
                true => l,
                false if l == 1 || (l < 4 && rng.unit() < 0.5) => l + 1,
                false => l - 1,
            });
            let show = |l: Option<i32>| l.map(|l| l.to_string()).unwrap_or_default();
            let _ = writeln!(csv, "{visit},{lead},lead,{code},{}", show(level));
            let _ = writeln!(csv, "{visit},{second},{role},{code},{}", show(other));
        }
    }
}

/// A key stage the school teaches, drawn from `u` in `[0, 1)`.
fn key_stage(secondary: bool, u: f64) -> &'static str {
    match (secondary, u) {
        (false, u) if u < 0.1 => "EYFS",
        (false, u) if u < 0.4 => "KS1",
        (false, _) => "KS2",
        (true, u) if u < 0.5 => "KS3",
        (true, u) if u < 0.9 => "KS4",
        (true, _) => "KS5",
    }
}
