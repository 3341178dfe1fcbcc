//! Tokens at the HTTP edge, roles, and the routes that need no token.

use api::auth::{AuthKeys, Role};
use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::on_both_stores;
use crate::walks::{CREATE_WALK, walk_input};

const VIEWER: &str = "{ viewer { subject trustUid schoolUrns roles canWrite trust { name } } }";

fn unauthenticated() -> Value {
    json!({ "errors": [{ "message": "a valid bearer token is required",
                         "extensions": { "code": "UNAUTHENTICATED" } }] })
}

async fn requests_without_a_valid_token_are_unauthenticated(app: TestApp) {
    app.import_schools().await;
    let good = app.leader("2516");
    let other_secret = AuthKeys::hs256(
        b"another-secret-entirely-0123456789",
        "learning-walks",
        "learning-walks-api",
    )
    .unwrap()
    .issue("x", "2516", vec![Role::TrustLeader], None, 1)
    .unwrap();
    let wrong_audience = AuthKeys::hs256(
        b"test-secret-for-the-suite-only-0123456789",
        "learning-walks",
        "elsewhere",
    )
    .unwrap()
    .issue("x", "2516", vec![Role::TrustLeader], None, 1)
    .unwrap();
    let expired = AuthKeys::hs256(
        b"test-secret-for-the-suite-only-0123456789",
        "learning-walks",
        "learning-walks-api",
    )
    .unwrap()
    .issue("x", "2516", vec![Role::TrustLeader], None, -1)
    .unwrap();
    let tampered = format!("{}x", &good[..good.len() - 1]);

    for token in [
        "",
        "not-a-jwt",
        &other_secret,
        &wrong_audience,
        &expired,
        &tampered,
    ] {
        let (status, body) = app.post(token, VIEWER, json!({})).await;
        assert_eq!((status, body), (401, unauthenticated()), "token {token:?}");
    }
    let response = app
        .client()
        .post(app.url("/graphql"))
        .json(&json!({ "query": VIEWER }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 401);
    assert_eq!(response.headers()["www-authenticate"], "Bearer");
}

async fn the_viewer_is_who_the_token_says(app: TestApp) {
    app.import_schools().await;
    let token = app.token(
        "2516",
        &[Role::SchoolLeader, Role::Observer],
        Some(vec![137106]),
    );
    let data = app.data(&token, VIEWER, json!({})).await;
    let expected = json!({ "viewer": { "subject": "tester", "trustUid": "2516",
        "schoolUrns": [137106], "roles": ["SCHOOL_LEADER", "OBSERVER"], "canWrite": true,
        "trust": { "name": "Cabot Learning Federation" } } });
    assert_eq!(data, expected);
}

async fn an_analyst_reads_but_cannot_write(app: TestApp) {
    app.import_schools().await;
    let protocol = app.import_core_protocol("2516").await;
    let analyst = app.token("2516", &[Role::Analyst], None);
    let input = json!({ "input": walk_input(137106, &protocol, "2025-10-01") });
    let body = app.graphql(&analyst, CREATE_WALK, input).await;
    assert_eq!(body["data"], Value::Null);
    assert_eq!(
        body["errors"][0]["extensions"],
        json!({ "code": "FORBIDDEN" })
    );
    let walks = app
        .data(&analyst, "{ walks(first: 5) { totalCount } }", json!({}))
        .await;
    assert_eq!(walks["walks"]["totalCount"], 0);
}

async fn health_needs_no_token_and_mutations_need_post(app: TestApp) {
    let health = app.client().get(app.url("/health")).send().await.unwrap();
    assert_eq!(health.status().as_u16(), 200);
    assert!(health.headers().contains_key("x-request-id"));
    assert_eq!(
        health.json::<Value>().await.unwrap(),
        json!({ "status": "ok" })
    );

    let token = app.leader("2516");
    let mutation = "mutation { submitWalk(input: { walkId: \"x\" }) { walk { id } } }";
    let response = app
        .client()
        .get(app.url("/graphql"))
        .bearer_auth(&token)
        .query(&[("query", mutation)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 405);
    assert_eq!(response.headers()["allow"], "POST");

    let response = app
        .client()
        .get(app.url("/graphql"))
        .bearer_auth(&token)
        .query(&[("query", "{ viewer { trustUid } }")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body,
        json!({ "data": { "viewer": { "trustUid": "2516" } } })
    );
}

on_both_stores!(
    requests_without_a_valid_token_are_unauthenticated,
    the_viewer_is_who_the_token_says,
    an_analyst_reads_but_cannot_write,
    health_needs_no_token_and_mutations_need_post,
);
