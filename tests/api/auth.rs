//! Tokens at the HTTP edge, roles, and the routes that need no token.

use api::auth::Role;
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

use crate::helpers::{SECRET, TestApp};
use crate::on_both_stores;
use crate::walks::{CREATE_WALK, walk_input};

const VIEWER: &str = "{ viewer { subject trustUid schoolUrns roles canWrite trust { name } } }";

fn unauthenticated() -> Value {
    json!({ "errors": [{ "message": "a valid bearer token is required",
                         "extensions": { "code": "UNAUTHENTICATED" } }] })
}

/// Signs `claims` with HS256 and `secret`.
fn signed(secret: &[u8], claims: &Value) -> String {
    let key = jsonwebtoken::EncodingKey::from_secret(secret).unwrap();
    jsonwebtoken::encode(&jsonwebtoken::Header::default(), claims, &key).unwrap()
}

/// Valid claims for trust 2516, changed by `edit`.
fn claims(edit: impl FnOnce(&mut Value)) -> Value {
    let now = chrono::Utc::now().timestamp();
    let mut claims = json!({ "sub": "x", "trust": "2516", "roles": ["trust_leader"],
        "iss": "learning-walks", "aud": "learning-walks-api", "iat": now, "nbf": now,
        "exp": now + 600 });
    edit(&mut claims);
    claims
}

async fn requests_without_a_valid_token_are_unauthenticated(app: TestApp) {
    app.import_schools().await;
    let good = app.leader("2516");
    let unsigned = {
        use base64::Engine;
        let b64 = |v: Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
        format!(
            "{}.{}.",
            b64(json!({ "alg": "none", "typ": "JWT" })),
            b64(claims(|_| {}))
        )
    };
    let last = if good.ends_with('A') { "B" } else { "A" };
    let tampered = format!("{}{last}", &good[..good.len() - 1]);
    let bad = [
        signed(b"another-secret-entirely-0123456789", &claims(|_| {})),
        signed(SECRET, &claims(|c| c["aud"] = json!("elsewhere"))),
        signed(SECRET, &claims(|c| c["iss"] = json!("elsewhere"))),
        signed(
            SECRET,
            &claims(|c| c["exp"] = json!(chrono::Utc::now().timestamp() - 3600)),
        ),
        signed(SECRET, &claims(|c| c["roles"] = json!(["superuser"]))),
        signed(SECRET, &claims(|c| c["roles"] = json!([]))),
        signed(SECRET, &claims(|c| c["schools"] = json!([]))),
        signed(SECRET, &claims(|c| c["sub"] = json!(" "))),
        signed(SECRET, &claims(|c| c["trust"] = json!(""))),
        signed(
            SECRET,
            &claims(|c| {
                c.as_object_mut().unwrap().remove("exp");
            }),
        ),
        unsigned,
        tampered,
    ];
    assert_eq!(
        app.post(&signed(SECRET, &claims(|_| {})), VIEWER, json!({}))
            .await
            .0,
        200
    );

    for token in ["", "not-a-jwt"]
        .into_iter()
        .chain(bad.iter().map(String::as_str))
    {
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

    // Two Authorization headers name no token, whichever comes first.
    for pair in [[good.as_str(), "not-a-jwt"], ["not-a-jwt", good.as_str()]] {
        let response = (app.client().post(app.url("/graphql")))
            .header("Authorization", format!("Bearer {}", pair[0]))
            .header("Authorization", format!("Bearer {}", pair[1]))
            .json(&json!({ "query": VIEWER }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 401, "{pair:?}");
        assert_eq!(response.json::<Value>().await.unwrap(), unauthenticated());
    }
}

#[test]
fn a_short_secret_is_refused() {
    let err = api::auth::AuthKeys::hs256(b"abc", "learning-walks", "learning-walks-api");
    assert_eq!(
        err.err().map(|e| e.to_string()).as_deref(),
        Some("JWT_SECRET must be at least 32 bytes")
    );
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
    app.create_trust("2516").await;
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
        .get(&format!("Bearer {token}"), &[("query", mutation)])
        .await;
    assert_eq!(response.status().as_u16(), 405);
    assert_eq!(response.headers()["allow"], "POST");

    let response = app
        .get(
            &format!("Bearer {token}"),
            &[("query", "{ viewer { trustUid } }")],
        )
        .await;
    assert_eq!(response.status().as_u16(), 200);
    let body = crate::helpers::without_cost(response.json().await.unwrap());
    assert_eq!(
        body,
        json!({ "data": { "viewer": { "trustUid": "2516" } } })
    );
}

async fn a_token_naming_another_trusts_school_is_unauthenticated(app: TestApp) {
    app.import_schools().await;
    let own = app.token("2516", &[Role::SchoolLeader], Some(vec![137106, 138655]));
    let (status, _) = app.post(&own, VIEWER, json!({})).await;
    assert_eq!(status, 200);
    // 142070 is a school of trust 3111; 999999 is no school at all.
    for schools in [vec![137106, 142070], vec![999999]] {
        let token = app.token("2516", &[Role::SchoolLeader], Some(schools));
        let (status, body) = app.post(&token, VIEWER, json!({})).await;
        assert_eq!((status, body), (401, unauthenticated()));
        let export = (app.client().get(app.url("/export/variation.csv")))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(export.status().as_u16(), 401);
    }
}

async fn a_token_naming_a_trust_that_does_not_exist_is_unauthenticated(app: TestApp) {
    app.import_schools().await;
    for trust in ["2516", "9999", "２５１６", "2516 "] {
        let token = app.leader(trust);
        let expected = match trust {
            "2516" => 200,
            _ => 401,
        };
        assert_eq!(
            app.post(&token, VIEWER, json!({})).await.0,
            expected,
            "{trust}"
        );
    }
    let (status, body) = app.post(&app.leader("9999"), VIEWER, json!({})).await;
    assert_eq!((status, body), (401, unauthenticated()));
}

async fn an_audience_may_come_as_a_list(app: TestApp) {
    app.create_trust("2516").await;
    let listed = claims(|c| c["aud"] = json!(["elsewhere", "learning-walks-api"]));
    let (status, body) = app.post(&signed(SECRET, &listed), VIEWER, json!({})).await;
    assert_eq!(status, 200, "{body}");
    let without = claims(|c| c["aud"] = json!(["elsewhere", "nowhere"]));
    let (status, body) = app.post(&signed(SECRET, &without), VIEWER, json!({})).await;
    assert_eq!((status, body), (401, unauthenticated()));
}

on_both_stores!(
    a_token_naming_a_trust_that_does_not_exist_is_unauthenticated,
    an_audience_may_come_as_a_list,
    a_token_naming_another_trusts_school_is_unauthenticated,
    requests_without_a_valid_token_are_unauthenticated,
    the_viewer_is_who_the_token_says,
    an_analyst_reads_but_cannot_write,
    health_needs_no_token_and_mutations_need_post,
);

/// A scope found to hold is kept for `--scope-check-seconds` (1 here): a
/// school moved to another trust is still served within that second, and
/// refused after it.
async fn a_held_scope_is_checked_again_once_its_seconds_pass(app: TestApp) {
    app.import_schools().await;
    let token = app.token("2516", &[Role::SchoolLeader], Some(vec![137106]));
    let (status, _) = app.post(&token, VIEWER, json!({})).await;
    assert_eq!(status, 200);
    let moved = "UPDATE schools SET trust_id = '3111' WHERE urn = 137106";
    app.db().execute_unprepared(moved).await.expect("moved");
    let (status, _) = app.post(&token, VIEWER, json!({})).await;
    assert_eq!(status, 200, "within the second");
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    let (status, body) = app.post(&token, VIEWER, json!({})).await;
    assert_eq!((status, body), (401, unauthenticated()));
    // A refused scope is not kept: the next request is checked, and refused.
    let other = app.token("2516", &[Role::SchoolLeader], Some(vec![137106]));
    assert_eq!(app.post(&other, VIEWER, json!({})).await.0, 401);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_held_scope_is_checked_again_on_sqlite() {
    let test = a_held_scope_is_checked_again_once_its_seconds_pass;
    crate::helpers::run_with(crate::helpers::Store::Sqlite, &HELD_ONE_SECOND, test).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_held_scope_is_checked_again_on_postgres() {
    let test = a_held_scope_is_checked_again_once_its_seconds_pass;
    crate::helpers::run_with(crate::helpers::Store::Postgres, &HELD_ONE_SECOND, test).await;
}

const HELD_ONE_SECOND: [&str; 2] = ["--scope-check-seconds", "1"];
