//! Reading lists forward and backward, at the root and under a record.

use serde_json::{Value, json};

use super::{Way, assert_pages, page_query, read_all, schools_in_file};
use crate::helpers::TestApp;
use crate::on_both_stores;
use crate::walks::{ADD_VISIT, add_visit, create_walk, rate, submit, walk_input};

/// Where a walk's lists sit in a query.
const WALK: &str = "walk(id: $id) { LIST }";

const DEBRIEF: &str = "mutation($input: RecordDebriefInput!) {
  recordDebrief(input: $input) { walk { status } userErrors { code } } }";

/// Records a submitted, debriefed walk at `urn` with actions due on `due`
/// (described by their date); returns its id.
pub async fn debriefed_walk(
    app: &TestApp,
    token: &str,
    (urn, protocol): (i32, &str),
    due: &[&str],
) -> String {
    let walk = create_walk(app, token, walk_input(urn, protocol, "2025-10-07")).await;
    let visit = add_visit(app, token, &walk, "English", 7).await;
    rate(app, token, &walk, &visit, None, &[("RL1", Some(3))]).await;
    submit(app, token, &walk).await;
    let actions: Vec<Value> = (due.iter())
        .map(|on| json!({ "description": format!("Due {on}"), "ownerRole": "HEAD", "dueOn": on }))
        .collect();
    let input = json!({ "walkId": walk, "heldOn": "2025-10-08", "participants": ["HEAD"],
        "strengths": "Routines were seen in every room.", "reflections": "Questioning varied.",
        "actions": actions });
    app.data(token, DEBRIEF, json!({ "input": input })).await;
    walk
}

async fn schools_page_forward_and_backward_with_exact_page_info(app: TestApp) {
    app.import_schools().await;
    let token = app.leader("2516");
    let query = page_query("", "LIST", ("schools", ""), "urn name");

    // The order is the database's order of names; the rows, their number
    // and every page's info come from the file.
    let one_page = "{ schools(first: 100) { nodes { urn name } } }";
    let all = app.data(&token, one_page, json!({})).await;
    let all = all["schools"]["nodes"].as_array().unwrap().clone();
    let mut listed: Vec<Value> = all.clone();
    listed.sort_by_key(|s| s["urn"].as_i64());
    let mut in_file = schools_in_file("2516");
    in_file.sort();
    let in_file: Vec<Value> = (in_file.iter())
        .map(|(urn, name, _)| json!({ "urn": urn, "name": name }))
        .collect();
    assert_eq!((listed, in_file.len()), (in_file, 15));

    for way in [Way::Forward, Way::Backward] {
        for size in [4, 15, 100] {
            let pages = read_all(&app, &token, (&query, json!({})), "/schools", size, way).await;
            assert_pages(&pages, &all, size, way);
        }
    }

    // Filters narrow the list and its total alike: six primaries.
    let vars = json!({ "phase": "PRIMARY" });
    let filtered = page_query(
        "$phase: String",
        "LIST",
        ("schools", "phase: $phase"),
        "urn",
    );
    let mut primaries: Vec<Value> = (schools_in_file("2516").iter())
        .filter(|(_, _, phase)| phase == "Primary")
        .map(|(urn, _, _)| json!({ "urn": urn }))
        .collect();
    assert_eq!(primaries.len(), 6);
    let pages = read_all(&app, &token, (&filtered, vars), "/schools", 4, Way::Forward).await;
    let shape: Vec<_> = (pages.iter())
        .map(|p| (p.nodes.len(), p.has_previous, p.has_next, p.total.clone()))
        .collect();
    assert_eq!(
        shape,
        [(4, false, true, json!(6)), (2, true, false, json!(6))]
    );
    let mut read: Vec<Value> = pages.iter().flat_map(|p| p.nodes.clone()).collect();
    read.sort_by_key(|s| s["urn"].as_i64());
    primaries.sort_by_key(|s| s["urn"].as_i64());
    assert_eq!(read, primaries);
}

async fn actions_page_forward_and_backward_at_the_root_and_under_a_walk(app: TestApp) {
    app.import_schools().await;
    let protocol = app.import_core_protocol("2516").await;
    let token = app.leader("2516");
    let due = [
        "2026-03-01",
        "2025-11-01",
        "2026-01-15",
        "2025-12-05",
        "2026-02-10",
    ];
    let walk = debriefed_walk(&app, &token, (137106, &protocol), &due).await;
    let other = ["2026-01-20", "2025-10-20"];
    debriefed_walk(&app, &token, (138655, &protocol), &other).await;

    // Soonest due first, known from the dates alone.
    let in_order = |dates: &[&str]| -> Vec<Value> {
        let mut dates = dates.to_vec();
        dates.sort();
        (dates.iter())
            .map(|on| json!({ "description": format!("Due {on}"), "dueOn": on }))
            .collect()
    };
    let every = in_order(&[&due[..], &other[..]].concat());
    let root = page_query("", "LIST", ("actions", ""), "description dueOn");
    for way in [Way::Forward, Way::Backward] {
        for size in [1, 2, 3, 7] {
            let pages = read_all(&app, &token, (&root, json!({})), "/actions", size, way).await;
            assert_pages(&pages, &every, size, way);
        }
    }

    let nested = page_query("$id: ID!", WALK, ("actions", ""), "description dueOn");
    let of_walk = in_order(&due);
    for way in [Way::Forward, Way::Backward] {
        let vars = json!({ "id": walk });
        let pages = read_all(&app, &token, (&nested, vars), "/walk/actions", 2, way).await;
        assert_pages(&pages, &of_walk, 2, way);
    }
}

async fn a_walks_visits_page_by_start_time_in_both_directions(app: TestApp) {
    app.import_schools().await;
    let protocol = app.import_core_protocol("2516").await;
    let token = app.leader("2516");
    let walk = create_walk(&app, &token, walk_input(137106, &protocol, "2025-10-07")).await;
    let starts = [
        Some("10:40"),
        Some("09:05"),
        None,
        Some("11:15"),
        Some("09:50"),
    ];
    for (i, start) in starts.iter().enumerate() {
        let input = json!({ "walkId": walk, "subject": format!("Subject {i}"),
                            "startedAt": start, "minutes": 10 });
        app.data(&token, ADD_VISIT, json!({ "input": input })).await;
    }
    // By start time, the visit without one last.
    let expected: Vec<Value> = [1, 4, 0, 3, 2]
        .iter()
        .map(|&i| json!({ "subject": format!("Subject {i}"), "startedAt": starts[i] }))
        .collect();

    let query = page_query("$id: ID!", WALK, ("visits", ""), "subject startedAt");
    for way in [Way::Forward, Way::Backward] {
        for size in [2, 5] {
            let vars = json!({ "id": walk });
            let pages = read_all(&app, &token, (&query, vars), "/walk/visits", size, way).await;
            assert_pages(&pages, &expected, size, way);
        }
    }

    // A cursor marks a place, not an offset: a visit added before it
    // does not shift the next page.
    let vars = json!({ "id": walk, "first": 2 });
    let first = app.data(&token, &query, vars).await;
    let after = first["walk"]["visits"]["pageInfo"]["endCursor"].clone();
    let input = json!({ "walkId": walk, "subject": "Early", "startedAt": "08:30", "minutes": 10 });
    app.data(&token, ADD_VISIT, json!({ "input": input })).await;
    let vars = json!({ "id": walk, "first": 2, "after": after });
    let next = app.data(&token, &query, vars).await;
    let visits = &next["walk"]["visits"];
    assert_eq!(visits["nodes"], json!(expected[2..4]));
    assert_eq!(visits["totalCount"], 6);
    let info = (
        &visits["pageInfo"]["hasPreviousPage"],
        &visits["pageInfo"]["hasNextPage"],
    );
    assert_eq!(info, (&json!(true), &json!(true)));
}

on_both_stores!(
    schools_page_forward_and_backward_with_exact_page_info,
    actions_page_forward_and_backward_at_the_root_and_under_a_walk,
    a_walks_visits_page_by_start_time_in_both_directions,
);
