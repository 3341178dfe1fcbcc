//! Recording a walk and reading it back.

use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::on_both_stores;

pub const CREATE_WALK: &str = "mutation($input: CreateWalkInput!) {
  createWalk(input: $input) { walk { id status } userErrors { field code message } } }";

pub const ADD_VISIT: &str = "mutation($input: AddVisitInput!) {
  addVisit(input: $input) { visit { id keyStage } walk { status }
    userErrors { field code message } } }";

pub const RECORD_RATINGS: &str = "mutation($input: RecordRatingsInput!) {
  recordRatings(input: $input) { ratings { indicator { code } outcome level }
    userErrors { field code message } } }";

pub const SUBMIT_WALK: &str = "mutation($input: SubmitWalkInput!) {
  submitWalk(input: $input) { walk { id status submittedAt }
    userErrors { field code message } } }";

pub const READ_WALK: &str = "query($id: ID!) { walk(id: $id) {
  id date purpose status
  school { urn name }
  protocol { key version }
  focusAreas { key lens }
  observers { role observer { reference displayName } }
  visits(first: 10) { nodes { id subject yearGroup keyStage startedAt minutes
    ratings(first: 40) { nodes { indicator { code } observer { reference } outcome level evidence } } } }
} }";

/// A walk's input with a lead and a co-observer.
pub fn walk_input(urn: i32, protocol: &str, date: &str) -> Value {
    json!({
        "schoolUrn": urn, "protocolId": protocol, "date": date,
        "purpose": "See how the shared retrieval routine is landing",
        "observers": [
            { "reference": "obs-lead", "displayName": "Lead Observer", "role": "LEAD" },
            { "reference": "obs-co", "displayName": "Co Observer", "role": "CO_OBSERVER" },
        ],
    })
}

/// Creates a walk and returns its id.
pub async fn create_walk(app: &TestApp, token: &str, input: Value) -> String {
    let data = app
        .data(token, CREATE_WALK, json!({ "input": input }))
        .await;
    data["createWalk"]["walk"]["id"]
        .as_str()
        .expect("walk id")
        .to_owned()
}

/// Adds a visit and returns its id.
pub async fn add_visit(app: &TestApp, token: &str, walk: &str, subject: &str, year: i32) -> String {
    let input = json!({ "walkId": walk, "subject": subject, "yearGroup": year, "minutes": 15 });
    let data = app.data(token, ADD_VISIT, json!({ "input": input })).await;
    data["addVisit"]["visit"]["id"]
        .as_str()
        .expect("visit id")
        .to_owned()
}

/// Records ratings (code, level or null for not observed) for an observer.
pub async fn rate(
    app: &TestApp,
    token: &str,
    walk: &str,
    visit: &str,
    observer: Option<&str>,
    levels: &[(&str, Option<i32>)],
) {
    let ratings: Vec<Value> = levels
        .iter()
        .map(|(code, level)| match level {
            Some(level) => json!({ "indicatorCode": code, "level": level }),
            None => json!({ "indicatorCode": code, "outcome": "NOT_OBSERVED" }),
        })
        .collect();
    let input = json!({
        "walkId": walk, "visitId": visit, "observerReference": observer, "ratings": ratings,
    });
    app.data(token, RECORD_RATINGS, json!({ "input": input }))
        .await;
}

pub async fn submit(app: &TestApp, token: &str, walk: &str) {
    app.data(token, SUBMIT_WALK, json!({ "input": { "walkId": walk } }))
        .await;
}

/// Sorts each visit's ratings by indicator code, then observer.
fn sorted_ratings(mut walk: Value) -> Value {
    for visit in walk["visits"]["nodes"].as_array_mut().into_iter().flatten() {
        if let Some(ratings) = visit["ratings"]["nodes"].as_array_mut() {
            ratings.sort_by_key(|r| {
                (
                    r["indicator"]["code"].to_string(),
                    r["observer"]["reference"].to_string(),
                )
            });
        }
    }
    walk
}

async fn a_trust_leader_records_a_walk_and_reads_it_back_exactly(app: TestApp) {
    app.import_schools().await;
    let protocol = app.import_core_protocol("2516").await;
    let token = app.leader("2516");

    let mut input = walk_input(137106, &protocol, "2025-11-20");
    input["focusAreaKeys"] = json!(["safety-and-routines", "routines-for-learning"]);
    let created = app
        .data(&token, CREATE_WALK, json!({ "input": input }))
        .await;
    assert_eq!(created["createWalk"]["walk"]["status"], "PLANNED");
    let walk = created["createWalk"]["walk"]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let first = json!({ "walkId": walk, "subject": "English", "yearGroup": 3,
        "startedAt": "09:10", "minutes": 15 });
    let added = app.data(&token, ADD_VISIT, json!({ "input": first })).await;
    assert_eq!(added["addVisit"]["visit"]["keyStage"], "KS2");
    assert_eq!(added["addVisit"]["walk"]["status"], "IN_PROGRESS");
    let v1 = added["addVisit"]["visit"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let second = json!({ "walkId": walk, "subject": "Mathematics", "keyStage": "ks4",
        "minutes": 12 });
    let added = app
        .data(&token, ADD_VISIT, json!({ "input": second }))
        .await;
    let v2 = added["addVisit"]["visit"]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let lead = json!({ "walkId": walk, "visitId": v1, "ratings": [
        { "indicatorCode": "RL1", "level": 3, "evidence": "Retrieval quiz on the board" },
        { "indicatorCode": "RL2", "outcome": "NOT_OBSERVED" },
        { "indicatorCode": "SR1", "level": 4 },
    ] });
    let recorded = app
        .data(&token, RECORD_RATINGS, json!({ "input": lead }))
        .await;
    assert_eq!(
        recorded["recordRatings"]["ratings"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    rate(
        &app,
        &token,
        &walk,
        &v1,
        Some("obs-co"),
        &[("RL1", Some(2))],
    )
    .await;
    let lead2 = json!({ "walkId": walk, "visitId": v2, "ratings": [
        { "indicatorCode": "RL1", "level": 1 },
        { "indicatorCode": "SR4", "outcome": "NOT_APPLICABLE" },
    ] });
    app.data(&token, RECORD_RATINGS, json!({ "input": lead2 }))
        .await;

    let submitted = app
        .data(&token, SUBMIT_WALK, json!({ "input": { "walkId": walk } }))
        .await;
    assert_eq!(submitted["submitWalk"]["walk"]["status"], "SUBMITTED");
    assert!(submitted["submitWalk"]["walk"]["submittedAt"].is_string());

    let read = app.data(&token, READ_WALK, json!({ "id": walk })).await;
    let rating = |code: &str, who: &str, outcome: &str, level: Value, evidence: Value| {
        json!({ "indicator": { "code": code }, "observer": { "reference": who },
                "outcome": outcome, "level": level, "evidence": evidence })
    };
    let expected = json!({
        "id": walk, "date": "2025-11-20",
        "purpose": "See how the shared retrieval routine is landing",
        "status": "SUBMITTED",
        "school": { "urn": 137106, "name": "King's Oak Academy" },
        "protocol": { "key": "trust-core", "version": 1 },
        "focusAreas": [
            { "key": "routines-for-learning", "lens": "CONSISTENCY" },
            { "key": "safety-and-routines", "lens": "SAFEGUARDING_ROUTINES" },
        ],
        "observers": [
            { "role": "LEAD", "observer": { "reference": "obs-lead", "displayName": "Lead Observer" } },
            { "role": "CO_OBSERVER", "observer": { "reference": "obs-co", "displayName": "Co Observer" } },
        ],
        "visits": { "nodes": [
            { "id": v1, "subject": "English", "yearGroup": 3, "keyStage": "KS2",
              "startedAt": "09:10", "minutes": 15, "ratings": { "nodes": [
                rating("RL1", "obs-co", "LEVEL", json!(2), Value::Null),
                rating("RL1", "obs-lead", "LEVEL", json!(3), json!("Retrieval quiz on the board")),
                rating("RL2", "obs-lead", "NOT_OBSERVED", Value::Null, Value::Null),
                rating("SR1", "obs-lead", "LEVEL", json!(4), Value::Null),
            ] } },
            { "id": v2, "subject": "Mathematics", "yearGroup": null, "keyStage": "KS4",
              "startedAt": null, "minutes": 12, "ratings": { "nodes": [
                rating("RL1", "obs-lead", "LEVEL", json!(1), Value::Null),
                rating("SR4", "obs-lead", "NOT_APPLICABLE", Value::Null, Value::Null),
            ] } },
        ] },
    });
    assert_eq!(sorted_ratings(read["walk"].clone()), expected);
}

async fn walks_page_newest_first_with_a_total_and_filters(app: TestApp) {
    app.import_schools().await;
    let protocol = app.import_core_protocol("2516").await;
    let token = app.leader("2516");
    let mut ids = Vec::new();
    for (urn, date) in [
        (137106, "2025-10-01"),
        (138655, "2025-11-01"),
        (137106, "2025-12-01"),
    ] {
        ids.push(create_walk(&app, &token, walk_input(urn, &protocol, date)).await);
    }
    let query = "query($first: Int, $after: String, $filter: WalksFilter) {
      walks(first: $first, after: $after, filter: $filter) {
        totalCount pageInfo { hasNextPage endCursor } nodes { id date } } }";

    let page = app.data(&token, query, json!({ "first": 2 })).await;
    assert_eq!(page["walks"]["totalCount"], 3);
    assert_eq!(page["walks"]["pageInfo"]["hasNextPage"], true);
    let dates: Vec<&Value> = page["walks"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| &n["date"])
        .collect();
    assert_eq!(dates, [&json!("2025-12-01"), &json!("2025-11-01")]);

    let cursor = page["walks"]["pageInfo"]["endCursor"].clone();
    let next = app
        .data(&token, query, json!({ "first": 2, "after": cursor }))
        .await;
    assert_eq!(
        next["walks"]["nodes"],
        json!([{ "id": ids[0], "date": "2025-10-01" }])
    );
    assert_eq!(next["walks"]["pageInfo"]["hasNextPage"], false);

    use base64::Engine;
    let forged = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(format!("-4714-01-01|{}", uuid::Uuid::new_v4()));
    let body = app
        .graphql(&token, query, json!({ "first": 2, "after": forged }))
        .await;
    assert_eq!(
        body["errors"][0]["extensions"],
        json!({ "code": "BAD_USER_INPUT", "field": "after" })
    );

    let filter = json!({ "schoolUrn": 137106, "from": "2025-11-15" });
    let filtered = app
        .data(&token, query, json!({ "first": 5, "filter": filter }))
        .await;
    assert_eq!(filtered["walks"]["totalCount"], 1);
    assert_eq!(
        filtered["walks"]["nodes"],
        json!([{ "id": ids[2], "date": "2025-12-01" }])
    );
}

on_both_stores!(
    a_trust_leader_records_a_walk_and_reads_it_back_exactly,
    walks_page_newest_first_with_a_total_and_filters,
);
