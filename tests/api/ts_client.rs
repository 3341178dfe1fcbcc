//! The typed TypeScript client of `tests/ts-client`: generated from the
//! checked-in `schema.graphql` with GraphQL Code Generator, compiled with
//! `tsc` on every run, and run against the live service: it pages walks,
//! keeps a copy from the change feed and retries an upsert.

use serde_json::{Value, json};

use crate::helpers::{Store, node, run};
use crate::walks::{create_walk, walk_input};

/// Seven walks of one trust, two of them on the same day, so that pages
/// of two split a date and the last page holds one walk.
const WALKS: [(i32, &str); 7] = [
    (137106, "2025-09-15"),
    (138655, "2025-10-01"),
    (137106, "2025-11-03"),
    (138655, "2025-11-03"),
    (137106, "2026-01-12"),
    (138655, "2026-02-02"),
    (137106, "2026-03-09"),
];

/// Regenerates the client's types from the schema and compiles it.
async fn build(dir: &std::path::Path) {
    for output in ["generated", "dist"] {
        match std::fs::remove_dir_all(dir.join(output)) {
            Err(err) if err.kind() != std::io::ErrorKind::NotFound => panic!("{err}"),
            _ => {}
        }
    }
    node::run(dir, "npm", &["run", "--silent", "build"]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_typed_typescript_client_compiles_against_the_schema_pages_syncs_and_retries_safely() {
    run(Store::Sqlite, |app| async move {
        let dir = node::packages("ts-client", "@graphql-codegen/cli").await;
        build(&dir).await;

        app.import_schools().await;
        let protocol = app.import_core_protocol("2516").await;
        let token = app.leader("2516");
        let mut created = Vec::new();
        for (urn, date) in WALKS {
            let input = walk_input(urn, &protocol, date);
            created.push(create_walk(&app, &token, input).await);
        }

        // What the client should see, asked for directly in one page.
        let query = "{ viewer { trustUid roles canWrite trust { name } }
          walks(first: 100) { totalCount pageInfo { hasNextPage } nodes { id } } }";
        let expected = app.data(&token, query, json!({})).await;
        assert_eq!(expected["walks"]["pageInfo"]["hasNextPage"], false);
        let ids: Vec<Value> = (expected["walks"]["nodes"].as_array().unwrap())
            .iter()
            .map(|walk| walk["id"].clone())
            .collect();
        let mut sorted: Vec<&str> = ids.iter().map(|id| id.as_str().unwrap()).collect();
        sorted.sort_unstable();
        created.sort_unstable();
        assert_eq!(sorted, created);

        let url = app.url("/graphql");
        let page = 2;
        let args = ["dist/src/client.js", &url, &token, &page.to_string()];
        let stdout = node::run(&dir, "node", &args).await;
        let summary: Value = serde_json::from_slice(&stdout).unwrap();
        // The retry gave the first answer back and planned nothing more.
        let planned = summary["planned"][0]["id"].clone();
        let after = app
            .data(
                &token,
                "{ walks(first: 100) { totalCount nodes { id externalId } } }",
                json!({}),
            )
            .await;
        assert_eq!(after["walks"]["totalCount"], WALKS.len() + 1);
        let new: Vec<&Value> = (after["walks"]["nodes"].as_array().unwrap().iter())
            .filter(|walk| walk["externalId"] == "ts-client-walk-1")
            .collect();
        assert_eq!(
            new,
            [&json!({ "id": planned, "externalId": "ts-client-walk-1" })]
        );

        let viewer = &expected["viewer"];
        assert_eq!(
            (&viewer["trust"]["name"], &expected["walks"]["totalCount"]),
            (&json!("Cabot Learning Federation"), &json!(WALKS.len()))
        );
        assert_eq!(
            summary,
            json!({
                "viewer": { "trustUid": viewer["trustUid"], "trust": viewer["trust"]["name"],
                            "roles": viewer["roles"], "canWrite": viewer["canWrite"] },
                "totalCount": expected["walks"]["totalCount"],
                "walks": WALKS.len(),
                "pages": WALKS.len().div_ceil(page),
                "ids": ids,
                "synced": sorted,
                "planned": [
                    { "created": true, "id": planned },
                    { "created": true, "id": planned },
                ],
            })
        );
    })
    .await;
}
