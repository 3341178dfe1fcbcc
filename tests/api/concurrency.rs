//! Writes that race: a submit never loses to a late visit or rating, and
//! concurrent writers all succeed on both stores.

use serde_json::json;

use crate::helpers::TestApp;
use crate::on_both_stores;
use crate::user_errors::{refusal, refused_with, user_error};
use crate::walks::{ADD_VISIT, RECORD_RATINGS, SUBMIT_WALK, add_visit, create_walk, walk_input};

const STATUS: &str =
    "query($id: ID!) { walk(id: $id) { status visits(first: 50) { totalCount nodes { id } } } }";

async fn a_submit_racing_visits_and_ratings_stays_submitted(app: TestApp) {
    app.import_schools().await;
    let protocol = app.import_core_protocol("2516").await;
    let token = app.leader("2516");
    for round in 0..5 {
        let date = format!("2025-10-{:02}", round + 1);
        let walk = create_walk(&app, &token, walk_input(137106, &protocol, &date)).await;
        let visit = add_visit(&app, &token, &walk, "English", 7).await;

        let mut racers = Vec::new();
        for i in 0..6 {
            let (app, token, walk, visit) =
                (app.clone(), token.clone(), walk.clone(), visit.clone());
            racers.push(tokio::spawn(async move {
                let (query, input) = match i {
                    0 => (SUBMIT_WALK, json!({ "walkId": walk })),
                    i if i % 2 == 1 => (
                        ADD_VISIT,
                        json!({ "walkId": walk, "subject": "Art", "minutes": 10 }),
                    ),
                    _ => (
                        RECORD_RATINGS,
                        json!({ "walkId": walk, "visitId": visit,
                        "ratings": [{ "indicatorCode": "RL1", "level": 2 }] }),
                    ),
                };
                let body = app.graphql(&token, query, json!({ "input": input })).await;
                (i, body)
            }));
        }
        let mut added = 0;
        let mut submitted = false;
        for racer in racers {
            let (i, body) = racer.await.unwrap();
            match refused_with(&body) {
                None if i == 0 => submitted = true,
                None if i % 2 == 1 => added += 1,
                None => {}
                Some(code) => assert_eq!(code, "BAD_USER_INPUT", "{body}"),
            }
        }
        assert!(submitted, "the walk had a visit, so submit must succeed");
        let read = app.data(&token, STATUS, json!({ "id": walk })).await;
        assert_eq!(read["walk"]["status"], "SUBMITTED");
        let visits = &read["walk"]["visits"];
        assert_eq!(visits["nodes"].as_array().unwrap().len(), 1 + added);
        assert_eq!(visits["totalCount"], 1 + added);
    }
}

async fn concurrent_walks_are_all_recorded(app: TestApp) {
    app.import_schools().await;
    let protocol = app.import_core_protocol("2516").await;
    let token = app.leader("2516");
    let mut writers = Vec::new();
    for day in 1..=12 {
        let (app, token, protocol) = (app.clone(), token.clone(), protocol.clone());
        writers.push(tokio::spawn(async move {
            let date = format!("2025-11-{day:02}");
            create_walk(&app, &token, walk_input(137106, &protocol, &date)).await
        }));
    }
    for writer in writers {
        writer.await.unwrap();
    }
    let count = app
        .data(&token, "{ walks(first: 1) { totalCount } }", json!({}))
        .await;
    assert_eq!(count["walks"]["totalCount"], 12);
}

const VERSION: &str =
    "query($id: ID!) { walk(id: $id) { version visits(first: 50) { nodes { id } } } }";

async fn a_write_based_on_an_old_read_gets_conflict_and_changes_nothing(app: TestApp) {
    app.import_schools().await;
    let protocol = app.import_core_protocol("2516").await;
    let token = app.leader("2516");
    let walk = create_walk(&app, &token, walk_input(137106, &protocol, "2025-10-07")).await;
    let read = app.data(&token, VERSION, json!({ "id": walk })).await;
    assert_eq!(read["walk"]["version"], 1);

    let visit = |version: i64| json!({ "input": { "walkId": walk, "subject": "Art", "minutes": 10, "expectedVersion": version } });
    app.data(&token, ADD_VISIT, visit(1)).await;
    let stale = app.graphql(&token, ADD_VISIT, visit(1)).await;
    let message =
        "the walk changed since you read it (now version 2); read it again before writing";
    assert_eq!(
        refusal(&stale, "addVisit"),
        user_error("CONFLICT", None, message)
    );
    let read = app.data(&token, VERSION, json!({ "id": walk })).await;
    assert_eq!(
        (
            &read["walk"]["version"],
            read["walk"]["visits"]["nodes"].as_array().unwrap().len()
        ),
        (&json!(2), 1)
    );
    let visit_id = read["walk"]["visits"]["nodes"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    // Two writers who read version 2 race: one wins, the other is told.
    let mut racers = Vec::new();
    for level in [2, 3] {
        let (app, token, walk, visit_id) =
            (app.clone(), token.clone(), walk.clone(), visit_id.clone());
        racers.push(tokio::spawn(async move {
            let input = json!({ "input": { "walkId": walk, "visitId": visit_id, "expectedVersion": 2,
                "ratings": [{ "indicatorCode": "RL1", "level": level }] } });
            app.graphql(&token, RECORD_RATINGS, input).await
        }));
    }
    let mut codes = Vec::new();
    for racer in racers {
        let body = racer.await.unwrap();
        codes.push(refused_with(&body).unwrap_or_else(|| "OK".to_owned()));
    }
    codes.sort();
    assert_eq!(codes, ["CONFLICT", "OK"]);
    let read = app.data(&token, VERSION, json!({ "id": walk })).await;
    assert_eq!(read["walk"]["version"], 3);
}

on_both_stores!(
    a_write_based_on_an_old_read_gets_conflict_and_changes_nothing,
    a_submit_racing_visits_and_ratings_stays_submitted,
    concurrent_walks_are_all_recorded,
);
