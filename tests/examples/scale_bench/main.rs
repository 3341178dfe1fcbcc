//! Five scenarios at scale, in one run: each through the release service
//! over HTTP on loopback (wrk), beside the same SQL statements the service
//! issued for it, run with pgbench against the same database. The database
//! is one `api seed synthetic` filled; `bench/scale.sh` seeds it and runs
//! this.
//!
//! cargo run --release -p api-tests --example scale_bench -- \
//!   --database-url postgres://postgres@127.0.0.1:5432/lw_scale_1500k

mod import;
mod scenarios;
#[path = "../shared/scratch.rs"]
#[allow(dead_code)]
mod scratch;
mod server;
mod table;
mod tools;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result};
use api::auth::AuthKeys;
use clap::Parser;
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use serde_json::{Value, json};

use scenarios::{PAGE, TERM, YEARS};
use server::{Recorder, Served, settings};
use table::{median_row, row};
use tools::{memory_mb, pgbench, wrk, wrk_script};

#[derive(Parser)]
pub struct Args {
    /// The seeded database: PostgreSQL on a loopback address, or sqlite://.
    #[arg(long)]
    database_url: String,
    /// The release binary that serves.
    #[arg(long, default_value = "target/release/api")]
    api: PathBuf,
    /// Seconds per scenario, client count and tool.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// The trust asked about; the first with walks when omitted.
    #[arg(long)]
    trust: Option<String>,
    /// Academic year (by the calendar year it starts in) of scenario 1.
    #[arg(long, default_value_t = 2025)]
    year: i32,
    /// Term of scenario 1.
    #[arg(long, default_value = "AUTUMN")]
    term: String,
    /// Where the pgbench and wrk scripts are written, and left to read.
    #[arg(long, default_value = "target/scale-bench")]
    scripts: PathBuf,
    /// Ratings in scenario 5's file.
    #[arg(long, default_value_t = 150_000)]
    import_ratings: usize,
    /// Only these scenarios (1 to 5, comma-separated); all when omitted.
    #[arg(long, value_delimiter = ',')]
    only: Vec<usize>,
    /// Runs of scenarios 1 to 3 at each client count, each its own row.
    #[arg(long, default_value_t = 1)]
    rounds: usize,
}

impl Args {
    fn runs(&self, scenario: usize) -> bool {
        self.only.is_empty() || self.only.contains(&scenario)
    }
}

/// Setting up reaches every trust's rows; the served requests their own.
#[tokio::main]
async fn main() -> Result<()> {
    api::db::tenant::as_admin(run(Args::parse())).await
}

/// The statements as a pgbench script.
fn script(dir: &Path, name: &str, statements: &[String], rollback: bool) -> Result<PathBuf> {
    let mut text = String::new();
    if rollback {
        text.push_str("BEGIN;\n");
    }
    for sql in statements {
        writeln!(text, "{};", sql.trim_end_matches(';'))?;
    }
    if rollback {
        text.push_str("ROLLBACK;\n");
    }
    let path = dir.join(format!("{name}.sql"));
    std::fs::write(&path, text)?;
    Ok(path)
}

/// Every run starts from a database with fresh statistics, no work left
/// for autovacuum and nothing for a checkpoint to write: after a seed or an
/// earlier run's imports, both would otherwise run beside the first
/// measurements.
async fn settle(url: &str) -> Result<()> {
    if url.starts_with("postgres") {
        let db = sea_orm::Database::connect(url).await?;
        db.execute_unprepared("VACUUM ANALYZE").await?;
        // Writes the pages VACUUM dirtied now, not during a run.
        db.execute_unprepared("CHECKPOINT").await?;
        db.close().await?;
    }
    Ok(())
}

async fn first_trust(db: &DatabaseConnection) -> Result<String> {
    let sql = "SELECT uid FROM trusts t WHERE EXISTS \
               (SELECT 1 FROM walks w WHERE w.trust_id = t.uid) ORDER BY uid LIMIT 1";
    let statement = Statement::from_string(db.get_database_backend(), sql);
    let row = db
        .query_one_raw(statement)
        .await?
        .context("no trust has walks")?;
    Ok(row.try_get_by_index::<String>(0)?)
}

async fn run(args: Args) -> Result<()> {
    let url = args.database_url.as_str();
    let postgres = url.starts_with("postgres");
    if postgres {
        scratch::require_loopback(&url::Url::parse(url)?)?;
    }
    settle(url).await?;
    let secret = api::auth::random_secret();
    let plain = settings(url, &secret, false);
    let cli = api::config::Cli::parse_from(std::iter::once("api".to_owned()).chain(plain.clone()));
    let db = api::db::connect(&cli.config).await?;
    let trust = match &args.trust {
        Some(trust) => trust.clone(),
        None => first_trust(&db).await?,
    };
    let keys = AuthKeys::signer(&cli.config.auth)?;
    let api = Recorder::start(db.clone(), keys, cli.config.limits.clone(), &trust).await?;
    let protocol = import::protocol_id(&api).await?;

    let dir = args.scripts.clone();
    std::fs::create_dir_all(&dir)?;
    let served = Served::start(&args.api, &plain)?;
    std::thread::sleep(Duration::from_secs(1));
    let (idle, _) = memory_mb(served.pid())?;
    println!(
        "trust {trust}; release server at {}; {idle:.1} MB resident after start",
        served.endpoint
    );

    let (y, term) = (args.year, args.term.as_str());
    let scenarios: [(&str, Value, &[usize]); 3] = [
        (
            "1: one term by school × indicator",
            json!({ "query": TERM, "variables": { "p": protocol, "y": y, "t": term } }),
            &[1, 8],
        ),
        (
            "2: three years by term",
            json!({ "query": YEARS, "variables": { "p": protocol,
                "from": format!("{}-09-01", y - 2), "to": format!("{}-08-31", y + 1) } }),
            &[1, 8],
        ),
        (
            "3: partner page of 100 walks",
            json!({ "query": PAGE }),
            &[1, 8, 32],
        ),
    ];
    let mut table = "| scenario | clients | API req/s | API p50 ms | API p99 ms | pgbench tps \
        | pgbench p50 ms | pgbench p99 ms | API/pgbench throughput | API/pgbench p99 |\n\
        |---|---|---|---|---|---|---|---|---|---|\n"
        .to_owned();
    let mut term_sql = None;
    for (n, (label, body, clients)) in scenarios.iter().enumerate() {
        if !args.runs(n + 1) {
            continue;
        }
        let (answer, statements) = api.record(body).await?;
        let name = format!("s{}", n + 1);
        let sql = script(&dir, &name, &statements, false)?;
        let size = answer.to_string().len();
        println!(
            "\n{label}: {} statements, {size} bytes of JSON",
            statements.len()
        );
        if n == 2 {
            let (walks, visits, ratings) = scenarios::page_size(&answer);
            println!("{walks} walks, {visits} visits, {ratings} ratings");
        }
        if n == 0 {
            let cells = answer["data"]["variation"]["cells"]
                .as_array()
                .map_or(0, Vec::len);
            println!("{cells} cells");
        }
        println!("pgbench script {}", sql.display());
        let lua = wrk_script(
            &dir,
            &name,
            &body.to_string(),
            &api.token,
            "application/json",
        )?;
        for &c in *clients {
            let mut runs = Vec::new();
            for _ in 0..args.rounds {
                let figures = wrk(&served.endpoint, &lua, c, args.seconds)?;
                let bench = match postgres {
                    true => Some(pgbench(url, &sql, c, (args.seconds, None), "prepared")?),
                    false => None,
                };
                if n == 0 && c == 8 {
                    term_sql = bench;
                }
                row(&mut table, label, c, figures, bench);
                runs.push((figures, bench));
            }
            if runs.len() > 1 {
                median_row(&mut table, label, c, &runs);
            }
        }
    }
    let (rss, peak) = memory_mb(served.pid())?;
    println!("\nrelease server: {rss:.1} MB resident now, {peak:.1} MB at most (32 clients ran)");
    drop(served);

    // 1 again, as a dashboard repeats it: from kept reports.
    if args.runs(1) {
        let kept = Served::start(&args.api, &settings(url, &secret, true))?;
        let lua = dir.join("s1.lua").display().to_string();
        let figures = wrk(&kept.endpoint, &lua, 8, args.seconds)?;
        row(&mut table, "1 repeated: kept reports", 8, figures, term_sql);
    }

    let served = Served::start(&args.api, &plain)?;
    if args.runs(4) {
        import::feed(&args, &api, &served, &dir, &mut table).await?;
    }
    if args.runs(5) {
        import::bulk(&args, &api, &served, &dir, &mut table, &trust).await?;
    }
    println!("\n{table}");
    Ok(())
}
