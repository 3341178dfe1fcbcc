//! Observers and agreed actions by the partner's own ids: created, changed
//! and replayed; actions only on a debriefed walk.

use api::auth::Role;
use serde_json::json;

use super::{UPSERT_ACTION, UPSERT_OBSERVER, with};
use crate::helpers::TestApp;
use crate::on_both_stores;
use crate::user_errors::{refusal, user_error};
use crate::walks::{add_visit, rate, submit, walk_input};

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
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{body}"
    );

    let walk =
        crate::walks::create_walk(&app, &token, walk_input(137106, &protocol, "2025-10-07")).await;
    let action = json!({ "externalId": "act-1", "walkId": walk, "description": "Share the starter bank",
        "ownerRole": "CURRICULUM_LEAD", "dueOn": "2025-12-01" });
    let body = app
        .graphql(&token, UPSERT_ACTION, json!({ "input": action }))
        .await;
    let message = "actions are agreed in a debrief; the walk is PLANNED";
    assert_eq!(
        refusal(&body, "upsertAction"),
        user_error("BAD_USER_INPUT", Some("walkId"), message)
    );
    let visit = add_visit(&app, &token, &walk, "English", 7).await;
    rate(&app, &token, &walk, &visit, None, &[("RL1", Some(3))]).await;
    submit(&app, &token, &walk).await;
    let debrief = json!({ "input": { "walkId": walk, "heldOn": "2025-10-08",
        "participants": ["HEAD"], "strengths": "Calm starts.", "reflections": "Questioning varied.",
        "actions": [] } });
    let record = "mutation($input: RecordDebriefInput!) { recordDebrief(input: $input) {
      walk { status } userErrors { code } } }";
    app.data(&token, record, debrief).await;
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
        json!({ "created": false, "action": first["upsertAction"]["action"], "userErrors": [] })
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

on_both_stores!(observer_and_action_upserts_create_change_and_replay);
