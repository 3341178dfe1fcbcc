//! Create-or-update by the partner's own ids: a replay changes nothing, a
//! change lands while the record may still change, and ids never cross
//! trusts.

use api::auth::Role;
use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::on_both_stores;
use crate::walks::{add_visit, rate, submit, walk_input};

const UPSERT_WALK: &str = "mutation($input: UpsertWalkInput!) { upsertWalk(input: $input) {
  created clientMutationId walk { id externalId purpose date version status } } }";

const UPSERT_VISIT: &str = "mutation($input: UpsertVisitInput!) { upsertVisit(input: $input) {
  created visit { id externalId subject minutes } walk { version } } }";

const UPSERT_OBSERVER: &str = "mutation($input: UpsertObserverInput!) {
  upsertObserver(input: $input) { created observer { id externalId displayName } } }";

const UPSERT_ACTION: &str = "mutation($input: UpsertActionInput!) {
  upsertAction(input: $input) { created action { id externalId description status dueOn } } }";

const FEED_SIZE: &str = "{ changes(first: 1) { totalCount } }";

async fn feed_size(app: &TestApp, token: &str) -> u64 {
    let data = app.data(token, FEED_SIZE, json!({})).await;
    data["changes"]["totalCount"].as_u64().unwrap()
}

fn with(mut input: Value, extra: Value) -> Value {
    for (key, value) in extra.as_object().unwrap() {
        input[key] = value.clone();
    }
    input
}

fn code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or("none")
}

async fn a_walk_upsert_creates_then_replays_then_replans_while_planned(app: TestApp) {
    app.import_schools().await;
    let protocol = app.import_core_protocol("2516").await;
    let token = app.leader("2516");
    let input = with(
        walk_input(137106, &protocol, "2025-10-07"),
        json!({ "externalId": "mis-walk-1", "clientMutationId": "a" }),
    );
    let first = app
        .data(&token, UPSERT_WALK, json!({ "input": input }))
        .await;
    let walk = first["upsertWalk"]["walk"].clone();
    assert_eq!(first["upsertWalk"]["created"], true);
    assert_eq!(first["upsertWalk"]["clientMutationId"], "a");
    assert_eq!(walk["externalId"], "mis-walk-1");
    assert_eq!(walk["version"], 1);

    // The same input again: the same walk, no write, no feed entry.
    let size = feed_size(&app, &token).await;
    let again = app
        .data(&token, UPSERT_WALK, json!({ "input": input }))
        .await;
    assert_eq!(again["upsertWalk"]["created"], false);
    assert_eq!(again["upsertWalk"]["walk"], walk);
    assert_eq!(feed_size(&app, &token).await, size);

    // A new plan while planned replaces the old one.
    let changed = with(
        input.clone(),
        json!({ "purpose": "Look at questioning", "date": "2025-10-09" }),
    );
    let data = app
        .data(&token, UPSERT_WALK, json!({ "input": changed }))
        .await;
    let now = &data["upsertWalk"]["walk"];
    assert_eq!(
        (now["id"].clone(), now["version"].clone()),
        (walk["id"].clone(), json!(2))
    );
    assert_eq!(
        (now["purpose"].as_str(), now["date"].as_str()),
        (Some("Look at questioning"), Some("2025-10-09"))
    );
    assert_eq!(
        feed_size(&app, &token).await,
        size + 3,
        "the walk and its two observers"
    );

    // Once in progress the plan no longer changes, but a replay succeeds.
    let id = walk["id"].as_str().unwrap();
    add_visit(&app, &token, id, "English", 7).await;
    let late = with(changed.clone(), json!({ "purpose": "Something else" }));
    let body = app
        .graphql(&token, UPSERT_WALK, json!({ "input": late }))
        .await;
    assert_eq!(code(&body), "CONFLICT", "{body}");
    let body = app
        .graphql(&token, UPSERT_WALK, json!({ "input": changed }))
        .await;
    assert_eq!(
        body["data"]["upsertWalk"]["walk"]["status"], "IN_PROGRESS",
        "{body}"
    );

    // The id never moves the walk to another school.
    let moved = with(changed, json!({ "schoolUrn": 138655 }));
    let body = app
        .graphql(&token, UPSERT_WALK, json!({ "input": moved }))
        .await;
    assert_eq!(code(&body), "CONFLICT", "{body}");
    let blank = with(input, json!({ "externalId": " " }));
    let body = app
        .graphql(&token, UPSERT_WALK, json!({ "input": blank }))
        .await;
    assert_eq!(
        (code(&body), &body["errors"][0]["extensions"]["field"]),
        ("BAD_USER_INPUT", &json!("externalId"))
    );
}

async fn a_visit_upsert_changes_an_open_walk_and_refuses_a_submitted_one(app: TestApp) {
    app.import_schools().await;
    let protocol = app.import_core_protocol("2516").await;
    let token = app.leader("2516");
    let input = with(
        walk_input(137106, &protocol, "2025-10-07"),
        json!({ "externalId": "w" }),
    );
    let data = app
        .data(&token, UPSERT_WALK, json!({ "input": input }))
        .await;
    let walk = data["upsertWalk"]["walk"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let visit = json!({ "externalId": "v1", "walkId": walk, "subject": "Maths", "minutes": 15 });
    let first = app
        .data(&token, UPSERT_VISIT, json!({ "input": visit }))
        .await;
    assert_eq!(first["upsertVisit"]["created"], true);
    let again = app
        .data(&token, UPSERT_VISIT, json!({ "input": visit }))
        .await;
    assert_eq!(again["upsertVisit"]["created"], false);
    assert_eq!(again["upsertVisit"]["visit"], first["upsertVisit"]["visit"]);
    assert_eq!(again["upsertVisit"]["walk"], first["upsertVisit"]["walk"]);

    let longer = with(visit.clone(), json!({ "minutes": 20 }));
    let data = app
        .data(&token, UPSERT_VISIT, json!({ "input": longer }))
        .await;
    assert_eq!(data["upsertVisit"]["visit"]["minutes"], 20);
    assert_eq!(
        data["upsertVisit"]["visit"]["id"],
        first["upsertVisit"]["visit"]["id"]
    );

    let visit_id = data["upsertVisit"]["visit"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    rate(&app, &token, &walk, &visit_id, None, &[("RL1", Some(3))]).await;
    submit(&app, &token, &walk).await;
    let body = app
        .graphql(&token, UPSERT_VISIT, json!({ "input": visit }))
        .await;
    assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");
    let replay = app
        .data(&token, UPSERT_VISIT, json!({ "input": longer }))
        .await;
    assert_eq!(replay["upsertVisit"]["created"], false);
}

async fn observer_and_action_upserts_create_change_and_replay(app: TestApp) {
    app.import_schools().await;
    let protocol = app.import_core_protocol("2516").await;
    let token = app.leader("2516");
    let person = json!({ "externalId": "staff-42", "displayName": "A. Person" });
    let first = app
        .data(&token, UPSERT_OBSERVER, json!({ "input": person }))
        .await;
    assert_eq!(first["upsertObserver"]["created"], true);
    assert_eq!(
        first["upsertObserver"]["observer"]["externalId"],
        "staff-42"
    );
    let renamed = with(person.clone(), json!({ "displayName": "A. N. Person" }));
    let data = app
        .data(&token, UPSERT_OBSERVER, json!({ "input": renamed }))
        .await;
    assert_eq!(data["upsertObserver"]["created"], false);
    assert_eq!(
        data["upsertObserver"]["observer"]["displayName"],
        "A. N. Person"
    );
    assert_eq!(
        data["upsertObserver"]["observer"]["id"],
        first["upsertObserver"]["observer"]["id"]
    );
    let observer = app.token("2516", &[Role::Observer], None);
    let body = app
        .graphql(&observer, UPSERT_OBSERVER, json!({ "input": person }))
        .await;
    assert_eq!(code(&body), "FORBIDDEN", "{body}");

    let walk =
        crate::walks::create_walk(&app, &token, walk_input(137106, &protocol, "2025-10-07")).await;
    let action = json!({ "externalId": "act-1", "walkId": walk, "description": "Share the starter bank",
        "ownerRole": "CURRICULUM_LEAD", "dueOn": "2025-12-01" });
    let body = app
        .graphql(&token, UPSERT_ACTION, json!({ "input": action }))
        .await;
    assert_eq!(
        body["errors"][0]["extensions"]["field"], "walkId",
        "not debriefed yet: {body}"
    );
    let visit = add_visit(&app, &token, &walk, "English", 7).await;
    rate(&app, &token, &walk, &visit, None, &[("RL1", Some(3))]).await;
    submit(&app, &token, &walk).await;
    let debrief = json!({ "input": { "walkId": walk, "heldOn": "2025-10-08",
        "participants": ["HEAD"], "strengths": "Calm starts.", "reflections": "Questioning varied.",
        "actions": [] } });
    app.data(&token, "mutation($input: RecordDebriefInput!) { recordDebrief(input: $input) { walk { status } } }", debrief).await;
    let first = app
        .data(&token, UPSERT_ACTION, json!({ "input": action }))
        .await;
    assert_eq!(first["upsertAction"]["created"], true);
    assert_eq!(first["upsertAction"]["action"]["status"], "OPEN");
    let again = app
        .data(&token, UPSERT_ACTION, json!({ "input": action }))
        .await;
    assert_eq!(
        again["upsertAction"],
        json!({ "created": false, "action": first["upsertAction"]["action"] })
    );
    let done = with(action, json!({ "status": "DONE" }));
    let data = app
        .data(&token, UPSERT_ACTION, json!({ "input": done }))
        .await;
    assert_eq!(data["upsertAction"]["action"]["status"], "DONE");
    assert_eq!(
        data["upsertAction"]["action"]["id"],
        first["upsertAction"]["action"]["id"]
    );
}

async fn external_ids_belong_to_one_trust(app: TestApp) {
    app.import_schools().await;
    let ours = app.import_core_protocol("2516").await;
    let theirs = app.import_core_protocol("3111").await;
    let (a, b) = (app.leader("2516"), app.leader("3111"));
    let input = with(
        walk_input(137106, &ours, "2025-10-07"),
        json!({ "externalId": "same" }),
    );
    let mine = app.data(&a, UPSERT_WALK, json!({ "input": input })).await;
    let mine = mine["upsertWalk"]["walk"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // Trust 3111 may use the same external id for its own walk.
    let their_school = 142070;
    let input = with(
        walk_input(their_school, &theirs, "2025-10-07"),
        json!({ "externalId": "same" }),
    );
    let data = app.data(&b, UPSERT_WALK, json!({ "input": input })).await;
    assert_eq!(data["upsertWalk"]["created"], true);
    assert_ne!(data["upsertWalk"]["walk"]["id"], mine.as_str());
    // Nor can it reach trust 2516's walk through a visit or an action.
    let visit = json!({ "externalId": "v", "walkId": mine, "subject": "Maths", "minutes": 15 });
    let body = app
        .graphql(&b, UPSERT_VISIT, json!({ "input": visit }))
        .await;
    assert_eq!(code(&body), "NOT_FOUND", "{body}");
    let action = json!({ "externalId": "x", "walkId": mine, "description": "Plan",
        "ownerRole": "HEAD", "dueOn": "2025-12-01" });
    let body = app
        .graphql(&b, UPSERT_ACTION, json!({ "input": action }))
        .await;
    assert_eq!(code(&body), "NOT_FOUND", "{body}");
    let data = app
        .data(
            &a,
            "query($id: ID!) { walk(id: $id) { version } }",
            json!({ "id": mine }),
        )
        .await;
    assert_eq!(data["walk"]["version"], 1, "trust 2516's walk is untouched");
}

on_both_stores!(
    a_walk_upsert_creates_then_replays_then_replans_while_planned,
    a_visit_upsert_changes_an_open_walk_and_refuses_a_submitted_one,
    observer_and_action_upserts_create_change_and_replay,
    external_ids_belong_to_one_trust,
);
