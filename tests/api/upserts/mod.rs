//! Create-or-update by the partner's own ids: a replay changes nothing, a
//! change lands while the record may still change, and ids never cross
//! trusts.

use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::on_both_stores;
use crate::user_errors::{refusal, user_error};
use crate::walks::{add_visit, rate, submit, walk_input};

mod actions;

const UPSERT_WALK: &str = "mutation($input: UpsertWalkInput!) { upsertWalk(input: $input) {
  created clientMutationId walk { id externalId purpose date version status }
  userErrors { field code message } } }";

const UPSERT_VISIT: &str = "mutation($input: UpsertVisitInput!) { upsertVisit(input: $input) {
  created visit { id externalId subject minutes } walk { version }
  userErrors { field code message } } }";

pub(super) const UPSERT_OBSERVER: &str = "mutation($input: UpsertObserverInput!) {
  upsertObserver(input: $input) { created observer { id externalId displayName }
    userErrors { field code message } } }";

pub(super) const UPSERT_ACTION: &str = "mutation($input: UpsertActionInput!) {
  upsertAction(input: $input) { created action { id externalId description status dueOn }
    userErrors { field code message } } }";

const FEED_SIZE: &str = "{ changes(first: 1) { totalCount } }";

async fn feed_size(app: &TestApp, token: &str) -> u64 {
    let data = app.data(token, FEED_SIZE, json!({})).await;
    data["changes"]["totalCount"].as_u64().unwrap()
}

pub(super) fn with(mut input: Value, extra: Value) -> Value {
    for (key, value) in extra.as_object().unwrap() {
        input[key] = value.clone();
    }
    input
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
    let message = "the walk is IN_PROGRESS; its plan changes only while PLANNED";
    assert_eq!(
        refusal(&body, "upsertWalk"),
        user_error("CONFLICT", None, message)
    );
    assert_eq!(body["data"]["upsertWalk"]["clientMutationId"], "a");
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
    let message = "this externalId names a walk at another school or on another protocol";
    assert_eq!(
        refusal(&body, "upsertWalk"),
        user_error("CONFLICT", None, message)
    );
    let blank = with(input, json!({ "externalId": " " }));
    let body = app
        .graphql(&token, UPSERT_WALK, json!({ "input": blank }))
        .await;
    let message = "1 to 200 characters are required";
    assert_eq!(
        refusal(&body, "upsertWalk"),
        user_error("BAD_USER_INPUT", Some("externalId"), message)
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
    let message = "the walk is SUBMITTED; its visits and ratings are locked";
    assert_eq!(
        refusal(&body, "upsertVisit"),
        user_error("BAD_USER_INPUT", Some("walkId"), message)
    );
    let replay = app
        .data(&token, UPSERT_VISIT, json!({ "input": longer }))
        .await;
    assert_eq!(replay["upsertVisit"]["created"], false);
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
    let unknown = user_error("NOT_FOUND", None, "No walk with this id");
    assert_eq!(refusal(&body, "upsertVisit"), unknown);
    let action = json!({ "externalId": "x", "walkId": mine, "description": "Plan",
        "ownerRole": "HEAD", "dueOn": "2025-12-01" });
    let body = app
        .graphql(&b, UPSERT_ACTION, json!({ "input": action }))
        .await;
    assert_eq!(refusal(&body, "upsertAction"), unknown);
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
    external_ids_belong_to_one_trust,
);
