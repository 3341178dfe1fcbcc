//! Bad input gets a clear error, and nothing is written: a mutation's
//! user error naming the field, or a top-level error with
//! `extensions.code` for a request that cannot run.

use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::on_both_stores;
use crate::user_errors::{refusal, user_error};
use crate::walks::{CREATE_WALK, RECORD_RATINGS, add_visit, create_walk, walk_input};

const RATINGS_OF_WALK: &str = "query($id: ID!) { walk(id: $id) {
  visits(first: 5) { nodes { ratings(first: 5) { nodes { level } } } } } }";

/// The one top-level error of a response, without its source location.
fn only_error(body: &Value) -> Value {
    let errors = body["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), 1, "{body}");
    assert_eq!(body["data"], Value::Null, "{body}");
    json!({ "message": errors[0]["message"], "extensions": errors[0]["extensions"] })
}

fn bad(field: &str, message: &str) -> Value {
    user_error("BAD_USER_INPUT", Some(field), message)
}

async fn bad_ratings_are_rejected_whole(app: TestApp) {
    app.import_schools().await;
    let protocol = app.import_core_protocol("2516").await;
    let token = app.leader("2516");
    let walk = create_walk(&app, &token, walk_input(137106, &protocol, "2025-10-07")).await;
    let visit = add_visit(&app, &token, &walk, "English", 7).await;
    let other_walk = create_walk(&app, &token, walk_input(137106, &protocol, "2025-10-08")).await;

    let cases = [
        (
            json!({ "walkId": walk, "visitId": visit, "ratings": [
            { "indicatorCode": "RL1", "level": 3 }, { "indicatorCode": "ZZ9", "level": 3 }] }),
            bad(
                "ratings.1.indicatorCode",
                "the walk's protocol has no indicator 'ZZ9'",
            ),
        ),
        (
            json!({ "walkId": walk, "visitId": visit, "ratings": [
            { "indicatorCode": "RL1", "level": 5 }] }),
            bad(
                "ratings.0.level",
                "level 5 is outside the protocol's scale (1–4)",
            ),
        ),
        (
            json!({ "walkId": walk, "visitId": visit, "ratings": [
            { "indicatorCode": "RL1", "outcome": "NOT_OBSERVED", "level": 2 }] }),
            bad("ratings.0.level", "only a LEVEL outcome carries a level"),
        ),
        (
            json!({ "walkId": other_walk, "visitId": visit, "ratings": [
            { "indicatorCode": "RL1", "level": 3 }] }),
            bad("visitId", "the visit belongs to another walk"),
        ),
    ];
    for (input, expected) in cases {
        let body = app
            .graphql(&token, RECORD_RATINGS, json!({ "input": input }))
            .await;
        assert_eq!(refusal(&body, "recordRatings"), expected);
    }
    let stored = app
        .data(&token, RATINGS_OF_WALK, json!({ "id": walk }))
        .await;
    let nodes = &stored["walk"]["visits"]["nodes"];
    assert_eq!(nodes, &json!([{ "ratings": { "nodes": [] } }]));
}

async fn a_malformed_date_is_bad_user_input_and_writes_nothing(app: TestApp) {
    app.import_schools().await;
    let protocol = app.import_core_protocol("2516").await;
    let token = app.leader("2516");
    for date in [
        "2025-13-45",
        "07/10/2025",
        "",
        "26-05-01",
        "+262026-05-01",
        "2026-1-1",
    ] {
        let input = json!({ "input": walk_input(137106, &protocol, date) });
        let body = app.graphql(&token, CREATE_WALK, input).await;
        let error = only_error(&body);
        assert_eq!(error["extensions"], json!({ "code": "BAD_USER_INPUT" }));
        let message = error["message"].as_str().unwrap();
        assert!(
            message.contains(&format!("\"{date}\" is not a YYYY-MM-DD date")),
            "{message}"
        );
    }
    let input = json!({ "input": walk_input(137106, &protocol, "1850-06-01") });
    let body = app.graphql(&token, CREATE_WALK, input).await;
    let message = only_error(&body)["message"].as_str().unwrap().to_owned();
    assert!(
        message.contains("\"1850-06-01\" is outside the years 1900 to 2199"),
        "{message}"
    );
    let walks = app
        .data(&token, "{ walks(first: 1) { totalCount } }", json!({}))
        .await;
    assert_eq!(walks["walks"]["totalCount"], 0);
}

async fn a_walk_needs_exactly_one_lead_and_a_submitted_walk_is_locked(app: TestApp) {
    app.import_schools().await;
    let protocol = app.import_core_protocol("2516").await;
    let token = app.leader("2516");
    let mut input = walk_input(137106, &protocol, "2025-10-07");
    input["observers"][1]["role"] = json!("LEAD");
    let body = app
        .graphql(&token, CREATE_WALK, json!({ "input": input }))
        .await;
    assert_eq!(
        refusal(&body, "createWalk"),
        bad("observers", "a walk has exactly one lead observer; 2 given")
    );

    let walk = create_walk(&app, &token, walk_input(137106, &protocol, "2025-10-07")).await;
    let submit = "mutation($id: ID!) { submitWalk(input: { walkId: $id }) {
      walk { status } userErrors { field code message } } }";
    let body = app.graphql(&token, submit, json!({ "id": walk })).await;
    let expected = "the walk is PLANNED with no visits; add a visit before submitting";
    assert_eq!(refusal(&body, "submitWalk"), bad("walkId", expected));

    let visit = add_visit(&app, &token, &walk, "English", 7).await;
    app.data(&token, submit, json!({ "id": walk })).await;
    let late = json!({ "walkId": walk, "visitId": visit, "ratings": [
        { "indicatorCode": "RL1", "level": 3 }] });
    let body = app
        .graphql(&token, RECORD_RATINGS, json!({ "input": late }))
        .await;
    let expected = "the walk is SUBMITTED; its visits and ratings are locked";
    assert_eq!(refusal(&body, "recordRatings"), bad("walkId", expected));
}

async fn control_characters_and_oversized_lists_are_refused(app: TestApp) {
    app.import_schools().await;
    let protocol = app.import_core_protocol("2516").await;
    let token = app.leader("2516");
    let mut input = walk_input(137106, &protocol, "2025-10-07");
    input["purpose"] = json!("a\u{0}b");
    let body = app
        .graphql(&token, CREATE_WALK, json!({ "input": input }))
        .await;
    assert_eq!(
        refusal(&body, "createWalk"),
        bad("purpose", "control characters are not allowed")
    );

    let mut input = walk_input(137106, &protocol, "2025-10-07");
    let crowd: Vec<Value> = (0..21)
        .map(|i| json!({ "reference": format!("o{i}"), "displayName": "O", "role": "TRAINEE" }))
        .collect();
    input["observers"] = json!(crowd);
    let body = app
        .graphql(&token, CREATE_WALK, json!({ "input": input }))
        .await;
    assert_eq!(
        refusal(&body, "createWalk"),
        bad("observers", "at most 20 entries are allowed")
    );

    let schools = "{ schools(first: 5, phase: \"a\\u0000b\") { nodes { urn } } }";
    let body = app.graphql(&token, schools, json!({})).await;
    let message = "control characters are not allowed";
    let extensions = json!({ "code": "BAD_USER_INPUT", "field": "filter" });
    assert_eq!(
        only_error(&body),
        json!({ "message": message, "extensions": extensions })
    );
}

async fn a_walk_never_renames_an_observer_the_trust_knows(app: TestApp) {
    app.import_schools().await;
    let protocol = app.import_core_protocol("2516").await;
    let school_leader = app.token("2516", &[api::auth::Role::SchoolLeader], Some(vec![138655]));
    let first = create_walk(
        &app,
        &app.leader("2516"),
        walk_input(137106, &protocol, "2025-10-07"),
    )
    .await;
    let mut input = walk_input(138655, &protocol, "2025-10-08");
    input["observers"][0]["displayName"] = json!("Renamed elsewhere");
    create_walk(&app, &school_leader, input).await;
    let query = "query($id: ID!) { walk(id: $id) { observers { observer { displayName } } } }";
    let read = app
        .data(&app.leader("2516"), query, json!({ "id": first }))
        .await;
    assert_eq!(
        read["walk"]["observers"][0]["observer"]["displayName"],
        "Lead Observer"
    );
}

/// PostgreSQL refuses NUL in text, so every filter string is checked
/// first: the same `BAD_USER_INPUT` on both stores, never a 500.
async fn control_characters_in_filters_and_query_strings_are_refused(app: TestApp) {
    app.import_schools().await;
    app.import_core_protocol("2516").await;
    let token = app.leader("2516");
    let variation = "query($f: VariationFilter!) { variation(filter: $f) { trust { n } } }";
    let filter = json!({ "protocolKey": "trust-core", "academicYear": 2025 });
    for (field, value) in [
        ("subjects", json!(["Art\u{0}"])),
        ("focusArea", json!("x\u{0}")),
        ("protocolKey", json!("trust\u{0}core")),
    ] {
        let mut filter = filter.clone();
        filter[field] = value;
        let body = app.graphql(&token, variation, json!({ "f": filter })).await;
        let extensions = json!({ "code": "BAD_USER_INPUT", "field": field });
        let message = "control characters are not allowed";
        assert_eq!(
            only_error(&body),
            json!({ "message": message, "extensions": extensions })
        );
    }
    let url = app.url("/export/variation.csv?protocolKey=trust%00core&academicYear=2025");
    let export = app
        .client()
        .get(url)
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(export.status().as_u16(), 400);
    let url = app.url("/import/ratings?protocolKey=trust%00core");
    let import = (app.client().post(url).bearer_auth(&token))
        .header("content-type", "text/csv")
        .body("walk,school_urn\n")
        .send()
        .await
        .unwrap();
    assert_eq!(import.status().as_u16(), 400);
    let body: Value = import.json().await.unwrap();
    assert_eq!(body["errors"][0]["extensions"]["field"], "protocolKey");
}

on_both_stores!(
    control_characters_in_filters_and_query_strings_are_refused,
    control_characters_and_oversized_lists_are_refused,
    a_walk_never_renames_an_observer_the_trust_knows,
    bad_ratings_are_rejected_whole,
    a_malformed_date_is_bad_user_input_and_writes_nothing,
    a_walk_needs_exactly_one_lead_and_a_submitted_walk_is_locked,
);

/// A subscription, which the schema does not offer, is one validation
/// error, reported once.
async fn a_subscription_is_refused_once(app: TestApp) {
    app.create_trust("2516").await;
    let (status, body) = app
        .post(&app.leader("2516"), "subscription { x }", json!({}))
        .await;
    assert_eq!(status, 200, "{body}");
    let errors = body["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), 1, "{body}");
    assert_eq!(errors[0]["extensions"]["code"], "GRAPHQL_VALIDATION_FAILED");
    assert_eq!(
        errors[0]["message"],
        "Schema is not configured for subscriptions."
    );
}

on_both_stores!(a_subscription_is_refused_once);
