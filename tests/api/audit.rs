//! Every write is audited with who, when, and before and after; trust
//! leaders read a walk's trail, and failed writes leave no trace.

use api::auth::Role;
use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::on_both_stores;
use crate::user_errors::{refusal, user_error};
use crate::walks::{RECORD_RATINGS, add_visit, create_walk, rate, submit, walk_input};

const TRAIL: &str = "query($id: ID!) { walk(id: $id) {
  auditTrail(first: 100) { nodes { actor action subjectType before after } } } }";

async fn a_walk_trail_lists_each_change_with_before_and_after(app: TestApp) {
    app.import_schools().await;
    let protocol = app.import_core_protocol("2516").await;
    let token = app.leader("2516");
    let walk = create_walk(&app, &token, walk_input(137106, &protocol, "2025-10-07")).await;
    let visit = add_visit(&app, &token, &walk, "English", 7).await;
    rate(&app, &token, &walk, &visit, None, &[("RL1", Some(3))]).await;
    rate(&app, &token, &walk, &visit, None, &[("RL1", Some(2))]).await;
    let refused = json!({ "input": { "walkId": walk, "visitId": visit,
        "ratings": [{ "indicatorCode": "RL1", "level": 9 }] } });
    let body = app.graphql(&token, RECORD_RATINGS, refused).await;
    let message = "level 9 is outside the protocol's scale (1–4)";
    assert_eq!(
        refusal(&body, "recordRatings"),
        user_error("BAD_USER_INPUT", Some("ratings.0.level"), message)
    );
    submit(&app, &token, &walk).await;

    let data = app.data(&token, TRAIL, json!({ "id": walk })).await;
    let trail = data["walk"]["auditTrail"]["nodes"].as_array().unwrap();
    let actions: Vec<&Value> = trail.iter().map(|e| &e["action"]).collect();
    let expected = [
        "walk.created",
        "visit.added",
        "ratings.recorded",
        "ratings.recorded",
        "walk.submitted",
    ];
    assert_eq!(
        actions,
        expected.map(|a| json!(a)).iter().collect::<Vec<_>>()
    );
    assert!(trail.iter().all(|e| e["actor"] == "tester"));

    assert_eq!(trail[0]["before"], Value::Null);
    assert_eq!(
        trail[0]["after"]["walk"]["purpose"],
        "See how the shared retrieval routine is landing"
    );
    assert_eq!(
        trail[0]["after"]["observers"][0],
        json!({ "reference": "obs-lead",
        "display_name": "Lead Observer", "role": "lead" })
    );
    assert_eq!(trail[1]["after"]["subject"], "English");
    assert_eq!(
        (&trail[2]["before"], &trail[2]["after"][0]["level"]),
        (&json!([]), &json!(3))
    );
    assert_eq!(
        (
            &trail[3]["before"][0]["level"],
            &trail[3]["after"][0]["level"]
        ),
        (&json!(3), &json!(2))
    );
    assert_eq!(trail[4]["before"]["status"], "in_progress");
    assert_eq!(
        (&trail[4]["after"]["status"], &trail[4]["subjectType"]),
        (&json!("submitted"), &json!("Walk"))
    );
}

async fn only_trust_wide_leaders_read_a_trail(app: TestApp) {
    app.import_schools().await;
    let protocol = app.import_core_protocol("2516").await;
    let walk = create_walk(
        &app,
        &app.leader("2516"),
        walk_input(137106, &protocol, "2025-10-07"),
    )
    .await;
    for token in [
        app.token("2516", &[Role::SchoolLeader], Some(vec![137106])),
        app.token("2516", &[Role::Analyst], None),
    ] {
        let body = app.graphql(&token, TRAIL, json!({ "id": walk })).await;
        assert_eq!(
            body["errors"][0]["extensions"],
            json!({ "code": "FORBIDDEN" })
        );
        assert_eq!(body["errors"][0]["path"], json!(["walk", "auditTrail"]));
    }
    let other = app
        .graphql(&app.leader("3111"), TRAIL, json!({ "id": walk }))
        .await;
    assert_eq!(other, json!({ "data": { "walk": null } }));
}

async fn a_settings_change_is_audited_for_the_trust(app: TestApp) {
    use sea_orm::{ConnectionTrait, Statement};
    app.import_schools().await;
    let change = "mutation { updateRecordingSettings(input: { strictNeutralLanguage: true }) {
      trust { uid } userErrors { code } } }";
    app.data(&app.leader("2516"), change, json!({})).await;
    let sql = "SELECT trust_id, actor, action, before, after FROM audit_events";
    let backend = app.db().get_database_backend();
    let rows = app
        .db()
        .query_all_raw(Statement::from_string(backend, sql))
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    let text = |name: &str| rows[0].try_get::<String>("", name).unwrap();
    assert_eq!(
        (text("trust_id"), text("actor"), text("action")),
        (
            "2516".into(),
            "tester".into(),
            "trust.recording_settings_changed".into()
        )
    );
    let before: Value = serde_json::from_str(&text("before")).unwrap();
    let after: Value = serde_json::from_str(&text("after")).unwrap();
    assert_eq!(
        (
            &before["strict_neutral_language"],
            &after["strict_neutral_language"]
        ),
        (&json!(false), &json!(true))
    );
}

const AMEND: &str = "mutation($input: AmendRatingsInput!) { amendRatings(input: $input) {
  ratings { level } userErrors { field code message } } }";

async fn a_submitted_walk_is_corrected_only_by_an_audited_amendment(app: TestApp) {
    app.import_schools().await;
    let protocol = app.import_core_protocol("2516").await;
    let token = app.leader("2516");
    let walk = create_walk(&app, &token, walk_input(137106, &protocol, "2025-10-07")).await;
    let visit = add_visit(&app, &token, &walk, "English", 7).await;
    rate(&app, &token, &walk, &visit, None, &[("RL1", Some(3))]).await;
    let amend = |reason: &str| {
        json!({ "input": { "walkId": walk, "visitId": visit, "reason": reason,
            "ratings": [{ "indicatorCode": "RL1", "level": 2 }] } })
    };
    let early = app.graphql(&token, AMEND, amend("Typo")).await;
    let message = "the walk is IN_PROGRESS; only a SUBMITTED or DEBRIEFED walk is amended";
    assert_eq!(
        refusal(&early, "amendRatings"),
        user_error("BAD_USER_INPUT", Some("walkId"), message)
    );
    submit(&app, &token, &walk).await;

    let observer = app.token_for("obs-lead", "2516", &[Role::Observer], None);
    let body = app.graphql(&observer, AMEND, amend("Typo")).await;
    assert_eq!(
        body["errors"][0]["extensions"],
        json!({ "code": "FORBIDDEN" })
    );
    let data = app
        .data(
            &token,
            AMEND,
            amend("Level entered against the wrong indicator"),
        )
        .await;
    assert_eq!(data["amendRatings"]["ratings"], json!([{ "level": 2 }]));

    let trail = app.data(&token, TRAIL, json!({ "id": walk })).await;
    let last = trail["walk"]["auditTrail"]["nodes"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["action"], "ratings.amended");
    assert_eq!(
        last["after"]["reason"],
        "Level entered against the wrong indicator"
    );
    assert_eq!(
        (
            &last["before"][0]["level"],
            &last["after"]["ratings"][0]["level"]
        ),
        (&json!(3), &json!(2))
    );
    let status = app
        .data(
            &token,
            "query($id: ID!) { walk(id: $id) { status } }",
            json!({ "id": walk }),
        )
        .await;
    assert_eq!(status["walk"]["status"], "SUBMITTED");
}

on_both_stores!(
    a_submitted_walk_is_corrected_only_by_an_audited_amendment,
    a_walk_trail_lists_each_change_with_before_and_after,
    only_trust_wide_leaders_read_a_trail,
    a_settings_change_is_audited_for_the_trust,
);
