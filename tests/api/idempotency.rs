//! Idempotency keys: a retried write returns the first answer and writes
//! nothing; the key's owner, input and age all count.

use api::auth::Role;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::on_both_stores;
use crate::user_errors::{refusal, user_error};
use crate::walks::walk_input;

const CREATE: &str = "mutation($input: CreateWalkInput!) {
  createWalk(input: $input) { clientMutationId walk { id date version }
    userErrors { field code message } } }";

async fn walks_stored(app: &TestApp) -> i64 {
    let backend = app.db().get_database_backend();
    let sql = Statement::from_string(backend, "SELECT COUNT(*) AS n FROM walks");
    let row = app.db().query_one_raw(sql).await.unwrap().unwrap();
    row.try_get::<i64>("", "n").unwrap()
}

fn keyed(protocol: &str, date: &str, key: &str) -> Value {
    let mut input = walk_input(137106, protocol, date);
    input["idempotencyKey"] = json!(key);
    input["clientMutationId"] = json!("c1");
    json!({ "input": input })
}

fn code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or("none")
}

async fn a_retried_write_returns_the_first_answer_and_writes_nothing(app: TestApp) {
    app.import_schools().await;
    let protocol = app.import_core_protocol("2516").await;
    let token = app.leader("2516");
    let first = app
        .graphql(&token, CREATE, keyed(&protocol, "2025-10-07", "k1"))
        .await;
    assert!(first.get("errors").is_none(), "{first}");
    assert_eq!(walks_stored(&app).await, 1);
    let again = app
        .graphql(&token, CREATE, keyed(&protocol, "2025-10-07", "k1"))
        .await;
    assert_eq!(again, first);
    assert_eq!(walks_stored(&app).await, 1);

    // Other input under the same key is refused.
    let other = app
        .graphql(&token, CREATE, keyed(&protocol, "2025-10-08", "k1"))
        .await;
    assert_eq!(code(&other), "CONFLICT", "{other}");
    assert_eq!(walks_stored(&app).await, 1);

    // Keys are the caller's own: another person, or another trust, with
    // the same key writes its own record.
    let colleague = app.token_for("colleague", "2516", &[Role::TrustLeader], None);
    let theirs = app
        .graphql(&colleague, CREATE, keyed(&protocol, "2025-10-07", "k1"))
        .await;
    assert_ne!(
        theirs["data"]["createWalk"]["walk"]["id"],
        first["data"]["createWalk"]["walk"]["id"]
    );
    assert_eq!(walks_stored(&app).await, 2);
    let protocol_b = app.import_core_protocol("3111").await;
    let mut input = keyed(&protocol_b, "2025-10-07", "k1");
    input["input"]["schoolUrn"] = json!(142070);
    let body = app.graphql(&app.leader("3111"), CREATE, input).await;
    assert!(body.get("errors").is_none(), "{body}");
    assert_eq!(walks_stored(&app).await, 3);

    // After 24 hours the key is forgotten and the write runs again.
    let backend = app.db().get_database_backend();
    let old = Statement::from_string(
        backend,
        "UPDATE idempotency_keys SET created_at = '2020-01-01T00:00:00Z' WHERE subject = 'tester'",
    );
    app.db().execute_raw(old).await.unwrap();
    let later = app
        .graphql(&token, CREATE, keyed(&protocol, "2025-10-07", "k1"))
        .await;
    assert!(later.get("errors").is_none(), "{later}");
    assert_ne!(later, first);
    assert_eq!(walks_stored(&app).await, 4);
}

async fn a_failed_write_frees_its_key_and_bad_keys_are_refused(app: TestApp) {
    app.import_schools().await;
    let protocol = app.import_core_protocol("2516").await;
    let token = app.leader("2516");
    let mut wrong = keyed(&protocol, "2025-10-07", "k2");
    wrong["input"]["schoolUrn"] = json!(999999);
    let body = app.graphql(&token, CREATE, wrong).await;
    let unknown = user_error("NOT_FOUND", None, "No school with this URN");
    assert_eq!(refusal(&body, "createWalk"), unknown);
    assert_eq!(body["data"]["createWalk"]["clientMutationId"], "c1");
    assert_eq!(walks_stored(&app).await, 0);
    let body = app
        .graphql(&token, CREATE, keyed(&protocol, "2025-10-07", "k2"))
        .await;
    assert!(body.get("errors").is_none(), "{body}");
    assert_eq!(body["data"]["createWalk"]["userErrors"], json!([]));
    assert_eq!(body["data"]["createWalk"]["walk"]["date"], "2025-10-07");
    assert_eq!(walks_stored(&app).await, 1);

    for bad in ["", "   ", &"k".repeat(201), "line\nbreak"] {
        let body = app
            .graphql(&token, CREATE, keyed(&protocol, "2025-10-07", bad))
            .await;
        assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");
        assert_eq!(body["errors"][0]["extensions"]["field"], "idempotencyKey");
    }
    assert_eq!(walks_stored(&app).await, 1);
}

async fn concurrent_retries_write_once(app: TestApp) {
    app.import_schools().await;
    let protocol = app.import_core_protocol("2516").await;
    let token = app.leader("2516");
    let tries: Vec<_> = (0..6)
        .map(|_| {
            let (app, token, vars) = (
                app.clone(),
                token.clone(),
                keyed(&protocol, "2025-10-07", "k3"),
            );
            tokio::spawn(async move { app.graphql(&token, CREATE, vars).await })
        })
        .collect();
    let mut ids = Vec::new();
    for attempt in tries {
        let body = attempt.await.unwrap();
        match body.get("errors") {
            None => ids.push(body["data"]["createWalk"]["walk"]["id"].clone()),
            Some(_) => assert_eq!(code(&body), "CONFLICT", "{body}"),
        }
    }
    assert!(!ids.is_empty());
    assert!(ids.iter().all(|id| *id == ids[0]), "{ids:?}");
    assert_eq!(walks_stored(&app).await, 1);
}

on_both_stores!(
    a_retried_write_returns_the_first_answer_and_writes_nothing,
    a_failed_write_frees_its_key_and_bad_keys_are_refused,
    concurrent_retries_write_once,
);
