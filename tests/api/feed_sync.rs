//! A partner's sync loop: one reader polls the change feed while several
//! writers commit at once; afterwards the reader's copy equals the store.

use std::collections::BTreeMap;

use api::graphql::ids;
use entity::{visit, walk};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::on_both_stores;
use crate::walks::{add_visit, create_walk, rate, submit, walk_input};

const POLL: &str = "query($after: String) {
  changes(after: $after, first: 7) {
    pageInfo { hasNextPage endCursor }
    edges { cursor node { operation recordType recordId
      record { ... on Walk { status version } ... on Visit { subject } } } }
  } }";

const DELETE_VISIT: &str = "mutation($input: DeleteVisitInput!) {
  deleteVisit(input: $input) { walk { id } userErrors { code } } }";

/// The reader's copy: record id to what it last read of it.
type Copy = BTreeMap<String, Value>;

/// Applies one page; returns the cursor to keep and whether more waits.
fn apply(copy: &mut Copy, seen: &mut Vec<String>, page: &Value) -> (Option<Value>, bool) {
    for edge in page["edges"].as_array().unwrap() {
        seen.push(edge["cursor"].as_str().unwrap().to_owned());
        let node = &edge["node"];
        if !matches!(node["recordType"].as_str(), Some("Walk" | "Visit")) {
            continue;
        }
        let id = node["recordId"].as_str().unwrap().to_owned();
        match (node["operation"].as_str().unwrap(), &node["record"]) {
            ("UPSERT", record) if !record.is_null() => copy.insert(id, record.clone()),
            _ => copy.remove(&id),
        };
    }
    let info = &page["pageInfo"];
    let cursor = Some(info["endCursor"].clone()).filter(|c| !c.is_null());
    (cursor, info["hasNextPage"].as_bool().unwrap())
}

/// One writer's share: walks with visits, ratings, a deletion, a submit.
async fn write(app: TestApp, protocol: String, writer: u32) {
    let token = app.leader("2516");
    for n in 0..3 {
        let date = format!("2025-{:02}-{:02}", 9 + writer, 1 + n);
        let urn = [137106, 138655][(n % 2) as usize];
        let walk = create_walk(&app, &token, walk_input(urn, &protocol, &date)).await;
        let kept = add_visit(&app, &token, &walk, "English", 7).await;
        let dropped = add_visit(&app, &token, &walk, "Art", 8).await;
        rate(&app, &token, &walk, &kept, None, &[("RL1", Some(2))]).await;
        let input = json!({ "visitId": dropped });
        app.data(&token, DELETE_VISIT, json!({ "input": input }))
            .await;
        if n != 1 {
            submit(&app, &token, &walk).await;
        }
    }
}

/// Walks and visits of trust 2516 as the store holds them.
async fn stored(app: &TestApp) -> Copy {
    let mut copy = Copy::new();
    let walks = walk::Entity::find()
        .filter(walk::Column::TrustId.eq("2516"))
        .all(app.db())
        .await
        .unwrap();
    for w in walks {
        let status = serde_json::to_value(w.status).unwrap();
        let status = status.as_str().unwrap().to_uppercase();
        let value = json!({ "status": status, "version": w.version });
        copy.insert(ids::encode(ids::WALK, w.id).0, value);
    }
    let visits = visit::Entity::find()
        .filter(visit::Column::TrustId.eq("2516"))
        .all(app.db())
        .await
        .unwrap();
    for v in visits {
        copy.insert(
            ids::encode(ids::VISIT, v.id).0,
            json!({ "subject": v.subject }),
        );
    }
    copy
}

async fn a_reader_polling_while_writers_commit_ends_with_the_stores_data(app: TestApp) {
    app.import_schools().await;
    let protocol = app.import_core_protocol("2516").await;
    let writers: Vec<_> = (0..3)
        .map(|w| tokio::spawn(write(app.clone(), protocol.clone(), w)))
        .collect();

    let token = app.leader("2516");
    let (mut copy, mut seen, mut cursor) = (Copy::new(), Vec::new(), None::<Value>);
    let mut finished = false;
    loop {
        let done = writers.iter().all(|w| w.is_finished());
        let page = app.data(&token, POLL, json!({ "after": cursor })).await;
        let (next, more) = apply(&mut copy, &mut seen, &page["changes"]);
        cursor = next.or(cursor);
        if !more && finished {
            break;
        }
        // One more full pass once every writer has committed.
        finished = done && !more;
    }
    for writer in writers {
        writer.await.unwrap();
    }
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), seen.len(), "an entry came twice");
    assert_eq!(copy, stored(&app).await);
    assert_eq!(copy.len(), 3 * 3 * 2, "nine walks with one visit each");
}

on_both_stores!(a_reader_polling_while_writers_commit_ends_with_the_stores_data);
