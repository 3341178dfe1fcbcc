//! The rest of a walk's life: debrief, actions, close, cancel.

use api::auth::Role;
use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::on_both_stores;
use crate::user_errors::{refusal, user_error};
use crate::walks::{ADD_VISIT, add_visit, create_walk, rate, submit, walk_input};

const DEBRIEF: &str = "mutation($input: RecordDebriefInput!) { recordDebrief(input: $input) {
  walk { status } debrief { heldOn participants strengths reflections }
  actions { id description ownerRole dueOn status schoolUrn } warnings { text }
  userErrors { field code message } } }";

const CLOSE: &str = "mutation($id: ID!) { closeWalk(input: { walkId: $id }) {
  walk { status } userErrors { field code message } } }";

const CANCEL: &str = "mutation($id: ID!) {
  cancelWalk(input: { walkId: $id, reason: \"School closed for snow\" }) {
    walk { status } userErrors { field code message } } }";

const ACTIONS: &str = "query($urn: Int, $on: Date) {
  actions(first: 10, schoolUrn: $urn, overdueOn: $on) { nodes { description status dueOn } } }";

const UPDATE: &str = "mutation($id: ID!) {
  updateAction(input: { actionId: $id, status: DONE }) {
    action { status } userErrors { field code message } } }";

fn debrief_input(walk: &str, held_on: &str) -> Value {
    json!({ "input": {
        "walkId": walk, "heldOn": held_on,
        "participants": ["HEAD", "CURRICULUM_LEAD", "OBSERVER"],
        "strengths": "Retrieval starts were seen in every room.",
        "reflections": "Vocabulary use varied between key stages.",
        "actions": [
            { "description": "Share the retrieval starter bank", "ownerRole": "CURRICULUM_LEAD",
              "dueOn": "2025-11-01" },
            { "description": "Plan vocabulary lists for KS3", "ownerRole": "SUBJECT_LEAD",
              "dueOn": "2026-01-15" },
        ],
    } })
}

/// A submitted walk of trust 2516 at 137106 with one rated visit.
async fn submitted_walk(app: &TestApp) -> (String, String) {
    app.import_schools().await;
    let protocol = app.import_core_protocol("2516").await;
    let token = app.leader("2516");
    let walk = create_walk(app, &token, walk_input(137106, &protocol, "2025-10-07")).await;
    let visit = add_visit(app, &token, &walk, "English", 7).await;
    rate(app, &token, &walk, &visit, None, &[("RL1", Some(3))]).await;
    submit(app, &token, &walk).await;
    (walk, protocol)
}

async fn a_debriefed_and_closed_walk_keeps_its_figures_and_trail(app: TestApp) {
    let (walk, protocol) = submitted_walk(&app).await;
    let token = app.leader("2516");
    let data = app
        .data(&token, DEBRIEF, debrief_input(&walk, "2025-10-08"))
        .await;
    let done = &data["recordDebrief"];
    assert_eq!(done["walk"]["status"], "DEBRIEFED");
    assert_eq!(
        done["debrief"],
        json!({ "heldOn": "2025-10-08",
        "participants": ["HEAD", "CURRICULUM_LEAD", "OBSERVER"],
        "strengths": "Retrieval starts were seen in every room.",
        "reflections": "Vocabulary use varied between key stages." })
    );
    let statuses: Vec<&Value> = done["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| &a["status"])
        .collect();
    assert_eq!(statuses, [&json!("OPEN"), &json!("OPEN")]);
    assert_eq!(done["actions"][0]["schoolUrn"], 137106);
    assert_eq!(done["warnings"], json!([]));

    let closed = app.data(&token, CLOSE, json!({ "id": walk })).await;
    assert_eq!(closed["closeWalk"]["walk"]["status"], "CLOSED");
    let figures = "query($p: ID!) { variation(filter: { protocolId: $p }) { trust { n visits } } }";
    let data = app.data(&token, figures, json!({ "p": protocol })).await;
    assert_eq!(data["variation"]["trust"], json!({ "n": 1, "visits": 1 }));

    let read = "query($id: ID!) { walk(id: $id) { debrief { heldOn } actions(first: 10) { nodes { dueOn } }
      auditTrail(first: 100) { nodes { action } } } }";
    let data = app.data(&token, read, json!({ "id": walk })).await;
    assert_eq!(data["walk"]["debrief"], json!({ "heldOn": "2025-10-08" }));
    assert_eq!(
        data["walk"]["actions"]["nodes"],
        json!([{ "dueOn": "2025-11-01" }, { "dueOn": "2026-01-15" }])
    );
    let actions: Vec<&Value> = data["walk"]["auditTrail"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["action"])
        .collect();
    assert_eq!(
        actions[actions.len() - 2..],
        [&json!("walk.debriefed"), &json!("walk.closed")]
    );
}

async fn illegal_transitions_name_the_current_state_and_change_nothing(app: TestApp) {
    let (submitted, protocol) = submitted_walk(&app).await;
    let token = app.leader("2516");
    let planned = create_walk(&app, &token, walk_input(137106, &protocol, "2025-10-09")).await;
    let bad = |message: &str, field: &str| user_error("BAD_USER_INPUT", Some(field), message);

    let body = app
        .graphql(&token, DEBRIEF, debrief_input(&planned, "2025-10-10"))
        .await;
    assert_eq!(
        refusal(&body, "recordDebrief"),
        bad(
            "the walk is PLANNED; only a SUBMITTED walk can become DEBRIEFED",
            "walkId"
        )
    );
    let body = app.graphql(&token, CLOSE, json!({ "id": submitted })).await;
    assert_eq!(
        refusal(&body, "closeWalk"),
        bad(
            "the walk is SUBMITTED; only a DEBRIEFED walk can become CLOSED",
            "walkId"
        )
    );
    let body = app
        .graphql(&token, CANCEL, json!({ "id": submitted }))
        .await;
    let expected = "the walk is SUBMITTED; only a PLANNED or IN_PROGRESS walk can become CANCELLED";
    assert_eq!(refusal(&body, "cancelWalk"), bad(expected, "walkId"));
    let body = app
        .graphql(&token, DEBRIEF, debrief_input(&submitted, "2025-10-06"))
        .await;
    assert_eq!(
        refusal(&body, "recordDebrief"),
        bad("a debrief is held on or after the walk", "heldOn")
    );

    let status = "query($id: ID!) { walk(id: $id) { status debrief { heldOn } actions(last: 5) { nodes { dueOn } } } }";
    let data = app.data(&token, status, json!({ "id": submitted })).await;
    assert_eq!(
        data["walk"],
        json!({ "status": "SUBMITTED", "debrief": null, "actions": { "nodes": [] } })
    );

    let data = app.data(&token, CANCEL, json!({ "id": planned })).await;
    assert_eq!(data["cancelWalk"]["walk"]["status"], "CANCELLED");
    let visit = json!({ "input": { "walkId": planned, "subject": "Art", "minutes": 10 } });
    let body = app.graphql(&token, ADD_VISIT, visit).await;
    assert_eq!(
        refusal(&body, "addVisit"),
        bad(
            "the walk is CANCELLED; its visits and ratings are locked",
            "walkId"
        )
    );
}

async fn overdue_actions_are_listed_per_school_and_trust_within_scope(app: TestApp) {
    let (walk, _) = submitted_walk(&app).await;
    let token = app.leader("2516");
    let data = app
        .data(&token, DEBRIEF, debrief_input(&walk, "2025-10-08"))
        .await;
    let first = data["recordDebrief"]["actions"][0]["id"].clone();

    let overdue = json!({ "on": "2025-12-01" });
    let data = app.data(&token, ACTIONS, overdue.clone()).await;
    let expected = json!([{ "description": "Share the retrieval starter bank", "status": "OPEN",
                            "dueOn": "2025-11-01" }]);
    assert_eq!(data["actions"]["nodes"], expected);
    let per_school = app
        .data(
            &token,
            ACTIONS,
            json!({ "urn": 137106, "on": "2025-12-01" }),
        )
        .await;
    assert_eq!(per_school["actions"]["nodes"], expected);

    let elsewhere = app.token("2516", &[Role::SchoolLeader], Some(vec![138655]));
    assert_eq!(
        app.data(&elsewhere, ACTIONS, overdue.clone()).await["actions"]["nodes"],
        json!([])
    );
    let body = app
        .graphql(&elsewhere, UPDATE, json!({ "id": first }))
        .await;
    assert_eq!(
        refusal(&body, "updateAction"),
        user_error("NOT_FOUND", None, "No action with this id")
    );
    let other_trust = app.leader("3111");
    assert_eq!(
        app.data(&other_trust, ACTIONS, json!({})).await["actions"]["nodes"],
        json!([])
    );

    let own = app.token("2516", &[Role::SchoolLeader], Some(vec![137106]));
    let done = app.data(&own, UPDATE, json!({ "id": first })).await;
    assert_eq!(done["updateAction"]["action"]["status"], "DONE");
    assert_eq!(
        app.data(&token, ACTIONS, overdue).await["actions"]["nodes"],
        json!([])
    );
}

/// A lifecycle mutation and how to ask it of a walk.
type Move = (&'static str, fn(&str) -> Value);

/// Every move from every state: only the lifecycle's own edges succeed.
async fn every_move_from_every_state_follows_the_lifecycle(app: TestApp) {
    app.import_schools().await;
    let protocol = app.import_core_protocol("2516").await;
    let token = app.leader("2516");
    let submit_q = "mutation($id: ID!) { submitWalk(input: { walkId: $id }) {
      walk { status } userErrors { code } } }";
    let moves: [Move; 4] = [
        (submit_q, |w| json!({ "id": w })),
        (DEBRIEF, |w| debrief_input(w, "2025-12-31")),
        (CLOSE, |w| json!({ "id": w })),
        (CANCEL, |w| json!({ "id": w })),
    ];
    // Walks brought to each state; which moves each allows.
    let states = [
        "PLANNED",
        "IN_PROGRESS",
        "SUBMITTED",
        "DEBRIEFED",
        "CLOSED",
        "CANCELLED",
    ];
    let allowed = [
        [false, false, false, true],
        [true, false, false, true],
        [false, true, false, false],
        [false, false, true, false],
        [false, false, false, false],
        [false, false, false, false],
    ];
    for (day, (state, allowed)) in (1..).zip(states.iter().zip(allowed)) {
        for (m, (query, vars)) in moves.iter().enumerate() {
            let walk = create_walk(
                &app,
                &token,
                walk_input(137106, &protocol, &format!("2025-10-{day:02}")),
            )
            .await;
            let steps: &[usize] = match *state {
                "PLANNED" => &[],
                "IN_PROGRESS" => &[9],
                "SUBMITTED" => &[9, 0],
                "DEBRIEFED" => &[9, 0, 1],
                "CLOSED" => &[9, 0, 1, 2],
                _ => &[3],
            };
            for step in steps {
                if *step == 9 {
                    add_visit(&app, &token, &walk, "English", 7).await;
                } else {
                    let (q, v) = &moves[*step];
                    app.data(&token, q, v(&walk)).await;
                }
            }
            let body = app.graphql(&token, query, vars(&walk)).await;
            assert!(body.get("errors").is_none(), "{body}");
            let payload = body["data"].as_object().unwrap().values().next().unwrap();
            let ok = payload["userErrors"] == json!([]);
            assert_eq!(ok, allowed[m], "move {m} from {state}: {body}");
            if !ok {
                assert_eq!(payload["walk"], Value::Null, "{body}");
                assert_eq!(payload["userErrors"][0]["code"], "BAD_USER_INPUT", "{body}");
                let read = "query($id: ID!) { walk(id: $id) { status } }";
                let now = app.data(&token, read, json!({ "id": walk })).await;
                assert_eq!(now["walk"]["status"], *state, "move {m} changed {state}");
            }
        }
    }
}

on_both_stores!(
    every_move_from_every_state_follows_the_lifecycle,
    a_debriefed_and_closed_walk_keeps_its_figures_and_trail,
    illegal_transitions_name_the_current_state_and_change_nothing,
    overdue_actions_are_listed_per_school_and_trust_within_scope,
);
