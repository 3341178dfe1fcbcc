//! Pages and totals never include another trust's records, nor schools
//! outside a school-scoped token, whatever cursor is sent.

use api::auth::Role;
use serde_json::{Value, json};

use super::lists::debriefed_walk;
use super::{Way, page_query, read_all, schools_in_file};
use crate::helpers::TestApp;
use crate::on_both_stores;

const HIGHLIGHT: &str = "mutation($input: CreateHighlightInput!) {
  createHighlight(input: $input) { highlight { id } userErrors { code } } }";

/// Every root list, with what to read of each record.
const LISTS: [(&str, &str); 6] = [
    ("schools", "urn"),
    ("protocols", "key version"),
    ("observers", "reference"),
    ("walks", "school { urn }"),
    ("actions", "schoolUrn"),
    ("highlights", "school { urn }"),
];

/// Two trusts with the same observers' references, protocols, walks,
/// actions and highlights; trust 2516 has a walk at two schools.
async fn two_trusts(app: &TestApp) {
    app.import_schools().await;
    for (trust, urns) in [("2516", &[137106, 138655][..]), ("3111", &[142070][..])] {
        let protocol = app.import_core_protocol(trust).await;
        let token = app.leader(trust);
        for &urn in urns {
            let walk = debriefed_walk(app, &token, (urn, &protocol), &["2025-11-01"]).await;
            let input = json!({ "walkId": walk, "focusAreaKey": "routines-for-learning",
                "title": "Retrieval starters", "description": "Every class began with a quiz." });
            app.data(&token, HIGHLIGHT, json!({ "input": input })).await;
        }
    }
}

/// Every record of `list` that `token` reads, two at a time, forward and
/// then backward; every page's total is the number read.
async fn read_list(app: &TestApp, token: &str, (list, fields): (&str, &str)) -> Vec<Value> {
    let query = page_query("", "LIST", (list, ""), fields);
    let mut read = Vec::new();
    for way in [Way::Forward, Way::Backward] {
        let pages = read_all(app, token, (&query, json!({})), &format!("/{list}"), 2, way).await;
        let mut rows: Vec<&[Value]> = pages.iter().map(|p| &p.nodes[..]).collect();
        if way == Way::Backward {
            rows.reverse();
        }
        let rows = rows.concat();
        for page in &pages {
            assert_eq!(page.total, json!(rows.len()), "{list}: totalCount");
        }
        read.push(rows);
    }
    assert_eq!(read[0], read[1], "{list}: the same rows both ways");
    read.swap_remove(0)
}

/// The URN a record of `list` belongs to, where it has one.
fn urn_of(row: &Value) -> Option<i64> {
    (row.get("urn").or(row.get("schoolUrn")))
        .or(row.get("school").map(|s| &s["urn"]))
        .and_then(Value::as_i64)
}

async fn another_trusts_records_never_appear_in_pages_or_totals(app: TestApp) {
    two_trusts(&app).await;
    let ours: Vec<i64> = schools_in_file("2516").iter().map(|s| s.0).collect();
    let theirs: Vec<i64> = schools_in_file("3111").iter().map(|s| s.0).collect();
    // Per list: rows for trust 2516, for trust 3111, for a token of school
    // 137106 (protocols and observers are trust-wide; a published
    // highlight would be too).
    let expected = [
        ("schools", 15, 14, 1),
        ("protocols", 1, 1, 1),
        ("observers", 2, 2, 2),
        ("walks", 2, 1, 1),
        ("actions", 2, 1, 1),
        ("highlights", 2, 1, 1),
    ];
    let school = app.token("2516", &[Role::SchoolLeader], Some(vec![137106]));
    for (list, (name, ours_n, theirs_n, school_n)) in LISTS.into_iter().zip(expected) {
        assert_eq!(list.0, name);
        for (token, trust_urns, n) in [
            (app.leader("2516"), &ours, ours_n),
            (app.leader("3111"), &theirs, theirs_n),
            (school.clone(), &vec![137106], school_n),
        ] {
            let rows = read_list(&app, &token, list).await;
            assert_eq!(rows.len(), n, "{name}");
            for row in &rows {
                if let Some(urn) = urn_of(row) {
                    assert!(
                        trust_urns.contains(&urn),
                        "{name}: {row} is not the caller's"
                    );
                }
            }
        }
    }

    // A cursor from the other trust's list is only a place in the order:
    // the page after it holds this trust's schools and totals alone.
    let theirs_page = app
        .data(
            &app.leader("3111"),
            "{ schools(first: 1) { edges { cursor } } }",
            json!({}),
        )
        .await;
    let cursor = &theirs_page["schools"]["edges"][0]["cursor"];
    for (first, direction) in [("first", "after"), ("last", "before")] {
        let query = format!(
            "query($c: String) {{ schools({first}: 100, {direction}: $c) {{ totalCount nodes {{ urn }} }} }}"
        );
        let data = app
            .data(&app.leader("2516"), &query, json!({ "c": cursor }))
            .await;
        assert_eq!(data["schools"]["totalCount"], 15);
        let urns = data["schools"]["nodes"].as_array().unwrap();
        assert!(
            urns.iter()
                .all(|u| ours.contains(&u["urn"].as_i64().unwrap()))
        );
    }
}

on_both_stores!(another_trusts_records_never_appear_in_pages_or_totals);
