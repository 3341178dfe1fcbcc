//! Highlights of strong practice: recorded from walks, shared trust-wide
//! by a leader, read by every school once shared.

use api::auth::Role;
use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::on_both_stores;
use crate::user_errors::{refusal, user_error};
use crate::walks::{add_visit, create_walk, rate, submit, walk_input};

const CREATE: &str = "mutation($input: CreateHighlightInput!) { createHighlight(input: $input) {
  highlight { id title publishedAt focusArea { key } school { urn } } warnings { text }
  userErrors { field code message } } }";

const PUBLISH: &str = "mutation($id: ID!) { publishHighlight(input: { highlightId: $id }) {
  highlight { title publishedAt } userErrors { field code message } } }";

const LIST: &str = "{ highlights(first: 10) { nodes { title school { urn name } } } }";

fn input(walk: &str, key: &str) -> Value {
    json!({ "input": { "walkId": walk, "focusAreaKey": key, "title": "Retrieval starters",
        "description": "Every class began with a five-question quiz on last week's unit." } })
}

async fn a_highlight_is_shared_with_every_school_once_published(app: TestApp) {
    app.import_schools().await;
    let protocol = app.import_core_protocol("2516").await;
    let leader = app.leader("2516");
    let walk = create_walk(&app, &leader, walk_input(137106, &protocol, "2025-10-07")).await;
    let visit = add_visit(&app, &leader, &walk, "English", 7).await;
    rate(&app, &leader, &walk, &visit, None, &[("RL1", Some(4))]).await;
    let early = app
        .graphql(&leader, CREATE, input(&walk, "routines-for-learning"))
        .await;
    let message = "highlights come from submitted walks";
    assert_eq!(
        refusal(&early, "createHighlight"),
        user_error("BAD_USER_INPUT", Some("walkId"), message)
    );
    submit(&app, &leader, &walk).await;
    let unknown = app
        .graphql(&leader, CREATE, input(&walk, "no-such-area"))
        .await;
    let message = "the walk's protocol has no focus area 'no-such-area'";
    assert_eq!(
        refusal(&unknown, "createHighlight"),
        user_error("BAD_USER_INPUT", Some("focusAreaKey"), message)
    );

    let observer = app.token("2516", &[Role::Observer], Some(vec![137106]));
    let body = app
        .graphql(&observer, CREATE, input(&walk, "routines-for-learning"))
        .await;
    assert_eq!(
        body["errors"][0]["extensions"],
        json!({ "code": "FORBIDDEN" })
    );
    let own = app.token("2516", &[Role::SchoolLeader], Some(vec![137106]));
    let data = app
        .data(&own, CREATE, input(&walk, "routines-for-learning"))
        .await;
    let created = &data["createHighlight"];
    assert_eq!(
        created["highlight"]["focusArea"]["key"],
        "routines-for-learning"
    );
    assert_eq!(
        (&created["highlight"]["publishedAt"], &created["warnings"]),
        (&Value::Null, &json!([]))
    );
    let id = created["highlight"]["id"].clone();

    let elsewhere = app.token("2516", &[Role::SchoolLeader], Some(vec![138655]));
    assert_eq!(
        app.data(&elsewhere, LIST, json!({})).await["highlights"]["nodes"],
        json!([])
    );
    let body = app.graphql(&observer, PUBLISH, json!({ "id": id })).await;
    assert_eq!(
        body["errors"][0]["extensions"],
        json!({ "code": "FORBIDDEN" })
    );
    let body = app.graphql(&elsewhere, PUBLISH, json!({ "id": id })).await;
    assert_eq!(
        refusal(&body, "publishHighlight"),
        user_error("NOT_FOUND", None, "No highlight with this id")
    );

    let published = app.data(&own, PUBLISH, json!({ "id": id })).await;
    assert!(published["publishHighlight"]["highlight"]["publishedAt"].is_string());
    let shared = json!([{ "title": "Retrieval starters",
                          "school": { "urn": 137106, "name": "King's Oak Academy" } }]);
    assert_eq!(
        app.data(&elsewhere, LIST, json!({})).await["highlights"]["nodes"],
        shared
    );
    let note = "mutation { recordSchoolContext(input: { schoolUrn: 137106,
      writtenOn: \"2025-09-01\", note: \"New head started.\" }) { context { version } userErrors { code } } }";
    app.data(&own, note, json!({})).await;
    let context = "{ highlights(first: 10) { nodes { school { context { note }
      contextHistory(first: 10) { totalCount nodes { note } } } } } }";
    let seen = app.data(&elsewhere, context, json!({})).await;
    let history = json!({ "totalCount": 0, "nodes": [] });
    let hidden = json!([{ "school": { "context": null, "contextHistory": history } }]);
    assert_eq!(seen["highlights"]["nodes"], hidden);
    assert_eq!(
        app.data(&app.leader("3111"), LIST, json!({})).await["highlights"]["nodes"],
        json!([])
    );

    let read = "query($id: ID!) { walk(id: $id) { highlights(first: 5) { nodes { title } } } }";
    let data = app.data(&leader, read, json!({ "id": walk })).await;
    assert_eq!(
        data["walk"]["highlights"]["nodes"],
        json!([{ "title": "Retrieval starters" }])
    );
}

on_both_stores!(a_highlight_is_shared_with_every_school_once_published);
