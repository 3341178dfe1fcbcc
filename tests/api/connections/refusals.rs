//! Paging arguments a connection refuses, at the root and under a record,
//! with `BAD_USER_INPUT` naming the argument.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::on_both_stores;
use crate::walks::{add_visit, create_walk, walk_input};

/// The first error's extensions, and that nothing else came back.
fn refusal(body: &Value) -> Value {
    let errors = body["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), 1, "{body}");
    errors[0]["extensions"].clone()
}

fn bad(field: &str) -> Value {
    json!({ "code": "BAD_USER_INPUT", "field": field })
}

/// Arguments that ask for no page, or an impossible one, and the argument
/// each names.
const SIZES: [(&str, &str); 8] = [
    ("", "first"),
    ("first: 2, last: 2", "last"),
    ("first: 1, last: 1, after: null", "last"),
    ("first: 0", "first"),
    ("first: 101", "first"),
    ("first: -1", "first"),
    ("last: 0", "last"),
    ("last: 101", "last"),
];

async fn a_page_needs_first_or_last_within_the_page_limit(app: TestApp) {
    app.import_schools().await;
    let protocol = app.import_core_protocol("2516").await;
    let token = app.leader("2516");
    let walk = create_walk(&app, &token, walk_input(137106, &protocol, "2025-10-07")).await;
    add_visit(&app, &token, &walk, "English", 7).await;

    for (args, field) in SIZES {
        let args = if args.is_empty() {
            String::new()
        } else {
            format!("({args})")
        };
        let root = format!("{{ schools{args} {{ totalCount nodes {{ urn }} }} }}");
        let body = app.graphql(&token, &root, json!({})).await;
        assert_eq!(refusal(&body), bad(field), "schools{args}");
        assert_eq!(body["data"], Value::Null, "schools{args}");

        let nested = format!(
            "query($id: ID!) {{ walk(id: $id) {{ visits{args} {{ nodes {{ subject }} }} }} }}"
        );
        let body = app.graphql(&token, &nested, json!({ "id": walk })).await;
        assert_eq!(refusal(&body), bad(field), "visits{args}");
        assert_eq!(body["data"], json!({ "walk": null }), "visits{args}");
    }
    let body = app
        .graphql(&token, "{ actions(first: 101) { totalCount } }", json!({}))
        .await;
    let message = &body["errors"][0]["message"];
    assert_eq!(message, "first is 1 to 100");

    // The largest page is fine.
    let data = app
        .data(&token, "{ schools(last: 100) { totalCount } }", json!({}))
        .await;
    assert_eq!(data["schools"]["totalCount"], 15);
}

async fn a_cursor_must_be_one_this_list_gave(app: TestApp) {
    app.import_schools().await;
    let protocol = app.import_core_protocol("2516").await;
    let token = app.leader("2516");
    let walk = create_walk(&app, &token, walk_input(137106, &protocol, "2025-10-07")).await;
    add_visit(&app, &token, &walk, "English", 7).await;
    let school = app
        .data(
            &token,
            "{ schools(first: 1) { edges { cursor } } }",
            json!({}),
        )
        .await;
    let school_cursor = school["schools"]["edges"][0]["cursor"].clone();
    let visits = "query($id: ID!) { walk(id: $id) { visits(first: 1) { edges { cursor } } } }";
    let visit = app.data(&token, visits, json!({ "id": walk })).await;
    let visit_cursor = visit["walk"]["visits"]["edges"][0]["cursor"].clone();

    let forged = |parts: Value| json!(URL_SAFE_NO_PAD.encode(parts.to_string()));
    let bad_cursors = [
        json!("not a cursor"),
        json!(""),
        forged(json!(["schools", "King's Oak Academy"])),
        forged(json!(["schools", "King's Oak Academy", "not a number"])),
        forged(json!(["walks", "2025-10-07", "not a uuid"])),
        forged(json!({ "schools": 1 })),
        visit_cursor.clone(),
    ];
    let root = "query($after: String, $before: String) {
      schools(first: 5, after: $after, before: $before) { nodes { urn } } }";
    for cursor in &bad_cursors {
        for name in ["after", "before"] {
            let body = app.graphql(&token, root, json!({ name: cursor })).await;
            assert_eq!(refusal(&body), bad(name), "schools {name}: {cursor}");
        }
    }
    // A school's cursor is no place among a walk's visits, nor among walks.
    let nested = "query($id: ID!, $after: String) { walk(id: $id) {
      visits(first: 5, after: $after) { nodes { subject } } } }";
    let vars = json!({ "id": walk, "after": school_cursor });
    let body = app.graphql(&token, nested, vars).await;
    assert_eq!(refusal(&body), bad("after"));
    let walks = "query($before: String) { walks(last: 5, before: $before) { totalCount } }";
    let body = app
        .graphql(&token, walks, json!({ "before": school_cursor }))
        .await;
    assert_eq!(refusal(&body), bad("before"));

    // Each list takes its own cursors.
    let body = app
        .graphql(&token, root, json!({ "after": school_cursor }))
        .await;
    assert!(body.get("errors").is_none(), "{body}");
    let vars = json!({ "id": walk, "after": visit_cursor });
    let body = app.graphql(&token, nested, vars).await;
    assert_eq!(body["data"]["walk"]["visits"]["nodes"], json!([]));
}

on_both_stores!(
    a_page_needs_first_or_last_within_the_page_limit,
    a_cursor_must_be_one_this_list_gave,
);
