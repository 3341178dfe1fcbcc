//! Observers and the walks each took part in, for leadership development.

use api::auth::Role;
use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::on_both_stores;
use crate::walks::{create_walk, walk_input};

const OBSERVERS: &str = "{ observers(first: 10) { totalCount nodes { reference displayName
  walks(first: 10) { totalCount nodes { role walk { date school { urn } } } } } } }";

async fn an_observer_history_lists_walks_and_roles_within_scope(app: TestApp) {
    app.import_schools().await;
    let protocol = app.import_core_protocol("2516").await;
    let leader = app.leader("2516");
    create_walk(&app, &leader, walk_input(137106, &protocol, "2025-10-07")).await;
    let mut swapped = walk_input(138655, &protocol, "2025-11-12");
    swapped["observers"][0]["role"] = json!("CO_OBSERVER");
    swapped["observers"][1]["role"] = json!("LEAD");
    create_walk(&app, &leader, swapped).await;

    let data = app.data(&leader, OBSERVERS, json!({})).await;
    let walk = |role: &str, date: &str, urn: i32| json!({ "role": role, "walk": { "date": date, "school": { "urn": urn } } });
    let walks = |nodes: Vec<Value>| json!({ "totalCount": nodes.len(), "nodes": nodes });
    let expected = json!({ "totalCount": 2, "nodes": [
        { "reference": "obs-co", "displayName": "Co Observer", "walks": walks(vec![
            walk("LEAD", "2025-11-12", 138655), walk("CO_OBSERVER", "2025-10-07", 137106)]) },
        { "reference": "obs-lead", "displayName": "Lead Observer", "walks": walks(vec![
            walk("CO_OBSERVER", "2025-11-12", 138655), walk("LEAD", "2025-10-07", 137106)]) },
    ] });
    assert_eq!(data["observers"], expected);

    // The other school's walk is neither listed nor counted.
    let school = app.token("2516", &[Role::SchoolLeader], Some(vec![137106]));
    let data = app.data(&school, OBSERVERS, json!({})).await;
    let seen = &data["observers"]["nodes"][0]["walks"];
    assert_eq!(
        seen,
        &walks(vec![walk("CO_OBSERVER", "2025-10-07", 137106)])
    );

    let other = app.data(&app.leader("3111"), OBSERVERS, json!({})).await;
    assert_eq!(other["observers"], json!({ "totalCount": 0, "nodes": [] }));
}

on_both_stores!(an_observer_history_lists_walks_and_roles_within_scope);
