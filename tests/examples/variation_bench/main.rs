//! The `variation` query on a trust of 50 schools and about 200,000 ratings,
//! on PostgreSQL, next to the service's own counts SQL run with pgbench.
//! Loads the data through the GIAS, protocol and ratings importers into a
//! fresh database on the loopback server (dropped at the end), and starts the
//! real service in-process on 127.0.0.1.
//!
//! cargo run --release -p api-tests --example variation_bench -- \
//!   --postgres postgres://postgres@127.0.0.1:5432/postgres --seconds 5

mod data;
#[path = "../shared/scratch.rs"]
mod scratch;
#[path = "../scale_bench/tools.rs"]
#[allow(dead_code)]
mod tools;

use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail, ensure};
use api::analytics::filter::{Filter, ProtocolChoice};
use api::auth::{AuthKeys, Role, Scope};
use api::data::variation::{Dimension, counts_statement};
use api::startup::{self, AppState};
use clap::Parser;
use sea_orm::DatabaseBackend::Postgres;
use sea_orm::{ConnectionTrait, Statement, Value as Bound};
use serde_json::{Value, json};

use data::{Rng, TRUST, ratings_csv, schools_csv};

const BY_SCHOOL: &str = "query($p: ID!) { variation(filter: { protocolId: $p }, groupBy: SCHOOL) {
  trust { n visits mean secureRate } cells { school { urn } n visits mean secureRate suppressed }
  comparison { spread { sd range } } } }";
const BY_INDICATOR: &str = "query($p: ID!) {
  variation(filter: { protocolId: $p }, groupBy: INDICATOR, perSchool: true) { cells {
  school { urn } indicatorCode n visits mean secureRate levels { level count } suppressed } } }";

#[derive(Parser)]
struct Args {
    /// PostgreSQL server, on a loopback address, to create the bench database on.
    #[arg(long, default_value = "postgres://postgres@127.0.0.1:5432/postgres")]
    postgres: String,
    /// Seconds per scenario, client count and tool.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..))]
    seconds: u64,
    /// Print EXPLAIN ANALYZE of the counts statements before measuring.
    #[arg(long)]
    explain: bool,
    /// Leave the database in place (and print its name) for experiments.
    #[arg(long)]
    keep: bool,
}

/// Loading reaches every trust's rows; the served requests only their own.
#[tokio::main]
async fn main() -> Result<()> {
    api::db::tenant::as_admin(bench(Args::parse())).await
}

async fn bench(args: Args) -> Result<()> {
    let scratch = scratch::Scratch::create(&args.postgres, "lw_vbench").await?;
    let outcome = run(&args, &scratch.url).await;
    if args.keep {
        let name = &scratch.name;
        println!("kept database {name}; drop it with DROP DATABASE {name}");
    }
    scratch.finish(args.keep).await?;
    outcome
}

async fn run(args: &Args, url: &url::Url) -> Result<()> {
    // No kept reports: each request builds its figures, as pgbench runs the SQL.
    let settings = [
        "api",
        "--database-url",
        url.as_str(),
        "--report-cache-entries",
        "0",
    ];
    let cli = api::config::Cli::parse_from(settings);
    let db = api::db::connect(&cli.config).await?;
    let started = Instant::now();
    let schools = api::import::gias::import_schools(&db, schools_csv()?.as_bytes()).await?;
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../data/protocol-trust-core.json");
    let protocol = std::fs::read(path)?;
    let protocol = api::import::protocol::import_protocol(&db, TRUST, &protocol).await?;
    let csv = ratings_csv(&mut Rng(0x5EED_2025))?;
    let ratings = api::import::ratings::import_ratings(&db, TRUST, "trust-core", csv.as_bytes());
    let ratings = ratings.await?;
    let rows = csv.lines().count() - 1;
    let secs = started.elapsed().as_secs_f64();
    println!("{schools}\n{protocol}\nratings file of {rows} rows: {ratings} ({secs:.0} s)");

    // The counts statements the service runs, from its own code.
    let scope = Scope {
        trust: TRUST.into(),
        schools: None,
    };
    let protocol_id = Some(ProtocolChoice::Version(Some(protocol.id)));
    let filter = Filter {
        protocol: protocol_id,
        ..Default::default()
    };
    let resolved = (filter.resolve(&db, &scope).await).map_err(|e| anyhow!("filter: {e:?}"))?;
    let resolved = resolved.context("the protocol is not the trust's")?;
    let sql = |d| inline(&counts_statement(Postgres, &scope, &resolved.selection, d));
    let dir = std::env::temp_dir().join(url.path().trim_start_matches('/'));
    std::fs::create_dir_all(&dir)?;
    let (by_school, by_indicator) = (sql(None)?, sql(Some(Dimension::Indicator))?);
    for sql in [&by_school, &by_indicator].iter().filter(|_| args.explain) {
        let explain = Statement::from_string(Postgres, format!("EXPLAIN ANALYZE {sql}"));
        for row in db.query_all_raw(explain).await? {
            println!("{}", row.try_get_by_index::<String>(0)?);
        }
    }
    // B selects no trust cell or comparison, so the service runs only the
    // per-school × indicator statement.
    let scenarios = [
        ("A: by school", BY_SCHOOL, format!("{by_school};\n")),
        (
            "B: school × indicator",
            BY_INDICATOR,
            format!("{by_indicator};\n"),
        ),
    ];

    let secret = api::auth::random_secret();
    let keys = AuthKeys::hs256(secret.as_bytes(), "learning-walks", "learning-walks-api")?;
    let token = keys.issue("bench", TRUST, vec![Role::TrustLeader], None, 1)?;
    let state = AppState::new(db.clone(), keys, cli.config.limits.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let endpoint = format!("http://{}/graphql", listener.local_addr()?);
    let (app, drain) = (startup::app(state), Duration::from_secs(1));
    let serving = tokio::spawn(startup::serve(listener, app, std::future::pending(), drain));
    let api = Api(reqwest::Client::new(), endpoint, token);
    let id = api::graphql::ids::encode(api::graphql::ids::PROTOCOL, protocol.id).0;

    let mut table = "| scenario | clients | API req/s | API p50 ms | API p99 ms | pgbench tps \
        | pgbench avg ms | pgbench p99 ms | ratio API/pgbench | simple tps | simple avg ms |\n\
        |---|---|---|---|---|---|---|---|---|---|---|\n"
        .to_owned();
    for (label, query, script) in scenarios {
        let file = dir.join(format!("{}.sql", &label[..1]));
        std::fs::write(&file, &script)?;
        println!("\n{label}: pgbench script {}:\n{script}", file.display());
        let body = json!({ "query": query, "variables": { "p": id } });
        let first = api.post(&body).await?;
        let cells = Value::as_array(&first["data"]["variation"]["cells"]).map_or(0, Vec::len);
        println!(
            "GraphQL: {cells} cells, {} bytes of JSON",
            first.to_string().len()
        );
        for clients in [1, 8] {
            let run = Duration::from_secs(args.seconds);
            let mut latencies = api.load(&body, clients, run).await?;
            latencies.sort();
            let count = latencies.len() as f64;
            let ms = |q: f64| latencies[((count - 1.0) * q) as usize].as_secs_f64() * 1e3;
            let mean = latencies.iter().map(Duration::as_secs_f64).sum::<f64>() * 1e3 / count;
            let bench =
                |mode| tools::pgbench(url.as_str(), &file, clients, (args.seconds, None), mode);
            let (prepared, simple) = (bench("prepared")?, bench("simple")?);
            let (tps, avg, p99) = (prepared.per_second, prepared.mean_ms, prepared.p99_ms);
            let (simple_tps, simple_avg) = (simple.per_second, simple.mean_ms);
            writeln!(
                table,
                "| {label} | {clients} | {:.0} | {:.2} | {:.2} | {tps:.0} | {avg:.2} | {p99:.2} \
                 | {:.1} | {simple_tps:.0} | {simple_avg:.2} |",
                count / run.as_secs_f64(),
                ms(0.5),
                ms(0.99),
                mean / avg,
            )?;
        }
    }
    println!("\n{table}");
    serving.abort();
    db.close().await?;
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

/// The statement's SQL with each `$n` placeholder replaced by its value as
/// a literal.
fn inline(statement: &Statement) -> Result<String> {
    let values = statement.values.as_ref().map_or(&[][..], |v| &v.0);
    let literal = |n: usize| -> Result<String> {
        Ok(match values.get(n.wrapping_sub(1)) {
            Some(Bound::String(Some(s))) => format!("'{}'", s.replace('\'', "''")),
            Some(Bound::Uuid(Some(u))) => format!("'{u}'"),
            Some(Bound::Int(Some(i))) => i.to_string(),
            Some(Bound::ChronoDate(Some(d))) => format!("DATE '{d}'"),
            other => bail!("no literal for placeholder ${n} ({other:?})"),
        })
    };
    // Highest first, so that $1 never matches the start of $10.
    let mut sql = statement.sql.clone();
    for n in (1..=values.len()).rev() {
        sql = sql.replace(&format!("${n}"), &literal(n)?);
    }
    Ok(sql)
}

/// The in-process service and a trust leader's token.
#[derive(Clone)]
struct Api(reqwest::Client, String, String);

impl Api {
    async fn post(&self, body: &Value) -> Result<Value> {
        let request = self.0.post(&self.1).bearer_auth(&self.2);
        let value: Value = request.json(body).send().await?.json().await?;
        ensure!(value.get("errors").is_none(), "request failed: {value}");
        Ok(value)
    }

    /// Runs `clients` loops of the request for `run`; returns every latency.
    async fn load(&self, body: &Value, clients: usize, run: Duration) -> Result<Vec<Duration>> {
        let deadline = Instant::now() + run;
        let mut tasks = Vec::new();
        for _ in 0..clients {
            let (api, body) = (self.clone(), body.clone());
            tasks.push(tokio::spawn(async move {
                let mut latencies = Vec::new();
                while Instant::now() < deadline {
                    let started = Instant::now();
                    api.post(&body).await?;
                    latencies.push(started.elapsed());
                }
                anyhow::Ok(latencies)
            }));
        }
        let mut all = Vec::new();
        for task in tasks {
            all.extend(task.await??);
        }
        Ok(all)
    }
}
