//! Neutral recording: warnings on judgemental wording and personal names,
//! refusal in strict mode, and the trust's own list of terms.

use api::auth::Role;
use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::on_both_stores;
use crate::user_errors::{refusal, user_error};
use crate::walks::{add_visit, create_walk, walk_input};

const RECORD: &str = "mutation($input: RecordRatingsInput!) { recordRatings(input: $input) {
  ratings { evidence } warnings { field kind text message } userErrors { field code message } } }";

const SETTINGS: &str = "mutation($input: UpdateRecordingSettingsInput!) {
  updateRecordingSettings(input: $input) { trust { uid strictNeutralLanguage
    usesDefaultJudgementalTerms judgementalTerms } userErrors { field code message } } }";

const SETTINGS_READ: &str = "{ trust { strictNeutralLanguage usesDefaultJudgementalTerms } }";

/// A walk of trust 2516 with one visit: (walk id, visit id).
async fn open_visit(app: &TestApp) -> (String, String) {
    app.import_schools().await;
    let protocol = app.import_core_protocol("2516").await;
    let token = app.leader("2516");
    let walk = create_walk(app, &token, walk_input(137106, &protocol, "2025-10-07")).await;
    let visit = add_visit(app, &token, &walk, "English", 7).await;
    (walk, visit)
}

fn entries(walk: &str, visit: &str, evidence: &[&str]) -> Value {
    let codes = ["RL1", "RL2", "RL3"];
    let ratings: Vec<Value> = evidence
        .iter()
        .zip(codes)
        .map(|(text, code)| json!({ "indicatorCode": code, "level": 3, "evidence": text }))
        .collect();
    json!({ "input": { "walkId": walk, "visitId": visit, "ratings": ratings } })
}

async fn judgemental_wording_and_names_are_stored_with_warnings(app: TestApp) {
    let (walk, visit) = open_visit(&app).await;
    let evidence = [
        "Pupils read aloud from the shared text.",
        "Mrs Smith gave a terrible recap.",
    ];
    let data = app
        .data(
            &app.leader("2516"),
            RECORD,
            entries(&walk, &visit, &evidence),
        )
        .await;
    let expected = json!([
        { "field": "ratings.1.evidence", "kind": "PERSONAL_NAME", "text": "Mrs Smith",
          "message": "'Mrs Smith' looks like a person's name; evidence never identifies anyone" },
        { "field": "ratings.1.evidence", "kind": "JUDGEMENTAL_WORDING", "text": "terrible",
          "message": "'terrible' judges rather than describes; record what was seen or heard" },
    ]);
    assert_eq!(data["recordRatings"]["warnings"], expected);
    assert_eq!(
        data["recordRatings"]["ratings"].as_array().unwrap().len(),
        2
    );
}

async fn a_strict_trust_refuses_such_evidence_and_writes_nothing(app: TestApp) {
    let (walk, visit) = open_visit(&app).await;
    let leader = app.leader("2516");
    let on = json!({ "input": { "strictNeutralLanguage": true } });
    let data = app.data(&leader, SETTINGS, on).await;
    assert_eq!(
        data["updateRecordingSettings"]["trust"]["strictNeutralLanguage"],
        true
    );

    let evidence = [
        "Calm entry routine.",
        "An excellent, lively start by Mr Jones.",
    ];
    let body = app
        .graphql(&leader, RECORD, entries(&walk, &visit, &evidence))
        .await;
    let message = "the trust records evidence neutrally: 'excellent' judges rather than \
                   describes; record what was seen or heard; 'Mr Jones' looks like a person's \
                   name; evidence never identifies anyone";
    assert_eq!(
        refusal(&body, "recordRatings"),
        user_error("BAD_USER_INPUT", Some("ratings.1.evidence"), message)
    );

    let read = "query($id: ID!) { walk(id: $id) {
      visits(first: 5) { nodes { ratings(first: 5) { nodes { level } } } } } }";
    let stored = app.data(&leader, read, json!({ "id": walk })).await;
    let nodes = &stored["walk"]["visits"]["nodes"];
    assert_eq!(nodes, &json!([{ "ratings": { "nodes": [] } }]));
    let neutral = app
        .data(
            &leader,
            RECORD,
            entries(&walk, &visit, &["Calm entry routine."]),
        )
        .await;
    assert_eq!(neutral["recordRatings"]["warnings"], json!([]));
}

async fn a_trust_list_of_terms_replaces_the_default_until_reset(app: TestApp) {
    let (walk, visit) = open_visit(&app).await;
    let leader = app.leader("2516");
    let own = json!({ "input": { "judgementalTerms": ["Chaotic", " off task ", "chaotic"] } });
    let data = app.data(&leader, SETTINGS, own).await;
    let trust = &data["updateRecordingSettings"]["trust"];
    assert_eq!(trust["judgementalTerms"], json!(["chaotic", "off task"]));
    assert_eq!(trust["usesDefaultJudgementalTerms"], false);

    let evidence = [
        "A terrible start.",
        "Chaotic transition; two pupils off task.",
    ];
    let data = app
        .data(&leader, RECORD, entries(&walk, &visit, &evidence))
        .await;
    let texts: Vec<&Value> = data["recordRatings"]["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| &w["text"])
        .collect();
    assert_eq!(texts, [&json!("Chaotic"), &json!("off task")]);

    let reset = json!({ "input": { "useDefaultJudgementalTerms": true } });
    let data = app.data(&leader, SETTINGS, reset).await;
    assert_eq!(
        data["updateRecordingSettings"]["trust"]["usesDefaultJudgementalTerms"],
        true
    );
}

async fn only_a_trust_wide_leader_changes_settings_and_only_for_their_trust(app: TestApp) {
    app.import_schools().await;
    let on = json!({ "input": { "strictNeutralLanguage": true } });
    for token in [
        app.token("2516", &[Role::SchoolLeader], Some(vec![137106])),
        app.token(
            "2516",
            &[Role::Analyst, Role::Observer, Role::Partner],
            None,
        ),
        app.token("2516", &[Role::TrustLeader], Some(vec![137106])),
    ] {
        let body = app.graphql(&token, SETTINGS, on.clone()).await;
        assert_eq!(
            body["errors"][0]["extensions"],
            json!({ "code": "FORBIDDEN" })
        );
    }
    let other = app.data(&app.leader("3111"), SETTINGS, on).await;
    assert_eq!(other["updateRecordingSettings"]["trust"]["uid"], "3111");
    let mine = app
        .data(&app.leader("2516"), SETTINGS_READ, json!({}))
        .await;
    let expected = json!({ "strictNeutralLanguage": false, "usesDefaultJudgementalTerms": true });
    assert_eq!(mine["trust"], expected);
}

async fn visit_notes_are_checked_like_evidence(app: TestApp) {
    let (walk, _) = open_visit(&app).await;
    let leader = app.leader("2516");
    let add = "mutation($input: AddVisitInput!) { addVisit(input: $input) {
      visit { notes } warnings { field kind text } userErrors { code } } }";
    let input = json!({ "input": { "walkId": walk, "subject": "Science", "minutes": 12,
        "notes": "Dr Evans ran an outstanding practical." } });
    let data = app.data(&leader, add, input).await;
    assert_eq!(
        data["addVisit"]["visit"]["notes"],
        "Dr Evans ran an outstanding practical."
    );
    let expected = json!([
        { "field": "notes", "kind": "PERSONAL_NAME", "text": "Dr Evans" },
        { "field": "notes", "kind": "JUDGEMENTAL_WORDING", "text": "outstanding" },
    ]);
    assert_eq!(data["addVisit"]["warnings"], expected);
}

on_both_stores!(
    visit_notes_are_checked_like_evidence,
    judgemental_wording_and_names_are_stored_with_warnings,
    a_strict_trust_refuses_such_evidence_and_writes_nothing,
    a_trust_list_of_terms_replaces_the_default_until_reset,
    only_a_trust_wide_leader_changes_settings_and_only_for_their_trust,
);
