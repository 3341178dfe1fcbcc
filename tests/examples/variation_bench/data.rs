//! The bench's data, made the same on every run: a GIAS file of one trust's
//! schools and a ratings file of their walks.

use std::fmt::Write as _;

use anyhow::{Context, Result};
use chrono::{NaiveDate, TimeDelta};

pub const TRUST: &str = "9100";
pub const CODES: &str = "RL1 RL2 RL3 RL4 CD1 CD2 CD3 CD4 PE1 PE2 PE3 SR1 SR2 SR3 SR4";
const SUBJECTS: [&str; 8] = [
    "English", "Maths", "Science", "History", "Art", "PE", "RE", "Music",
];

/// splitmix64, so that a fixed seed gives the same data on every run.
pub struct Rng(pub u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let z = (self.0 ^ (self.0 >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        let z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        (z ^ (z >> 31)) % n
    }
    /// Roughly standard normal: the sum of 12 uniforms, less 6.
    fn normal(&mut self) -> f64 {
        let sum: u64 = (0..12).map(|_| self.below(1 << 20)).sum();
        sum as f64 / f64::from(1 << 20) - 6.0
    }
}

/// A GIAS 2017 group-links file of 50 schools, 40 primary, in one trust.
pub fn schools_csv() -> Result<String> {
    let mut csv = "urn,name,phase,type,la_name,postcode,trust_uid,trust_name,joined_date,\
                   companies_house_number\n"
        .to_owned();
    for s in 0..50 {
        let phase = if s < 40 { "Primary" } else { "Secondary" };
        let (urn, joined) = (910_001 + s, 2015 + s % 8);
        writeln!(
            csv,
            "{urn},Bench {phase} {s},{phase},Academy converter,Benchshire,BE{s} 1AA,{TRUST},\
             Bench Learning Trust,01-09-{joined},09100000"
        )?;
    }
    Ok(csv)
}

/// 22 walks per school, 6 visits per walk, 15 indicators, lead and
/// co-observer: each school has its own tendency, each indicator its own
/// difficulty, each lesson its own noise; 5% of entries are not observed.
pub fn ratings_csv(rng: &mut Rng) -> Result<String> {
    let mut csv = "walk,school_urn,date,lead,visit,subject,key_stage,observer,observer_role,\
                   indicator,level\n"
        .to_owned();
    let start = NaiveDate::from_ymd_opt(2025, 9, 1).context("start")?;
    let days = (NaiveDate::from_ymd_opt(2026, 7, 20).context("end")? - start).num_days() + 1;
    let difficulty: Vec<f64> = (0..15).map(|_| rng.normal() * 0.3).collect();
    for s in 0..50 {
        let urn = 910_001 + s;
        let tendency = rng.normal() * 0.45;
        let stages = [["EYFS", "KS1", "KS2"], ["KS3", "KS4", "KS5"]][usize::from(s >= 40)];
        for w in 0..22 {
            let date = start + TimeDelta::days(rng.below(days as u64) as i64);
            let (lead, co) = (rng.below(4), 4 + rng.below(4));
            let (walk, lead) = (format!("w{urn}-{w:02}"), format!("o{urn}-{lead}"));
            for v in 0..6 {
                let subject = SUBJECTS[rng.below(8) as usize];
                let stage = stages[rng.below(3) as usize];
                let lesson = rng.normal() * 0.4;
                let visit = format!("{walk},{urn},{date},{lead},{walk}-v{v},{subject},{stage}");
                for (code, bias) in CODES.split(' ').zip(&difficulty) {
                    let level = 2.7 + tendency + bias + lesson + rng.normal() * 0.6;
                    let level = (rng.below(100) >= 5).then(|| level.round().clamp(1.0, 4.0));
                    let other = level.map(|l| (l + rng.below(3) as f64 - 1.0).clamp(1.0, 4.0));
                    let co_level = if rng.below(2) == 0 { level } else { other };
                    for (observer, role, level) in [
                        (lead.clone(), "lead", level),
                        (format!("o{urn}-{co}"), "co_observer", co_level),
                    ] {
                        let level = level.map(|l| l.to_string()).unwrap_or_default();
                        writeln!(csv, "{visit},{observer},{role},{code},{level}")?;
                    }
                }
            }
        }
    }
    Ok(csv)
}
