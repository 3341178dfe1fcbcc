//! Relay's conventions: `node` and `nodes` resolve every global id the
//! caller may see, another trust's ids and schools outside the scope read as
//! null like ids never issued, and mutations echo `clientMutationId`.

use api::auth::Role;
use api::graphql::ids;
use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::on_both_stores;
use crate::walks::{add_visit, create_walk, rate, submit, walk_input};

const NODES: &str = "query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }";

/// Global ids of trust 2516's records, one of each kind, at school 137106.
async fn records(app: &TestApp) -> Vec<String> {
    app.import_schools().await;
    let protocol = app.import_core_protocol("2516").await;
    app.import_core_protocol("3111").await;
    let token = app.leader("2516");
    let walk = create_walk(app, &token, walk_input(137106, &protocol, "2025-10-07")).await;
    let visit = add_visit(app, &token, &walk, "English", 7).await;
    rate(app, &token, &walk, &visit, None, &[("RL1", Some(3))]).await;
    submit(app, &token, &walk).await;
    let debrief = "mutation($w: ID!) { recordDebrief(input: { walkId: $w, heldOn: \"2025-10-08\",
      participants: [HEAD], strengths: \"Calm starts.\", reflections: \"Questioning varied.\",
      actions: [] }) { debrief { id } userErrors { code } } }";
    let debriefed = app.data(&token, debrief, json!({ "w": walk })).await;
    let note = "mutation { recordSchoolContext(input: { schoolUrn: 137106,
      writtenOn: \"2025-09-01\", note: \"A new head joined in September.\" }) {
      context { id } userErrors { code } } }";
    let noted = app.data(&token, note, json!({})).await;
    let query = "query($w: ID!) { walk(id: $w) { observers { observer { id } }
      protocol { focusAreas { id indicators { id } } }
      visits(first: 1) { nodes { ratings(first: 1) { nodes { id } } } } } }";
    let data = app.data(&token, query, json!({ "w": walk })).await;
    let text = |v: &Value| v.as_str().unwrap().to_owned();
    let area = &data["walk"]["protocol"]["focusAreas"][0];
    let rating = &data["walk"]["visits"]["nodes"][0]["ratings"]["nodes"][0]["id"];
    vec![
        ids::encode(ids::TRUST, "2516").0,
        ids::encode(ids::SCHOOL, 137106).0,
        protocol,
        text(&area["id"]),
        text(&area["indicators"][0]["id"]),
        text(&data["walk"]["observers"][0]["observer"]["id"]),
        walk,
        visit,
        text(rating),
        text(&noted["recordSchoolContext"]["context"]["id"]),
        text(&debriefed["recordDebrief"]["debrief"]["id"]),
    ]
}

const KINDS: [&str; 11] = [
    "Trust",
    "School",
    "Protocol",
    "FocusArea",
    "Indicator",
    "Observer",
    "Walk",
    "Visit",
    "Rating",
    "SchoolContext",
    "Debrief",
];

async fn every_id_the_caller_may_see_resolves_to_its_record(app: TestApp) {
    let ids = records(&app).await;
    let data = app
        .data(&app.leader("2516"), NODES, json!({ "ids": ids }))
        .await;
    let expected: Vec<Value> = (KINDS.iter().zip(&ids))
        .map(|(kind, id)| json!({ "__typename": kind, "id": id }))
        .collect();
    assert_eq!(data["nodes"], json!(expected));

    let one = "query($id: ID!) { node(id: $id) { id ... on Walk { date } } }";
    let data = app
        .data(&app.leader("2516"), one, json!({ "id": ids[6] }))
        .await;
    assert_eq!(data["node"], json!({ "id": ids[6], "date": "2025-10-07" }));

    let too_many: Vec<&String> = ids.iter().cycle().take(101).collect();
    let body = app
        .graphql(&app.leader("2516"), NODES, json!({ "ids": too_many }))
        .await;
    assert_eq!(
        body["errors"][0]["extensions"],
        json!({ "code": "BAD_USER_INPUT", "field": "ids" })
    );
}

/// The same kinds with keys never issued.
fn never_issued() -> Vec<String> {
    let fresh = |kind: &str| ids::encode(kind, uuid::Uuid::new_v4()).0;
    vec![
        ids::encode(ids::TRUST, "999999").0,
        ids::encode(ids::SCHOOL, 999999).0,
        fresh(ids::PROTOCOL),
        fresh(ids::FOCUS_AREA),
        fresh(ids::INDICATOR),
        fresh(ids::OBSERVER),
        fresh(ids::WALK),
        fresh(ids::VISIT),
        fresh(ids::ACTION),
        fresh(ids::HIGHLIGHT),
        fresh(ids::DEBRIEF),
        ids::encode(ids::SCHOOL_CONTEXT, "999999.1").0,
        ids::encode(ids::SCHOOL_CONTEXT, "137106.9").0,
        ids::encode(ids::RATING, format!("{0}.{0}.{0}", uuid::Uuid::new_v4())).0,
        "not-an-id".to_owned(),
    ]
}

async fn another_trust_reads_every_id_as_never_issued(app: TestApp) {
    let ids = records(&app).await;
    let other = app.leader("3111");
    let theirs = app.graphql(&other, NODES, json!({ "ids": ids })).await;
    assert_eq!(
        theirs,
        json!({ "data": { "nodes": vec![Value::Null; ids.len()] } })
    );
    let made_up = app
        .graphql(&other, NODES, json!({ "ids": never_issued() }))
        .await;
    assert_eq!(made_up["data"]["nodes"], json!(vec![Value::Null; 15]));

    // Lookups by the public identifiers partners hold: a trust by its GIAS
    // group UID, a school by URN.
    let query = "query($uid: String!, $urn: Int!) {
      trust(uid: $uid) { uid } school(urn: $urn) { urn } }";
    let own = app
        .data(&other, query, json!({ "uid": "3111", "urn": 142070 }))
        .await;
    assert_eq!(
        own,
        json!({ "trust": { "uid": "3111" }, "school": { "urn": 142070 } })
    );
    let theirs = app
        .data(&other, query, json!({ "uid": "2516", "urn": 137106 }))
        .await;
    let none = app
        .data(&other, query, json!({ "uid": "999999", "urn": 999999 }))
        .await;
    assert_eq!(theirs, json!({ "trust": null, "school": null }));
    assert_eq!(theirs, none);
}

async fn a_school_scoped_token_reads_other_schools_records_as_never_issued(app: TestApp) {
    let ids = records(&app).await;
    let token = app.token("2516", &[Role::SchoolLeader], Some(vec![138655]));
    let data = app.data(&token, NODES, json!({ "ids": ids })).await;
    // The trust, its protocol and observers are the whole trust's; the
    // school, walk, visit, rating, context note and debrief belong to
    // 137106.
    let seen: Vec<bool> = (data["nodes"].as_array().unwrap().iter())
        .map(|n| !n.is_null())
        .collect();
    let theirs = [false; 5];
    assert_eq!(seen[..6], [true, false, true, true, true, true]);
    assert_eq!(seen[6..], theirs);
}

async fn mutations_echo_the_client_mutation_id(app: TestApp) {
    app.import_schools().await;
    let protocol = app.import_core_protocol("2516").await;
    let token = app.leader("2516");
    let mut input = crate::walks::walk_input(137106, &protocol, "2025-10-07");
    input["clientMutationId"] = json!("outbox-41");
    let create = "mutation($input: CreateWalkInput!) {
      createWalk(input: $input) { clientMutationId walk { id } userErrors { code } } }";
    let data = app.data(&token, create, json!({ "input": input })).await;
    assert_eq!(data["createWalk"]["clientMutationId"], "outbox-41");

    let walk = data["createWalk"]["walk"]["id"].clone();
    let visit = json!({ "walkId": walk, "subject": "Art", "minutes": 10 });
    let add = "mutation($input: AddVisitInput!) {
      addVisit(input: $input) { clientMutationId userErrors { code } } }";
    let data = app.data(&token, add, json!({ "input": visit })).await;
    assert_eq!(data["addVisit"]["clientMutationId"], Value::Null);
}

on_both_stores!(
    every_id_the_caller_may_see_resolves_to_its_record,
    mutations_echo_the_client_mutation_id,
    another_trust_reads_every_id_as_never_issued,
    a_school_scoped_token_reads_other_schools_records_as_never_issued,
);
