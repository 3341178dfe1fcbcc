//! The tenant-isolation matrix. Two trusts hold a full set of records;
//! every query and mutation root field of the running schema, found by
//! introspection, is asked with trust A's strongest token and trust B's
//! identifiers (each slot in turn, then all of them), and B's own writes
//! are replayed with A's token. No response may show a value of B's rows,
//! and afterwards every row of B, in every table the catalog lists, is as
//! it was. The same requests with A's own identifiers must find A's data
//! for every query and succeed for every mutation, so the matrix cannot
//! pass by building requests the service rejects.

mod fixture;
mod harvest;
mod markers;
mod plan;
mod request;
mod schema;
mod slots;
mod tables;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use serde_json::Value;

use crate::helpers::TestApp;
use markers::Markers;
use plan::Planned;
use schema::Schema;

const A: (&str, i64, &str) = ("2516", 137106, "alphaK3");
const B: (&str, i64, &str) = ("3111", 142070, "bravoQ7");

/// How the control requests of one root field went.
#[derive(Default)]
struct Control {
    requests: usize,
    /// Queries whose answer showed A's data; mutations that succeeded.
    good: usize,
    /// Error codes and user error codes met, and their messages.
    failures: BTreeMap<String, std::collections::BTreeSet<String>>,
}

/// Codes of requests refused before any resolver ran: an attack met by
/// one proves nothing, so none may occur.
const UNTRIED: [&str; 4] = [
    "GRAPHQL_PARSE_FAILED",
    "GRAPHQL_VALIDATION_FAILED",
    "RATE_LIMITED",
    "TIMEOUT",
];

/// Sends `request` and returns its body, after checking it ran and shows
/// nothing of `theirs`.
async fn send(
    app: &TestApp,
    schema: &Schema,
    token: &str,
    request: &Planned,
    theirs: &Markers,
) -> Value {
    let (status, body) = app
        .post(token, &request.query, request.variables.clone())
        .await;
    let code = body["errors"][0]["extensions"]["code"].as_str();
    if matches!(code, Some("QUERY_TOO_COMPLEX" | "QUERY_TOO_DEEP"))
        && let Some(shallower) = request.shallower(schema)
    {
        return Box::pin(send(app, schema, token, &shallower, theirs)).await;
    }
    assert!(status < 500, "{} answered {status}: {body}", request.root);
    let code = body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_default();
    let untried = UNTRIED.contains(&code) || code.starts_with("QUERY_TOO_");
    assert!(
        !untried,
        "{} did not run: {body}\nquery: {}\nvariables: {}",
        request.root, request.query, request.variables,
    );
    let leaks = theirs.found(&body, &request.variables);
    assert!(
        leaks.is_empty(),
        "{} showed the other trust's data: {leaks:#?}\nquery: {}\nvariables: {}",
        request.root,
        request.query,
        request.variables,
    );
    body
}

/// Requests of the attack in flight at once when they only read.
const IN_FLIGHT: usize = 4;

/// Sends read-only `requests` a few at a time, each checked as by [`send`].
async fn send_reads(
    app: &TestApp,
    schema: &Arc<Schema>,
    token: &str,
    requests: Vec<Planned>,
    theirs: &Arc<Markers>,
) {
    let mut running = tokio::task::JoinSet::new();
    for request in requests {
        if running.len() >= IN_FLIGHT
            && let Some(Err(err)) = running.join_next().await
        {
            std::panic::resume_unwind(err.into_panic());
        }
        let (app, schema, theirs) = (app.clone(), schema.clone(), theirs.clone());
        let token = token.to_owned();
        running.spawn(async move {
            send(&app, &schema, &token, &request, &theirs).await;
        });
    }
    while let Some(done) = running.join_next().await {
        if let Err(err) = done {
            std::panic::resume_unwind(err.into_panic());
        }
    }
}

/// Whether a control answer did its job, and if not, why.
fn judge(request: &Planned, body: &Value, ours: &Markers) -> Result<(), (String, String)> {
    if let Some(error) = body["errors"].get(0) {
        let code = error["extensions"]["code"].as_str().unwrap_or("no code");
        return Err((code.to_owned(), error["message"].to_string()));
    }
    let payload = &body["data"][&request.root];
    if let Some(error) = payload["userErrors"].get(0) {
        let code = error["code"].as_str().unwrap_or("no code");
        return Err((format!("user error {code}"), error["message"].to_string()));
    }
    if request.op == "query" && ours.found(payload, &Value::Null).is_empty() {
        return Err(("nothing of A".to_owned(), payload.to_string()));
    }
    Ok(())
}

async fn matrix(app: TestApp) {
    let started = Instant::now();
    app.import_schools().await;
    let written_a = fixture::populate(&app, A.0, A.1, A.2).await;
    let written_b = fixture::populate(&app, B.0, B.1, B.2).await;
    let token_a = fixture::strongest(&app, A.0, A.2);
    let token_b = fixture::strongest(&app, B.0, B.2);
    let schema = Schema::introspect(&app, &token_a).await;
    let ours = harvest::harvest(&app, &schema, &token_a, &written_a.idempotency_keys).await;
    let theirs = harvest::harvest(&app, &schema, &token_b, &written_b.idempotency_keys).await;

    let dump_a = tables::dump(&app, A.0).await;
    let before = tables::dump(&app, B.0).await;
    let markers_b = Markers::between(&before, &dump_a);
    let markers_a = Markers::between(&dump_a, &before);
    let prepared = started.elapsed();

    // The control first: it stops at a root field's first success, so it
    // moves few of A's walks along before the attack uses them.
    let control = plan::control(&schema, &ours);
    let mut outcomes: BTreeMap<String, Control> = BTreeMap::new();
    for request in &control {
        let outcome = outcomes.entry(request.root.clone()).or_default();
        if outcome.good > 0 {
            continue;
        }
        let body = send(&app, &schema, &token_a, request, &markers_b).await;
        outcome.requests += 1;
        match judge(request, &body, &markers_a) {
            Ok(()) => outcome.good += 1,
            Err((code, message)) => {
                outcome.failures.entry(code).or_default().insert(message);
            }
        }
    }

    let control_time = started.elapsed() - prepared;

    let attack = plan::attack(&schema, &ours, &theirs);
    let attacks = attack.len();
    let (reads, writes): (Vec<Planned>, Vec<Planned>) =
        attack.into_iter().partition(|r| r.op == "query");
    let (schema, markers_b) = (Arc::new(schema), Arc::new(markers_b));
    send_reads(&app, &schema, &token_a, reads, &markers_b).await;
    for request in &writes {
        send(&app, &schema, &token_a, request, &markers_b).await;
    }
    for (query, variables) in &written_b.writes {
        let replay = Planned {
            root: "replay".to_owned(),
            op: "mutation",
            query: query.clone(),
            variables: variables.clone(),
            built_from: None,
        };
        send(&app, &schema, &token_a, &replay, &markers_b).await;
    }

    let changed = tables::differences(&before, &tables::dump(&app, B.0).await);
    assert!(changed.is_empty(), "B's rows changed: {changed:#?}");

    let roots = schema.roots();
    let unproven: Vec<String> = (roots.iter())
        .filter(|(_, f)| outcomes.get(&f.name).is_none_or(|o| o.good == 0))
        .map(|(op, f)| {
            let failures = outcomes.get(&f.name).map(|o| &o.failures);
            format!("{op} {}: {failures:?}", f.name)
        })
        .collect();
    assert!(
        unproven.is_empty(),
        "the generator built no request with A's own ids that found A's data (queries) \
         or succeeded (mutations) for these root fields; teach isolation/slots.rs: \
         {unproven:#?}"
    );
    let controls: usize = outcomes.values().map(|o| o.requests).sum();
    println!(
        "isolation matrix: {} root fields; {attacks} attack requests, {} replays, \
         {controls} control requests; {} markers of B, {} of A; set-up {prepared:.1?}, \
         control {control_time:.1?}, all {:.1?}",
        roots.len(),
        written_b.writes.len(),
        markers_b.len(),
        markers_a.len(),
        started.elapsed(),
    );
}

/// Room for the matrix's thousand-odd requests within a minute.
const ARGS: [&str; 2] = ["--rate-limit-per-minute", "1000000000000"];

mod a_trust_sees_and_changes_nothing_of_another_through_any_root_field {
    use crate::helpers::{Store, run_with};

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        run_with(Store::Sqlite, &super::ARGS, super::matrix).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        run_with(Store::Postgres, &super::ARGS, super::matrix).await;
    }
}
