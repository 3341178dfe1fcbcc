//! A generated term of walks for trust 2516, large enough that importing it
//! takes a while, and the rows it must write, counted from the file.

use sea_orm::{ConnectionTrait, Statement};

use crate::helpers::TestApp;
use crate::import_ratings::HEADER;

pub const WALKS: usize = 300;
const VISITS_PER_WALK: usize = 4;
const OBSERVERS: usize = 12;
const INDICATORS: [&str; 15] = [
    "RL1", "RL2", "RL3", "RL4", "CD1", "CD2", "CD3", "CD4", "PE1", "PE2", "PE3", "SR1", "SR2",
    "SR3", "SR4",
];
const SUBJECTS: [&str; 5] = ["English", "Maths", "Science", "History", "Art"];

/// The tables an import writes, in the order [`Rows`] counts them.
const TABLES: [&str; 7] = [
    "walks",
    "walk_observers",
    "observers",
    "visits",
    "ratings",
    "audit_events",
    "changes",
];

/// Rows of trust 2516 in each of [`TABLES`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rows([i64; 7]);

impl Rows {
    /// What the generated file adds: each walk has a lead and a
    /// co-observer, who both rate every indicator in each visit; each walk
    /// is audited once; the feed names each observer, walk and visit.
    pub fn of_the_term() -> Rows {
        let (walks, visits) = (WALKS as i64, (WALKS * VISITS_PER_WALK) as i64);
        let observers = OBSERVERS as i64;
        let ratings = visits * 2 * INDICATORS.len() as i64;
        Rows([
            walks,
            walks * 2,
            observers,
            visits,
            ratings,
            walks,
            observers + walks + visits,
        ])
    }

    pub async fn count(app: &TestApp) -> Rows {
        let mut rows = [0; 7];
        for (table, count) in TABLES.iter().zip(&mut rows) {
            let sql = format!("SELECT COUNT(*) AS n FROM {table} WHERE trust_id = '2516'");
            let statement = Statement::from_string(app.db().get_database_backend(), sql);
            let row = app.db().query_one_raw(statement).await.unwrap().unwrap();
            *count = row.try_get::<i64>("", "n").unwrap();
        }
        Rows(rows)
    }

    pub fn plus(self, other: Rows) -> Rows {
        Rows(std::array::from_fn(|i| self.0[i] + other.0[i]))
    }
}

/// The ratings file: walks spread over the trust's schools and the
/// autumn, a dozen observers taking turns, levels, blanks and `n/a`.
pub async fn ratings_file(app: &TestApp) -> String {
    let statement = Statement::from_string(
        app.db().get_database_backend(),
        "SELECT urn FROM schools WHERE trust_id = '2516' ORDER BY urn",
    );
    let rows = app.db().query_all_raw(statement).await.unwrap();
    let schools: Vec<i32> = rows.iter().map(|r| r.try_get("", "urn").unwrap()).collect();
    assert_eq!(schools.len(), 15);

    let mut file = format!("{HEADER}\n");
    let start = chrono::NaiveDate::from_ymd_opt(2025, 9, 1).unwrap();
    for w in 0..WALKS {
        let school = schools[w % schools.len()];
        let date = start + chrono::Days::new((w % 100) as u64);
        let lead = format!("observer-{}", w % OBSERVERS);
        let co = format!("observer-{}", (w + 5) % OBSERVERS);
        for v in 0..VISITS_PER_WALK {
            let subject = SUBJECTS[(w + v) % SUBJECTS.len()];
            for (observer, role) in [(&lead, "lead"), (&co, "co_observer")] {
                for (i, code) in INDICATORS.iter().enumerate() {
                    let level = match (w + v + i) % 6 {
                        4 => String::new(),
                        5 => "n/a".to_owned(),
                        n => (n + 1).to_string(),
                    };
                    file.push_str(&format!(
                        "T{w},{school},{date},{lead},T{w}-V{v},{subject},KS2,\
                         {observer},{role},{code},{level}\n"
                    ));
                }
            }
        }
    }
    file
}
