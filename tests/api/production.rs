//! Production mode: introspection is off except for partner tokens, and
//! errors never suggest field names. Development mode keeps both.

use api::auth::Role;
use serde_json::{Value, json};

use crate::helpers::{Store, TestApp, run, run_with};

const TYPES: &str = "{ __schema { queryType { name } } }";
const TYPO: &str = "{ viewr { subject } }";

async fn introspect(app: &TestApp, token: &str) -> Value {
    app.graphql(token, TYPES, json!({})).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn production_mode_hides_the_schema_from_all_but_partners() {
    run_with(Store::Sqlite, &["--production"], |app| async move {
        app.create_trust("2516").await;
        let leader = introspect(&app, &app.leader("2516")).await;
        assert_eq!(leader["data"], Value::Null, "{leader}");
        assert_eq!(leader["errors"][0]["extensions"]["code"], "FORBIDDEN");
        // Asked through a fragment or an inline fragment at the root.
        let hidden = [
            "query { ...Types } fragment Types on Query { __schema { queryType { name } } }",
            "query Named { ... on Query { __type(name: \"Walk\") { name } } }",
            "query { ...A } fragment A on Query { ...B } fragment B on Query { __schema { description } }",
        ];
        for query in hidden {
            let answer = app.graphql(&app.leader("2516"), query, json!({})).await;
            assert_eq!(answer["data"], Value::Null, "{answer}");
            assert_eq!(answer["errors"][0]["extensions"]["code"], "FORBIDDEN", "{answer}");
        }
        // `__typename` is not introspection.
        let named = app.graphql(&app.leader("2516"), "{ __typename }", json!({})).await;
        assert_eq!(named, json!({ "data": { "__typename": "Query" } }));
        let partner = app.token("2516", &[Role::Partner], None);
        let partner = introspect(&app, &partner).await;
        assert_eq!(
            partner["data"]["__schema"]["queryType"]["name"], "Query",
            "{partner}"
        );

        let typo = app.graphql(&app.leader("2516"), TYPO, json!({})).await;
        let message = typo["errors"][0]["message"].as_str().unwrap();
        assert!(!message.contains("Did you mean"), "{message}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn development_mode_keeps_introspection_and_suggestions() {
    run(Store::Sqlite, |app| async move {
        app.create_trust("2516").await;
        let leader = introspect(&app, &app.leader("2516")).await;
        assert_eq!(
            leader["data"]["__schema"]["queryType"]["name"], "Query",
            "{leader}"
        );
        let typo = app.graphql(&app.leader("2516"), TYPO, json!({})).await;
        let message = typo["errors"][0]["message"].as_str().unwrap();
        assert!(message.contains("Did you mean \"viewer\""), "{message}");
    })
    .await;
}
