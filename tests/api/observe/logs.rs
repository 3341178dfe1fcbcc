//! The JSON line each request ends with, read from the service's real
//! JSON subscriber (`api::telemetry::json`). The subscriber is this test
//! thread's default, and the test runtime runs the server on this one
//! thread, so only this test's server writes into the buffer.
//!
//! tracing caches, per log statement, whether any subscriber wants it. A
//! statement first reached by another test while no subscriber existed
//! would be cached as wanted by none, and this test's lines lost; so the
//! binary's global subscriber (`AskEachTime`) wants nothing yet asks for
//! no caching, and the cache is rebuilt once the test's subscriber is set.

use std::io::Write;
use std::sync::{Arc, Mutex, Once};

use api::auth::Role;
use serde_json::{Map, Value, json};
use sha2::Digest;
use tracing::span::{Attributes, Id, Record};
use tracing::subscriber::Interest;
use tracing::{Event, Metadata, Subscriber};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;

use crate::helpers::{Store, TestApp, run};

/// Log lines written into memory.
#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'w> MakeWriter<'w> for Buffer {
    type Writer = Buffer;

    fn make_writer(&'w self) -> Buffer {
        self.clone()
    }
}

/// Records nothing, and has tracing ask each thread's subscriber at every
/// log statement rather than cache an answer.
struct AskEachTime;

impl Subscriber for AskEachTime {
    fn register_callsite(&self, _: &'static Metadata<'static>) -> Interest {
        Interest::sometimes()
    }

    fn enabled(&self, _: &Metadata<'_>) -> bool {
        false
    }

    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }

    fn record(&self, _: &Id, _: &Record<'_>) {}

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, _: &Event<'_>) {}

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

static ASK_EACH_TIME: Once = Once::new();

const TOKEN_SUB: &str = "observer-ref-4711";
/// A variable's text: it must reach no log line.
const PRIVATE: &str = "Mrs Example teaches 5B";

fn hash_of(text: &str) -> String {
    let digest = sha2::Sha256::digest(text.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

async fn send(app: &TestApp, id: &str, token: &str, query: &str, variables: Value) -> u16 {
    let response = (app.client().post(app.url("/graphql")))
        .header("x-request-id", id)
        .bearer_auth(token)
        .json(&json!({ "query": query, "variables": variables }))
        .send()
        .await
        .unwrap();
    response.status().as_u16()
}

async fn requests(app: TestApp) -> String {
    app.create_trust("2516").await;
    let token = app.token_for(TOKEN_SUB, "2516", &[Role::Analyst], None);
    let schools =
        "query Schools($phase: String) { schools(first: 5, phase: $phase) { totalCount } }";
    let vars = json!({ "phase": PRIVATE });
    assert_eq!(send(&app, "log-ok", &token, schools, vars).await, 200);
    let walks = "query Walks { walks(first: 0) { totalCount } }";
    assert_eq!(
        send(&app, "log-bad-input", &token, walks, json!({})).await,
        200
    );
    let anonymous = "{ viewer { trustUid } }";
    assert_eq!(
        send(&app, "log-no-name", &token, anonymous, json!({})).await,
        200
    );
    // Over GET the variables ride in the query string.
    let vars = json!({ "phase": PRIVATE }).to_string();
    let bearer = format!("Bearer {token}");
    let got = app
        .get(&bearer, &[("query", schools), ("variables", &vars)])
        .await;
    assert_eq!(got.status().as_u16(), 200);
    let anonymous_walks = "{ walks(first: 1) { totalCount } }";
    let hash = hash_of(anonymous_walks);
    let persisted = json!({ "query": anonymous_walks,
        "extensions": { "persistedQuery": { "version": 1, "sha256Hash": hash } } });
    let response = (app.client().post(app.url("/graphql")))
        .header("x-request-id", "log-persisted")
        .bearer_auth(&token)
        .json(&persisted);
    assert_eq!(response.send().await.unwrap().status().as_u16(), 200);
    let forged = format!("{token}x");
    assert_eq!(
        send(&app, "log-bad-token", &forged, schools, json!({})).await,
        401
    );
    token
}

/// The `request finished` line of the request `id`, without the values
/// that vary from run to run (`timestamp`, `latency_ms`), checked first.
fn finished(lines: &[Map<String, Value>], id: &str) -> Value {
    let mut found = lines.iter().filter(|line| {
        line.get("message") == Some(&json!("request finished"))
            && line.get("request.id") == Some(&json!(id))
    });
    let mut line = found
        .next()
        .unwrap_or_else(|| panic!("no line for {id}"))
        .clone();
    assert!(found.next().is_none(), "one line per request");
    assert!(line.remove("timestamp").unwrap().is_string());
    assert!(line.remove("latency_ms").unwrap().as_f64().unwrap() > 0.0);
    Value::Object(line)
}

fn line(
    id: &str,
    status: u16,
    operation: Option<&str>,
    caller: bool,
    codes: Option<&str>,
) -> Value {
    let mut line = json!({ "level": "INFO", "message": "request finished",
        "request.id": id, "http.method": "POST", "http.route": "/graphql",
        "http.status": status });
    let mut span = json!({ "name": "request", "request.id": id,
        "http.method": "POST", "http.path": "/graphql" });
    for target in [&mut line, &mut span] {
        if caller {
            target["caller.sub"] = json!(TOKEN_SUB);
            target["trust.id"] = json!("2516");
        }
        if let Some(operation) = operation {
            target["graphql.operation"] = json!(operation);
        }
    }
    if let Some(codes) = codes {
        line["error.codes"] = json!(codes);
    }
    line["span"] = span;
    line
}

async fn logged(store: Store) {
    let buffer = Buffer::default();
    let subscriber = api::telemetry::json(EnvFilter::new("info"), buffer.clone());
    ASK_EACH_TIME.call_once(|| {
        let _ = tracing::subscriber::set_global_default(AskEachTime);
    });
    let _default = tracing::subscriber::set_default(subscriber);
    tracing::callsite::rebuild_interest_cache();
    let token = Arc::new(Mutex::new(String::new()));
    let kept = token.clone();
    run(store, |app| async move {
        *kept.lock().unwrap() = requests(app).await;
    })
    .await;
    let token = token.lock().unwrap().clone();
    if token.is_empty() {
        return; // PostgreSQL is not configured
    }

    let text = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
    let lines: Vec<Map<String, Value>> = (text.lines())
        .map(|line| serde_json::from_str(line).expect("every line is a JSON object"))
        .collect();
    assert_eq!(
        finished(&lines, "log-ok"),
        line("log-ok", 200, Some("Schools"), true, None)
    );
    assert_eq!(
        finished(&lines, "log-bad-input"),
        line(
            "log-bad-input",
            200,
            Some("Walks"),
            true,
            Some("BAD_USER_INPUT")
        )
    );
    assert_eq!(
        finished(&lines, "log-no-name"),
        line("log-no-name", 200, Some("query"), true, None)
    );
    let persisted = format!(
        "persisted:{}",
        &hash_of("{ walks(first: 1) { totalCount } }")[..8]
    );
    assert_eq!(
        finished(&lines, "log-persisted"),
        line("log-persisted", 200, Some(&persisted), true, None)
    );
    assert_eq!(
        finished(&lines, "log-bad-token"),
        line("log-bad-token", 401, None, false, Some("UNAUTHENTICATED"))
    );

    // Neither the token (nor its signature alone) nor a variable's text.
    let signature = token.rsplit('.').next().unwrap();
    assert!(!text.contains(signature), "the token is logged:\n{text}");
    assert!(!text.contains(PRIVATE), "a variable is logged:\n{text}");
}

#[tokio::test]
async fn sqlite() {
    logged(Store::Sqlite).await;
}

#[tokio::test]
async fn postgres() {
    logged(Store::Postgres).await;
}
