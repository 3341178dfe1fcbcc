//! `api import ratings`: all of a file or none of it, every fault named.

use serde_json::json;

use crate::helpers::{TestApp, data_file};
use crate::on_both_stores;

pub const HEADER: &str =
    "walk,school_urn,date,lead,visit,subject,key_stage,observer,observer_role,indicator,level";

/// Rows in the tables an import writes.
pub async fn written(app: &TestApp) -> Vec<i64> {
    use sea_orm::{ConnectionTrait, Statement};
    let mut counts = Vec::new();
    for table in ["walks", "walk_observers", "observers", "visits", "ratings"] {
        let sql = format!("SELECT COUNT(*) AS n FROM {table}");
        let statement = Statement::from_string(app.db().get_database_backend(), sql);
        let row = app.db().query_one_raw(statement).await.unwrap().unwrap();
        counts.push(row.try_get::<i64>("", "n").unwrap());
    }
    counts
}

async fn import(app: &TestApp, trust: &str, rows: &[&str]) -> Result<String, String> {
    let file = format!("{HEADER}\n{}\n", rows.join("\n"));
    let result =
        api::import::ratings::import_ratings(app.db(), trust, "trust-core", file.as_bytes());
    result
        .await
        .map(|i| i.to_string())
        .map_err(|e| e.to_string())
}

async fn a_ratings_file_is_imported_whole_or_not_at_all(app: TestApp) {
    app.import_schools().await;
    app.import_core_protocol("2516").await;
    let good = "W1,137106,2025-10-07,lead-a,V1,English,KS3,lead-a,lead,RL1,3";
    let long = format!(
        "W1,137106,2025-10-07,lead-a,V1,{},KS3,lead-a,lead,RL2,3",
        "x".repeat(101)
    );
    let second = "W1,137106,2025-10-07,lead-a,V1,English,KS3,co-b,co_observer,RL1,";

    let cases = [
        (
            vec![
                good,
                "W1,137106,2025-10-07,lead-a,V1,English,KS3,lead-a,lead,RL2,x",
            ],
            "line 3: level \"x\" is not a number",
        ),
        (
            vec![
                good,
                "W2,142070,2025-10-07,lead-a,V2,English,KS3,lead-a,lead,RL1,3",
            ],
            "walk W2: school 142070 is not in the trust",
        ),
        (
            vec![
                good,
                "W1,137106,2025-10-07,lead-a,V1,English,KS3,lead-a,lead,ZZ9,3",
            ],
            "visit V1: indicator ZZ9 is not in trust-core version 1",
        ),
        (
            vec![
                good,
                "W1,137106,1800-10-07,lead-a,V1,English,KS3,lead-a,lead,RL2,3",
            ],
            "line 3: date \"1800-10-07\"",
        ),
        (
            vec![
                good,
                "W1,137106,2025-10-07,lead-a,V1,Eng\u{1}lish,KS3,lead-a,lead,RL2,3",
            ],
            "line 3: subject holds a control character",
        ),
        (
            vec![good, long.as_str()],
            "line 3: subject is longer than 100 characters",
        ),
        (
            vec![
                good,
                "W1,137106,2025-10-07,lead-a,V1,English,KS3,lead-a,lead,RL2,5",
            ],
            "visit V1, indicator RL2: level 5 is not on the protocol's scale",
        ),
    ];
    for (rows, fault) in cases {
        let err = import(&app, "2516", &rows).await.unwrap_err();
        assert!(err.contains(fault), "{err}");
        assert_eq!(written(&app).await, [0, 0, 0, 0, 0], "{fault}");
    }

    let third = "W1,137106,2025-10-07,lead-a,V1,English,KS3,co-b,co_observer,RL2,N/A";
    let done = import(&app, "2516", &[good, second, third]).await.unwrap();
    assert_eq!(
        done,
        "1 walks, 1 visits and 3 ratings on trust-core version 1 (2 new observers)"
    );
    assert_eq!(written(&app).await, [1, 2, 2, 1, 3]);
    let again = import(&app, "2516", &[good]).await.unwrap_err();
    assert!(
        again.contains("line 2: walk W1 was imported before"),
        "{again}"
    );
    assert_eq!(written(&app).await, [1, 2, 2, 1, 3]);

    // The walk is submitted, with its team, and counts in the figures.
    let query = "{ walks(first: 5) { nodes { status date observers { role observer { reference } }
                   visits(first: 5) { nodes { subject keyStage
                     ratings(first: 10) { nodes { outcome level } } } }
                   auditTrail(first: 10) { nodes { actor action } } } } }";
    let mut data = app.data(&app.leader("2516"), query, json!({})).await;
    // Ratings come in observer id order; compare them as a set.
    let ratings = &mut data["walks"]["nodes"][0]["visits"]["nodes"][0]["ratings"]["nodes"];
    let mut sorted = ratings.as_array().unwrap().clone();
    sorted.sort_by_key(|r| r["outcome"].as_str().unwrap().to_owned());
    *ratings = json!(sorted);
    assert_eq!(
        data["walks"]["nodes"],
        json!([{ "status": "SUBMITTED", "date": "2025-10-07",
                 "observers": [{ "role": "LEAD", "observer": { "reference": "lead-a" } },
                               { "role": "CO_OBSERVER", "observer": { "reference": "co-b" } }],
                 "visits": { "nodes": [{ "subject": "English", "keyStage": "KS3",
                     "ratings": { "nodes": [{ "outcome": "LEVEL", "level": 3 },
                                            { "outcome": "NOT_APPLICABLE", "level": null },
                                            { "outcome": "NOT_OBSERVED", "level": null }] } }] },
                 "auditTrail": { "nodes": [{ "actor": "import", "action": "walk.imported" }] } }])
    );
}

async fn another_trust_can_import_the_same_names(app: TestApp) {
    app.import_schools().await;
    app.import_core_protocol("2516").await;
    app.import_core_protocol("3111").await;
    import(
        &app,
        "2516",
        &["W1,137106,2025-10-07,a,V1,English,KS3,a,lead,RL1,3"],
    )
    .await
    .unwrap();
    import(
        &app,
        "3111",
        &["W1,142070,2025-10-07,a,V1,English,KS3,a,lead,RL1,2"],
    )
    .await
    .unwrap();
    assert_eq!(written(&app).await, [2, 2, 2, 2, 2]);
    let fixture = std::fs::read(data_file("metrics-fixture/ratings.csv")).unwrap();
    let err = api::import::ratings::import_ratings(app.db(), "2516", "trust-core", &fixture)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("is not in the trust"), "{err}");
}

on_both_stores!(
    a_ratings_file_is_imported_whole_or_not_at_all,
    another_trust_can_import_the_same_names,
);
