//! The change feed: every change in commit order, deletions as tombstones,
//! scoped like every read, and complete for a reader polling while others
//! write.

use api::auth::Role;
use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::on_both_stores;
use crate::walks::{add_visit, create_walk, rate, submit, walk_input};

const CHANGES: &str = "query($after: String, $first: Int) {
  changes(after: $after, first: $first) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage endCursor }
    edges { cursor node { operation recordType recordId
      record { __typename ... on Walk { id status version }
        ... on Visit { id subject } ... on Observer { reference } } } }
  } }";

const LATEST: &str = "{ changes(last: 1) { pageInfo { endCursor } } }";

const DELETE_VISIT: &str = "mutation($input: DeleteVisitInput!) {
  deleteVisit(input: $input) { deletedVisitId walk { id version } userErrors { code } } }";

/// The feed's cursor now: entries after it are the changes still to come.
async fn latest(app: &TestApp, token: &str) -> Value {
    let data = app.data(token, LATEST, json!({})).await;
    data["changes"]["pageInfo"]["endCursor"].clone()
}

/// Every entry after `after`, read `page` at a time.
async fn read_all(app: &TestApp, token: &str, after: Value, page: i32) -> Vec<Value> {
    let (mut after, mut entries) = (after, Vec::new());
    loop {
        let vars = json!({ "after": after, "first": page });
        let data = app.data(token, CHANGES, vars).await;
        let changes = &data["changes"];
        entries.extend(changes["edges"].as_array().unwrap().iter().cloned());
        if !changes["pageInfo"]["hasNextPage"].as_bool().unwrap() {
            return entries;
        }
        after = changes["pageInfo"]["endCursor"].clone();
    }
}

/// An entry as (operation, type, id), observers by their reference.
fn summary(edge: &Value) -> (String, String, String) {
    let node = &edge["node"];
    let id = match node["record"]["reference"].as_str() {
        Some(reference) => reference.to_owned(),
        None => node["recordId"].as_str().unwrap().to_owned(),
    };
    let text = |v: &Value| v.as_str().unwrap().to_owned();
    (text(&node["operation"]), text(&node["recordType"]), id)
}

fn entry(operation: &str, kind: &str, id: &str) -> (String, String, String) {
    (operation.into(), kind.into(), id.into())
}

async fn the_feed_gives_each_change_once_in_commit_order_with_tombstones(app: TestApp) {
    app.import_schools().await;
    let protocol = app.import_core_protocol("2516").await;
    let token = app.leader("2516");
    let start = latest(&app, &token).await;
    assert!(
        start.is_string(),
        "importing schools and protocols is in the feed"
    );

    let walk = create_walk(&app, &token, walk_input(137106, &protocol, "2025-10-07")).await;
    let kept = add_visit(&app, &token, &walk, "English", 7).await;
    let dropped = add_visit(&app, &token, &walk, "Art", 8).await;
    rate(&app, &token, &walk, &kept, None, &[("RL1", Some(3))]).await;
    let input = json!({ "visitId": dropped, "clientMutationId": "d1" });
    let data = app
        .data(&token, DELETE_VISIT, json!({ "input": input }))
        .await;
    assert_eq!(data["deleteVisit"]["deletedVisitId"], dropped.as_str());
    submit(&app, &token, &walk).await;

    let entries = read_all(&app, &token, start.clone(), 2).await;
    let got: Vec<_> = entries.iter().map(summary).collect();
    let expected = vec![
        entry("UPSERT", "Walk", &walk),
        entry("UPSERT", "Observer", "obs-lead"),
        entry("UPSERT", "Observer", "obs-co"),
        entry("UPSERT", "Walk", &walk),
        entry("UPSERT", "Visit", &kept),
        entry("UPSERT", "Walk", &walk),
        entry("UPSERT", "Visit", &dropped),
        entry("UPSERT", "Walk", &walk),
        entry("UPSERT", "Visit", &kept),
        entry("UPSERT", "Walk", &walk),
        entry("DELETE", "Visit", &dropped),
        entry("UPSERT", "Walk", &walk),
    ];
    assert_eq!(got, expected);
    // Every upsert shows the record as it is now; a tombstone shows none.
    let last = &entries[entries.len() - 1]["node"]["record"];
    assert_eq!(last["status"], "SUBMITTED");
    assert!(entries[10]["node"]["record"].is_null());

    // After the last cursor there is nothing more; the count is the
    // whole feed's, on every page.
    let whole = read_all(&app, &token, Value::Null, 100).await.len();
    let end = entries.last().unwrap()["cursor"].clone();
    let vars = json!({ "after": end, "first": 5 });
    let data = app.data(&token, CHANGES, vars).await;
    assert_eq!(data["changes"]["edges"], json!([]));
    assert_eq!(data["changes"]["totalCount"], whole);
    assert_eq!(data["changes"]["pageInfo"]["hasPreviousPage"], true);
    assert_eq!(data["changes"]["pageInfo"]["endCursor"], Value::Null);
    let vars = json!({ "after": start, "first": 1 });
    let data = app.data(&token, CHANGES, vars).await;
    assert_eq!(data["changes"]["totalCount"], whole);
    assert_eq!(
        whole,
        expected.len() + 17,
        "the trust, 15 schools and a protocol came first"
    );
}

async fn the_feed_shows_only_the_callers_trust_and_schools(app: TestApp) {
    app.import_schools().await;
    let protocol = app.import_core_protocol("2516").await;
    app.import_core_protocol("3111").await;
    let token = app.leader("2516");
    let start = latest(&app, &token).await;
    let ours = create_walk(&app, &token, walk_input(137106, &protocol, "2025-10-07")).await;
    let theirs = create_walk(&app, &token, walk_input(138655, &protocol, "2025-10-08")).await;

    // A leader of one school sees its walk and the trust-wide observers.
    let school = app.token("2516", &[Role::SchoolLeader], Some(vec![137106]));
    let got: Vec<_> = (read_all(&app, &school, start.clone(), 100).await.iter())
        .map(summary)
        .collect();
    let expected = vec![
        entry("UPSERT", "Walk", &ours),
        entry("UPSERT", "Observer", "obs-lead"),
        entry("UPSERT", "Observer", "obs-co"),
        entry("UPSERT", "Observer", "obs-lead"),
        entry("UPSERT", "Observer", "obs-co"),
    ];
    assert_eq!(got, expected);
    let whole = read_all(&app, &token, start, 100).await;
    assert_eq!(whole.len(), 6);

    // Another trust's feed holds none of these, and its count agrees.
    let other = app.leader("3111");
    let everything = read_all(&app, &other, Value::Null, 100).await;
    let ids: Vec<String> = everything.iter().map(|e| summary(e).2).collect();
    assert!(!ids.contains(&ours) && !ids.contains(&theirs), "{ids:?}");
    let kinds: Vec<String> = everything.iter().map(|e| summary(e).1).collect();
    assert!(!kinds.contains(&"Walk".to_owned()), "{kinds:?}");
    let data = app.data(&other, CHANGES, json!({ "first": 1 })).await;
    assert_eq!(data["changes"]["totalCount"], everything.len());
    // A cursor of trust 2516's feed reads nothing of it in trust 3111.
    let cursor = whole[0]["cursor"].clone();
    let data = app
        .data(&other, CHANGES, json!({ "after": cursor, "first": 100 }))
        .await;
    let ids: Vec<String> = (data["changes"]["edges"].as_array().unwrap().iter())
        .map(|e| summary(e).2)
        .collect();
    assert!(!ids.contains(&ours) && !ids.contains(&theirs), "{ids:?}");
}

async fn paging_arguments_are_checked(app: TestApp) {
    app.import_schools().await;
    let token = app.leader("2516");
    // A cursor of another list is no place in the feed.
    let data = app
        .data(
            &token,
            "{ schools(first: 1) { edges { cursor } } }",
            json!({}),
        )
        .await;
    let schools_cursor = data["schools"]["edges"][0]["cursor"].clone();
    for (vars, field) in [
        (json!({}), "first"),
        (json!({ "first": 0 }), "first"),
        (json!({ "first": 101 }), "first"),
        (json!({ "first": 1, "last": 1 }), "last"),
        (json!({ "first": 1, "after": "bm90IGEgY3Vyc29y" }), "after"),
        (json!({ "first": 1, "after": schools_cursor }), "after"),
        (
            json!({ "first": 1, "after": "WyJjaGFuZ2VzIiwiLTUiXQ" }),
            "after",
        ),
    ] {
        let query = "query($first: Int, $last: Int, $after: String) {
          changes(first: $first, last: $last, after: $after) { totalCount } }";
        let body = app.graphql(&token, query, vars.clone()).await;
        let error = &body["errors"][0];
        assert_eq!(
            error["extensions"]["code"], "BAD_USER_INPUT",
            "{vars} {body}"
        );
        assert_eq!(error["extensions"]["field"], field, "{vars} {body}");
    }
}

on_both_stores!(
    the_feed_gives_each_change_once_in_commit_order_with_tombstones,
    the_feed_shows_only_the_callers_trust_and_schools,
    paging_arguments_are_checked,
);
