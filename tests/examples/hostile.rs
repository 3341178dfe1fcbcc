//! Ordinary clients under a hostile one: runs mixed everyday queries alone,
//! then again while a hostile token floods the dearest queries the limits
//! allow and some past them, with idempotent writes during the flood that
//! must all land exactly once. Prints latency and counts for both phases.
//! Talks to a server already running on loopback: see `bench/hostile.sh`.
//!
//! cargo run --release -p api-tests --example hostile -- --url http://127.0.0.1:PORT \
//!   --secret "$JWT_SECRET" [--seconds 10] [--clients 4] [--hostile 8]

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, ensure};
use api::auth::{AuthKeys, Role};
use clap::Parser;
use serde_json::{Value, json};

#[derive(Parser)]
struct Args {
    /// The server, on a loopback address.
    #[arg(long)]
    url: url::Url,
    /// The server's JWT_SECRET, to sign the clients' tokens.
    #[arg(long)]
    secret: String,
    /// Seconds each phase lasts.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Ordinary clients, each with its own token, one request at a time.
    #[arg(long, default_value_t = 4)]
    clients: usize,
    /// Milliseconds between an ordinary client's requests.
    #[arg(long, default_value_t = 50)]
    interval_ms: u64,
    /// Connections the hostile token floods on.
    #[arg(long, default_value_t = 8)]
    hostile: usize,
}

const EVERYDAY: [&str; 4] = [
    "{ viewer { subject trust { name } } }",
    "{ schools(first: 20) { totalCount nodes { urn name } } }",
    "{ walks(first: 10) { nodes { id date status school { name } } } }",
    "query($p: ID!) { variation(filter: { protocolId: $p }) { trust { n mean secureRate }
      cells { school { urn } n secureRate suppressed } } }",
];

/// Four variation figures: the dearest request the complexity limit allows.
const DEAREST: &str = "query($p: ID!) {
  a: variation(filter: { protocolId: $p }, groupBy: SCHOOL) { cells { n mean } }
  b: variation(filter: { protocolId: $p }, groupBy: INDICATOR) { cells { n mean } }
  c: variation(filter: { protocolId: $p }, groupBy: SUBJECT, perSchool: true) { cells { n } }
  d: agreement(filter: { protocolId: $p }) { __typename } }";

/// Five: past the complexity limit.
const PAST_THE_LIMIT: &str = "query($p: ID!) {
  a: variation(filter: { protocolId: $p }) { cells { n } }
  b: variation(filter: { protocolId: $p }) { cells { n } }
  c: variation(filter: { protocolId: $p }) { cells { n } }
  d: variation(filter: { protocolId: $p }) { cells { n } }
  e: variation(filter: { protocolId: $p }) { cells { n } } }";

const UPSERT: &str = "mutation($input: UpsertObserverInput!) {
  upsertObserver(input: $input) { created observer { id } userErrors { code } } }";

struct Client {
    http: reqwest::Client,
    url: String,
    protocol: String,
}

impl Client {
    /// Status, the first error's code and the body.
    async fn post(&self, token: &str, query: &str, vars: Value) -> (u16, Option<String>, Value) {
        let variables = if vars.is_null() {
            json!({ "p": self.protocol })
        } else {
            vars
        };
        let sent = (self.http.post(&self.url))
            .bearer_auth(token)
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await;
        let Ok(response) = sent else {
            return (0, Some("NO_ANSWER".into()), Value::Null);
        };
        let status = response.status().as_u16();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        let code = body["errors"][0]["extensions"]["code"]
            .as_str()
            .map(str::to_owned);
        (status, code, body)
    }
}

/// Latencies of the ordinary clients and their failures by code.
#[derive(Default)]
struct Tally {
    latencies: Vec<Duration>,
    failures: BTreeMap<String, usize>,
}

impl Tally {
    fn add(&mut self, other: Tally) {
        self.latencies.extend(other.latencies);
        for (code, n) in other.failures {
            *self.failures.entry(code).or_default() += n;
        }
    }

    fn report(&mut self, phase: &str, seconds: u64) {
        self.latencies.sort();
        let at = |q: f64| {
            let i = ((self.latencies.len() as f64 * q) as usize).min(self.latencies.len() - 1);
            self.latencies[i].as_secs_f64() * 1000.0
        };
        let n = self.latencies.len();
        println!(
            "| {phase} | {n} | {:.0} | {:.2} | {:.2} | {:.2} | {:?} |",
            n as f64 / seconds as f64,
            at(0.5),
            at(0.99),
            at(1.0),
            self.failures
        );
    }
}

/// A dashboard's pace: a request every `interval`, a variation one in 20
/// (3 million cost points a minute, under the default budget of 5).
async fn ordinary(client: Arc<Client>, token: String, until: Instant, interval: Duration) -> Tally {
    let mut tally = Tally::default();
    let mut i = 0;
    let mut ticks = tokio::time::interval(interval);
    while Instant::now() < until {
        ticks.tick().await;
        let query = if i % 20 == 19 {
            EVERYDAY[3]
        } else {
            EVERYDAY[i % 3]
        };
        let started = Instant::now();
        let (status, code, _) = client.post(&token, query, Value::Null).await;
        tally.latencies.push(started.elapsed());
        if status != 200 || code.is_some() {
            let code = code.unwrap_or_else(|| status.to_string());
            *tally.failures.entry(code).or_default() += 1;
        }
        i += 1;
    }
    tally
}

async fn hostile(client: Arc<Client>, token: String, until: Instant) -> BTreeMap<String, usize> {
    let mut outcomes = BTreeMap::new();
    let mut i = 0;
    while Instant::now() < until {
        let query = if i % 4 == 3 { PAST_THE_LIMIT } else { DEAREST };
        let (status, code, _) = client.post(&token, query, Value::Null).await;
        let outcome = code.unwrap_or_else(|| format!("{status} served"));
        *outcomes.entry(outcome).or_default() += 1;
        i += 1;
    }
    outcomes
}

/// One idempotent write, sent twice as a client retrying would: both
/// answers must be the same created observer. Returns its id.
async fn write_twice(client: &Client, token: &str, run: &str, i: usize) -> anyhow::Result<String> {
    let input = json!({ "input": { "externalId": format!("bench-{run}-{i}"),
        "displayName": format!("Bench observer {i}"), "idempotencyKey": format!("{run}-{i}") } });
    let (_, _, first) = client.post(token, UPSERT, input.clone()).await;
    let (_, _, again) = client.post(token, UPSERT, input).await;
    let payload = &first["data"]["upsertObserver"];
    ensure!(
        payload["created"] == true && first == again,
        "write {i}: {first} then {again}"
    );
    payload["observer"]["id"]
        .as_str()
        .map(str::to_owned)
        .context("no id")
}

async fn phase(client: &Arc<Client>, keys: &AuthKeys, args: &Args, flood: bool) -> Tally {
    let until = Instant::now() + Duration::from_secs(args.seconds);
    let leader = |sub: String| keys.issue(&sub, "2516", vec![Role::TrustLeader], None, 1);
    let mut clients = Vec::new();
    for n in 0..args.clients {
        let token = leader(format!("ordinary-{n}")).expect("token");
        let interval = Duration::from_millis(args.interval_ms);
        clients.push(tokio::spawn(ordinary(
            client.clone(),
            token,
            until,
            interval,
        )));
    }
    let mut floods = Vec::new();
    if flood {
        let token = leader("hostile".into()).expect("token");
        for _ in 0..args.hostile {
            floods.push(tokio::spawn(hostile(client.clone(), token.clone(), until)));
        }
    }
    let mut tally = Tally::default();
    for c in clients {
        tally.add(c.await.expect("client"));
    }
    let mut outcomes: BTreeMap<String, usize> = BTreeMap::new();
    for f in floods {
        for (outcome, n) in f.await.expect("hostile client") {
            *outcomes.entry(outcome).or_default() += n;
        }
    }
    if flood {
        println!("hostile requests by outcome: {outcomes:?}");
    }
    tally
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let host = args.url.host_str().unwrap_or_default();
    ensure!(
        host == "127.0.0.1" || host == "localhost",
        "loopback only, not {host}"
    );
    let keys = AuthKeys::hs256(
        args.secret.as_bytes(),
        "learning-walks",
        "learning-walks-api",
    )?;
    let url = args.url.join("/graphql")?.to_string();
    let mut client = Client {
        http: reqwest::Client::new(),
        url,
        protocol: String::new(),
    };
    let writer = keys.issue("writer", "2516", vec![Role::TrustLeader], None, 1)?;
    let protocols = "{ protocols(first: 10) { nodes { id key } } }";
    let (_, _, body) = client.post(&writer, protocols, json!({})).await;
    let nodes = body["data"]["protocols"]["nodes"]
        .as_array()
        .context("protocols")?;
    let core = nodes
        .iter()
        .find(|p| p["key"] == "trust-core")
        .context("no trust-core")?;
    client.protocol = core["id"].as_str().context("id")?.to_owned();
    let client = Arc::new(client);

    println!("| phase | ordinary requests | per second | p50 ms | p99 ms | max ms | failures |");
    println!("|---|---|---|---|---|---|---|");
    phase(&client, &keys, &args, false)
        .await
        .report("alone", args.seconds);
    let count = "{ observers(first: 1) { totalCount } }";
    let before = client.post(&writer, count, json!({})).await.2;

    // The flood, with a writer retrying each of its writes once.
    let run = uuid::Uuid::new_v4().simple().to_string();
    let writes = tokio::spawn({
        let (client, writer, seconds) = (client.clone(), writer.clone(), args.seconds);
        async move {
            let (mut ids, until) = (Vec::new(), Instant::now() + Duration::from_secs(seconds));
            while Instant::now() < until {
                ids.push(write_twice(&client, &writer, &run, ids.len()).await);
            }
            ids
        }
    });
    let mut flooded = phase(&client, &keys, &args, true).await;
    flooded.report("under the flood", args.seconds);
    let ids: Vec<String> = writes.await?.into_iter().collect::<anyhow::Result<_>>()?;
    let after = client.post(&writer, count, json!({})).await.2;
    let added = after["data"]["observers"]["totalCount"]
        .as_i64()
        .context("count")?
        - before["data"]["observers"]["totalCount"]
            .as_i64()
            .context("count")?;
    ensure!(
        added == ids.len() as i64,
        "{} writes answered, {added} observers added",
        ids.len()
    );
    println!(
        "writes during the flood: {} answered, each retried once; {added} rows added",
        ids.len()
    );
    Ok(())
}
