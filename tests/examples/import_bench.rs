//! How fast `api import ratings` loads a term of one trust: 50 schools,
//! 1,100 walks, 6,600 visits and 198,000 ratings, into a fresh PostgreSQL
//! database on the loopback server (dropped at the end) and a SQLite file
//! in the temp dir (removed at the end). Prints ratings a second, the time
//! of each SQL statement kind, and the importer's own phases.
//!
//! cargo run --release -p api-tests --example import_bench -- \
//!   --postgres postgres://postgres@127.0.0.1:5432/postgres [--runs 3] [--as-trust]

#[path = "shared/scratch.rs"]
mod scratch;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use chrono::{NaiveDate, TimeDelta};
use clap::Parser;

const TRUST: &str = "9200";
const CODES: &str = "RL1 RL2 RL3 RL4 CD1 CD2 CD3 CD4 PE1 PE2 PE3 SR1 SR2 SR3 SR4";
const SUBJECTS: [&str; 6] = ["English", "Maths", "Science", "History", "Art", "Music"];

#[derive(Parser)]
struct Args {
    /// PostgreSQL server, on a loopback address, to create the bench database on.
    #[arg(long, default_value = "postgres://postgres@127.0.0.1:5432/postgres")]
    postgres: String,
    /// Imports per store, each into a fresh database.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..))]
    runs: u32,
    /// Import bound to the trust, as an HTTP upload is (row-level security
    /// applies on PostgreSQL), instead of as the CLI does.
    #[arg(long)]
    as_trust: bool,
    /// Skip SQLite.
    #[arg(long)]
    postgres_only: bool,
}

#[tokio::main]
async fn main() -> Result<()> {
    // The importer's phase timings are debug events of `api::import`.
    tracing_subscriber::fmt()
        .with_env_filter("api::import=debug")
        .with_target(false)
        .with_ansi(false)
        .init();
    let args = Args::parse();
    let csv = ratings_csv()?;
    let rows = csv.lines().count() - 1;
    println!("ratings file: {rows} rows, {} bytes", csv.len());

    let mut table = "| store | run | seconds | ratings/s |\n|---|---|---|---|\n".to_owned();
    for run in 1..=args.runs {
        let secs = on_postgres(&args, &csv).await?;
        writeln!(
            table,
            "| PostgreSQL | {run} | {secs:.2} | {:.0} |",
            rows as f64 / secs
        )?;
        if !args.postgres_only {
            let secs = on_sqlite(&args, &csv).await?;
            writeln!(
                table,
                "| SQLite | {run} | {secs:.2} | {:.0} |",
                rows as f64 / secs
            )?;
        }
    }
    println!("\n{table}");
    Ok(())
}

async fn on_postgres(args: &Args, csv: &str) -> Result<f64> {
    let scratch = scratch::Scratch::create(&args.postgres, "lw_imp").await?;
    let outcome = import(args, scratch.url.as_str(), csv).await;
    scratch.finish(false).await?;
    outcome
}

async fn on_sqlite(args: &Args, csv: &str) -> Result<f64> {
    let dir = std::env::temp_dir().join(format!("lw_imp_{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir)?;
    let url = format!("sqlite://{}?mode=rwc", dir.join("bench.db").display());
    let outcome = import(args, &url, csv).await;
    std::fs::remove_dir_all(&dir)?;
    outcome
}

/// Loads the schools and protocol, then times the ratings import alone.
async fn import(args: &Args, url: &str, csv: &str) -> Result<f64> {
    let cli = api::config::Cli::parse_from(["api", "--database-url", url, "--no-demo"]);
    let mut db = api::db::connect(&cli.config).await?;
    let setup = async {
        api::import::gias::import_schools(&db, schools_csv()?.as_bytes()).await?;
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../data/protocol-trust-core.json");
        let protocol = std::fs::read(path)?;
        api::import::protocol::import_protocol(&db, TRUST, &protocol).await?;
        anyhow::Ok(())
    };
    api::db::tenant::as_admin(setup).await?;

    // Client-side time of each statement kind, by its first words.
    let spent: Arc<Mutex<BTreeMap<String, (u32, Duration)>>> = Arc::default();
    let record = Arc::clone(&spent);
    db.set_metric_callback(move |info| {
        let words: Vec<&str> = info.statement.sql.split_whitespace().take(3).collect();
        let kind = match words.as_slice() {
            ["INSERT", "INTO", table] | ["SELECT", _, table] => format!("{} {table}", words[0]),
            _ => words.first().copied().unwrap_or_default().to_owned(),
        };
        if let Ok(mut spent) = record.lock() {
            let entry = spent.entry(kind).or_default();
            *entry = (entry.0 + 1, entry.1 + info.elapsed);
        }
    });

    let started = Instant::now();
    let work = api::import::ratings::import_ratings(&db, TRUST, "trust-core", csv.as_bytes());
    let summary = if args.as_trust {
        api::db::tenant::as_trust(TRUST, work).await?
    } else {
        api::db::tenant::as_admin(work).await?
    };
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{} ({secs:.2} s): {summary}",
        db.get_database_backend().as_str()
    );
    let spent = spent
        .lock()
        .map_err(|_| anyhow::anyhow!("poisoned"))?
        .clone();
    for (kind, (count, time)) in spent {
        println!(
            "  {kind:<32} {count:>5} statements {:>8.1} ms",
            time.as_secs_f64() * 1e3
        );
    }
    db.close().await?;
    Ok(secs)
}

/// A GIAS 2017 group-links file of 50 schools, 40 primary, in one trust.
fn schools_csv() -> Result<String> {
    let mut csv = "urn,name,phase,type,la_name,postcode,trust_uid,trust_name,joined_date,\
                   companies_house_number\n"
        .to_owned();
    for s in 0..50 {
        let phase = if s < 40 { "Primary" } else { "Secondary" };
        writeln!(
            csv,
            "{},Import {phase} {s},{phase},Academy converter,Benchshire,IB{s} 1AA,{TRUST},\
             Import Bench Trust,01-09-2016,09200000",
            920_001 + s
        )?;
    }
    Ok(csv)
}

/// 22 walks a school, 6 visits a walk, a lead and a co-observer rating
/// each of 15 indicators: levels 1 to 4, one entry in 20 blank and one in
/// 40 `n/a`, all from a fixed arithmetic pattern so every run is the same.
fn ratings_csv() -> Result<String> {
    let mut csv = "walk,school_urn,date,lead,visit,subject,key_stage,observer,observer_role,\
                   indicator,level\n"
        .to_owned();
    let start = NaiveDate::from_ymd_opt(2025, 9, 1).context("start")?;
    let mut n: u64 = 0;
    for s in 0..50u64 {
        let urn = 920_001 + s;
        let stages = if s < 40 {
            ["KS1", "KS2"]
        } else {
            ["KS3", "KS4"]
        };
        for w in 0..22u64 {
            let date = start + TimeDelta::days(((s * 7 + w * 13) % 300) as i64);
            let (lead, co) = (format!("o{urn}-{}", w % 4), format!("o{urn}-{}", 4 + w % 3));
            let walk = format!("w{urn}-{w:02}");
            for v in 0..6u64 {
                let subject = SUBJECTS[((w + v) % 6) as usize];
                let stage = stages[(v % 2) as usize];
                let visit = format!("{walk},{urn},{date},{lead},{walk}-v{v},{subject},{stage}");
                for code in CODES.split(' ') {
                    for (observer, role) in [(&lead, "lead"), (&co, "co_observer")] {
                        n += 1;
                        let level = match (n * 7919) % 40 {
                            0 => "n/a".to_owned(),
                            1 | 2 => String::new(),
                            k => (1 + (k + n / 3) % 4).to_string(),
                        };
                        writeln!(csv, "{visit},{observer},{role},{code},{level}")?;
                    }
                }
            }
        }
    }
    Ok(csv)
}
