//! Throughput and latency of two typical requests against the demo data:
//! the variation figures a dashboard draws, and a partner's page of walks
//! with their visits and ratings. Starts the real service in-process on
//! 127.0.0.1, on a fresh SQLite file or, with `--postgres URL`, a fresh
//! PostgreSQL database it creates there and drops at the end.
//!
//! cargo run --release -p api-tests --example bench [-- --postgres URL] [--seconds N]

use std::time::{Duration, Instant};

use api::auth::{AuthKeys, Role};
use api::config::Cli;
use api::startup::{self, AppState};
use clap::Parser;
use sea_orm::{ConnectionTrait, Database};
use serde_json::{Value, json};

const VARIATION: &str = "query($p: ID!) { variation(filter: { protocolId: $p }) {
  trust { n visits mean secureRate } cells { school { urn name } n visits mean secureRate suppressed } } }";

const WALK_PAGE: &str = "{ walks(first: 50) { totalCount nodes { id date status school { urn name }
  observers { role observer { displayName } }
  visits(first: 10) { nodes { subject keyStage minutes
    ratings(first: 40) { nodes { outcome level indicator { code } } } } } } } }";

/// A partner's sync page: every walk of the trust (28 in the demo's trust
/// 2516) with school, visits and ratings. It costs 100 × 20 × 50 points,
/// past the default complexity limit, which the bench raises.
const PARTNER_PAGE: &str = "{ walks(first: 100) { pageInfo { hasNextPage endCursor }
  nodes { id externalId date status school { urn name }
    visits(first: 20) { nodes { id subject keyStage
      ratings(first: 50) { nodes { indicator { code } observer { reference } outcome level } } } } } } }";

/// With `--features mimalloc`, the allocator of the `api` binary.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
struct Args {
    /// PostgreSQL server to create the bench database on.
    #[arg(long)]
    postgres: Option<String>,
    /// Seconds per scenario and concurrency.
    #[arg(long, default_value_t = 5)]
    seconds: u64,
    /// Serve through a plain pool, without binding each connection to the
    /// request's trust: row-level security's cost, measured by difference.
    #[arg(long)]
    without_row_security: bool,
}

/// Setting up reaches every trust's rows; the served requests reach only
/// their own.
#[tokio::main]
async fn main() -> anyhow::Result<()> {
    api::db::tenant::as_admin(run(Args::parse())).await
}

async fn run(args: Args) -> anyhow::Result<()> {
    let name = format!("lw_bench_{}", uuid::Uuid::new_v4().simple());
    let dir = std::env::temp_dir().join(&name);
    let url = match &args.postgres {
        Some(server) => {
            let admin = Database::connect(server).await?;
            admin
                .execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await?;
            let mut parsed = url::Url::parse(server)?;
            parsed.set_path(&format!("/{name}"));
            parsed.to_string()
        }
        None => {
            std::fs::create_dir_all(&dir)?;
            format!("sqlite://{}?mode=rwc", dir.join("bench.db").display())
        }
    };

    // The bench measures throughput, so no rate limit applies.
    let unlimited = [
        "--rate-limit-per-minute",
        "1000000000000000",
        "--max-query-complexity",
        "1000000",
    ];
    let cli = Cli::parse_from(["api", "--database-url", &url].iter().chain(&unlimited));
    let db = api::db::connect(&cli.config).await?;
    let loaded = api::demo::load(&db).await?;
    println!(
        "store: {}; demo: {loaded}",
        if args.postgres.is_some() {
            "PostgreSQL"
        } else {
            "SQLite"
        }
    );
    let secret = api::auth::random_secret();
    let keys = AuthKeys::hs256(secret.as_bytes(), "learning-walks", "learning-walks-api")?;
    let token = keys.issue("bench", "2516", vec![Role::TrustLeader], None, 1)?;
    let served = match args.without_row_security {
        true => Database::connect(&url).await?,
        false => db.clone(),
    };
    let state = AppState::new(served, keys, cli.config.limits.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    tokio::spawn(startup::serve(
        listener,
        startup::app(state),
        std::future::pending(),
        std::time::Duration::from_secs(1),
    ));

    let client = reqwest::Client::new();
    let endpoint = format!("http://{address}/graphql");
    let protocols = post(
        &client,
        &endpoint,
        &token,
        "{ protocols(first: 100) { nodes { id key } } }",
        json!({}),
    )
    .await?;
    let core = protocols["data"]["protocols"]["nodes"]
        .as_array()
        .and_then(|all| all.iter().find(|p| p["key"] == "trust-core"))
        .map(|p| p["id"].clone())
        .ok_or_else(|| anyhow::anyhow!("no trust-core protocol"))?;

    println!("| scenario | clients | requests/s | p50 ms | p99 ms |");
    println!("|---|---|---|---|---|");
    for (label, query, vars) in [
        (
            "variation, one trust by school",
            VARIATION,
            json!({ "p": core }),
        ),
        (
            "page of 50 walks with visits and ratings",
            WALK_PAGE,
            json!({}),
        ),
        ("partner page of 100 walks", PARTNER_PAGE, json!({})),
    ] {
        for clients in [1, 8] {
            let run = Duration::from_secs(args.seconds);
            let (count, mut latencies) =
                load(&client, &endpoint, &token, query, &vars, clients, run).await?;
            latencies.sort();
            let pick =
                |q: f64| latencies[((latencies.len() - 1) as f64 * q) as usize].as_secs_f64() * 1e3;
            let rate = count as f64 / run.as_secs_f64();
            println!(
                "| {label} | {clients} | {rate:.0} | {:.2} | {:.2} |",
                pick(0.5),
                pick(0.99)
            );
        }
    }

    db.close().await?;
    match &args.postgres {
        Some(server) => {
            let admin = Database::connect(server).await?;
            admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .await?;
        }
        None => std::fs::remove_dir_all(&dir)?,
    }
    Ok(())
}

async fn post(
    client: &reqwest::Client,
    url: &str,
    token: &str,
    query: &str,
    vars: Value,
) -> anyhow::Result<Value> {
    let body = json!({ "query": query, "variables": vars });
    let response = client
        .post(url)
        .bearer_auth(token)
        .json(&body)
        .send()
        .await?;
    let value: Value = response.json().await?;
    if value.get("errors").is_some() {
        anyhow::bail!("request failed: {value}");
    }
    Ok(value)
}

/// Runs `clients` loops of the request for `run`; returns the count and
/// every latency.
async fn load(
    client: &reqwest::Client,
    url: &str,
    token: &str,
    query: &str,
    vars: &Value,
    clients: usize,
    run: Duration,
) -> anyhow::Result<(usize, Vec<Duration>)> {
    let deadline = Instant::now() + run;
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let (client, url, token) = (client.clone(), url.to_owned(), token.to_owned());
        let (query, vars) = (query.to_owned(), vars.clone());
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            while Instant::now() < deadline {
                let started = Instant::now();
                post(&client, &url, &token, &query, vars.clone()).await?;
                latencies.push(started.elapsed());
            }
            anyhow::Ok(latencies)
        }));
    }
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await??);
    }
    Ok((all.len(), all))
}
