//! Schools' own context notes: versioned, scoped, read beside figures.

use api::auth::Role;
use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::on_both_stores;
use crate::user_errors::{refusal, user_error};

const RECORD: &str = "mutation($urn: Int!, $on: Date!, $note: String!) {
  recordSchoolContext(input: { schoolUrn: $urn, writtenOn: $on, note: $note }) {
    school { urn } context { version writtenOn note } userErrors { field code message } } }";

const READ: &str = "query($urn: Int!) { school(urn: $urn) {
  context { version note } contextHistory(first: 10) { nodes { version writtenOn } } } }";

fn note(urn: i32, on: &str, text: &str) -> Value {
    json!({ "urn": urn, "on": on, "note": text })
}

async fn a_school_keeps_every_version_of_its_context(app: TestApp) {
    app.import_schools().await;
    let own = app.token("2516", &[Role::SchoolLeader], Some(vec![137106]));
    let first = note(
        137106,
        "2025-09-01",
        "All-through academy; new primary phase opened in 2024.",
    );
    let data = app.data(&own, RECORD, first).await;
    let expected = json!({ "version": 1, "writtenOn": "2025-09-01",
                           "note": "All-through academy; new primary phase opened in 2024." });
    assert_eq!(data["recordSchoolContext"]["context"], expected);
    let second = note(
        137106,
        "2026-01-05",
        "Staffing settled after a term of vacancies.",
    );
    app.data(&app.leader("2516"), RECORD, second).await;

    let data = app.data(&own, READ, json!({ "urn": 137106 })).await;
    let expected = json!({ "context": { "version": 2, "note": "Staffing settled after a term of vacancies." },
        "contextHistory": { "nodes": [{ "version": 2, "writtenOn": "2026-01-05" },
                                      { "version": 1, "writtenOn": "2025-09-01" }] } });
    assert_eq!(data["school"], expected);
}

async fn only_leaders_in_scope_write_a_school_context(app: TestApp) {
    app.import_schools().await;
    let text = note(137106, "2025-09-01", "A note.");
    let analyst = app.token("2516", &[Role::Analyst, Role::Observer], None);
    let body = app.graphql(&analyst, RECORD, text.clone()).await;
    assert_eq!(
        body["errors"][0]["extensions"],
        json!({ "code": "FORBIDDEN" })
    );
    for token in [
        app.token("2516", &[Role::SchoolLeader], Some(vec![138655])),
        app.leader("3111"),
    ] {
        let body = app.graphql(&token, RECORD, text.clone()).await;
        assert_eq!(
            refusal(&body, "recordSchoolContext"),
            user_error("NOT_FOUND", None, "No school with this URN")
        );
    }
    let data = app
        .data(&app.leader("2516"), READ, json!({ "urn": 137106 }))
        .await;
    assert_eq!(
        data["school"],
        json!({ "context": null, "contextHistory": { "nodes": [] } })
    );
}

on_both_stores!(
    a_school_keeps_every_version_of_its_context,
    only_leaders_in_scope_write_a_school_context,
);
