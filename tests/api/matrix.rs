//! Each role against each kind of write: allowed, FORBIDDEN (a top-level
//! error), or NOT_FOUND (a user error) when the record is outside the
//! caller's scope.

use api::auth::Role;
use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::on_both_stores;
use crate::walks::{add_visit, create_walk, rate, submit, walk_input};

/// Records a role's writes act on: an open walk with a visit, a submitted
/// walk and a highlight from it, all at 137106 with obs-lead and obs-co.
struct Fixture {
    open: String,
    visit: String,
    submitted: String,
    highlight: String,
    protocol: String,
}

async fn fixture(app: &TestApp, protocol: &str, day: u32) -> Fixture {
    let leader = app.leader("2516");
    let open = create_walk(
        app,
        &leader,
        walk_input(137106, protocol, &format!("2025-10-{day:02}")),
    )
    .await;
    let visit = add_visit(app, &leader, &open, "English", 7).await;
    let submitted = create_walk(
        app,
        &leader,
        walk_input(137106, protocol, &format!("2025-11-{day:02}")),
    )
    .await;
    let seen = add_visit(app, &leader, &submitted, "Maths", 8).await;
    rate(app, &leader, &submitted, &seen, None, &[("RL1", Some(4))]).await;
    submit(app, &leader, &submitted).await;
    let create = "mutation($w: ID!) { createHighlight(input: { walkId: $w,
      focusAreaKey: \"routines-for-learning\", title: \"Starters\", description: \"Quiz.\" }) {
      highlight { id } userErrors { code } } }";
    let data = app.data(&leader, create, json!({ "w": submitted })).await;
    let highlight = data["createHighlight"]["highlight"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    Fixture {
        open,
        visit,
        submitted,
        highlight,
        protocol: protocol.to_owned(),
    }
}

/// How a write ended: "OK", "FORBIDDEN" as a top-level error, or
/// "NOT_FOUND" as a user error; anything else is spelt out.
fn outcome(body: &Value) -> String {
    let top = body["errors"][0]["extensions"]["code"].as_str();
    let payload = body["data"]
        .as_object()
        .and_then(|data| data.values().next());
    let user = payload.and_then(|p| p["userErrors"][0]["code"].as_str());
    match (top, user) {
        (None, None) => "OK".to_owned(),
        (Some("FORBIDDEN"), None) => "FORBIDDEN".to_owned(),
        (None, Some("NOT_FOUND")) => "NOT_FOUND".to_owned(),
        (top, user) => format!("top-level {top:?}, user error {user:?}: {body}"),
    }
}

/// Every write once, as `token`: how each ended.
async fn outcomes(app: &TestApp, token: &str, f: &Fixture) -> Vec<String> {
    let mut team = walk_input(137106, &f.protocol, "2025-12-01");
    team["observers"][0]["reference"] = json!("obs-x-lead");
    let writes: Vec<(&str, Value)> = vec![
        (
            "mutation($i: CreateWalkInput!) { createWalk(input: $i) { walk { id } userErrors { code } } }",
            team,
        ),
        (
            "mutation($i: AddVisitInput!) { addVisit(input: $i) { visit { id } userErrors { code } } }",
            json!({ "walkId": f.open, "subject": "Art", "minutes": 10 }),
        ),
        (
            "mutation($i: RecordRatingsInput!) { recordRatings(input: $i) { visit { id } userErrors { code } } }",
            json!({ "walkId": f.open, "visitId": f.visit, "ratings": [{ "indicatorCode": "RL2", "level": 3 }] }),
        ),
        (
            "mutation($i: RecordDebriefInput!) { recordDebrief(input: $i) { walk { id } userErrors { code } } }",
            json!({ "walkId": f.submitted, "heldOn": "2025-12-02", "participants": ["HEAD"],
                    "strengths": "Calm starts.", "reflections": "Varied.", "actions": [] }),
        ),
        (
            "mutation($i: UpdateRecordingSettingsInput!) { updateRecordingSettings(input: $i) { trust { uid } userErrors { code } } }",
            json!({ "strictNeutralLanguage": false }),
        ),
        (
            "mutation($i: RecordSchoolContextInput!) { recordSchoolContext(input: $i) { school { urn } userErrors { code } } }",
            json!({ "schoolUrn": 137106, "writtenOn": "2025-12-01", "note": "Context." }),
        ),
        (
            "mutation($i: PublishHighlightInput!) { publishHighlight(input: $i) { highlight { id } userErrors { code } } }",
            json!({ "highlightId": f.highlight }),
        ),
        (
            "mutation($i: SaveProtocolDraftInput!) { saveProtocolDraft(input: $i) { protocol { id } userErrors { code } } }",
            json!({ "key": "k", "name": "N", "purpose": "P", "focusAreas": [{ "key": "f", "lens": "FIDELITY",
                "title": "F", "indicators": [{ "code": "F1", "statement": "S" }] }],
                "scale": { "levels": [{ "value": 1, "label": "L" }], "secureThreshold": 1,
                           "allowsNotObserved": false } }),
        ),
    ];
    let mut outcomes = Vec::new();
    for (query, input) in writes {
        let body = app.graphql(token, query, json!({ "i": input })).await;
        outcomes.push(outcome(&body));
    }
    outcomes
}

async fn each_role_may_do_what_its_verbs_allow_within_its_scope(app: TestApp) {
    app.import_schools().await;
    let protocol = app.import_core_protocol("2516").await;
    let (ok, no, none) = ("OK", "FORBIDDEN", "NOT_FOUND");
    let observer = |sub: &str| app.token_for(sub, "2516", &[Role::Observer], None);
    let cases = [
        (
            "trust leader",
            app.leader("2516"),
            [ok, ok, ok, ok, ok, ok, ok, ok],
        ),
        (
            "analyst",
            app.token("2516", &[Role::Analyst], None),
            [no, no, no, no, no, no, no, no],
        ),
        (
            "school leader",
            app.token("2516", &[Role::SchoolLeader], Some(vec![137106])),
            [ok, ok, ok, ok, no, ok, ok, no],
        ),
        (
            "other school's leader",
            app.token("2516", &[Role::SchoolLeader], Some(vec![138655])),
            [none, none, none, none, no, none, none, no],
        ),
        (
            "observer on the team",
            observer("obs-co"),
            [ok, ok, ok, no, no, no, no, no],
        ),
        (
            "observer elsewhere",
            observer("obs-x"),
            [no, no, no, no, no, no, no, no],
        ),
        (
            "partner",
            app.token("2516", &[Role::Partner], None),
            [ok, ok, ok, ok, no, no, no, no],
        ),
    ];
    for (day, (who, token, expected)) in (1..).zip(cases) {
        let f = fixture(&app, &protocol, day).await;
        assert_eq!(outcomes(&app, &token, &f).await, expected, "{who}");
    }
}

on_both_stores!(each_role_may_do_what_its_verbs_allow_within_its_scope);
