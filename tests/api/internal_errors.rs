//! An internal fault reaches the client as `INTERNAL_SERVER_ERROR` with the
//! request's id, never with SQL, table or constraint names.

use sea_orm::{ConnectionTrait, Statement};
use serde_json::json;

use crate::helpers::TestApp;
use crate::import_ratings::HEADER;
use crate::on_both_stores;

async fn a_database_fault_is_masked_and_names_the_request(app: TestApp) {
    app.import_schools().await;
    let backend = app.db().get_database_backend();
    let drop = Statement::from_string(backend, "DROP TABLE highlights");
    app.db().execute_raw(drop).await.unwrap();

    let query = "{ highlights(first: 5) { totalCount } }";
    let response = (app.client().post(app.url("/graphql")))
        .bearer_auth(app.leader("2516"))
        .header("x-request-id", "req-for-the-report")
        .json(&json!({ "query": query }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["x-request-id"], "req-for-the-report");
    let body: serde_json::Value = response.json().await.unwrap();
    let error = &body["errors"][0];
    assert_eq!(error["message"], "internal error", "{body}");
    assert_eq!(
        error["extensions"],
        json!({ "code": "INTERNAL_SERVER_ERROR", "requestId": "req-for-the-report" })
    );
    let text = body.to_string().to_lowercase();
    for leak in ["table", "relation", "sql", "select"] {
        assert!(!text.contains(leak), "{leak} in {body}");
    }
}

/// Outside GraphQL too: an import that meets a database fault answers 500
/// with the request's id and nothing of the database.
async fn an_import_fault_names_the_request(app: TestApp) {
    app.import_schools().await;
    app.import_core_protocol("2516").await;
    let backend = app.db().get_database_backend();
    let drop = Statement::from_string(backend, "DROP TABLE walk_observers");
    app.db().execute_raw(drop).await.unwrap();

    let file = format!("{HEADER}\nW1,137106,2025-10-07,lead-a,V1,English,KS3,lead-a,lead,RL1,3\n");
    let response = (app.client())
        .post(app.url("/import/ratings?protocolKey=trust-core"))
        .bearer_auth(app.leader("2516"))
        .header("content-type", "text/csv")
        .header("x-request-id", "req-import-report")
        .body(file)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 500);
    assert_eq!(response.headers()["x-request-id"], "req-import-report");
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(
        body,
        json!({ "errors": [{ "message": "internal error", "extensions":
            { "code": "INTERNAL_SERVER_ERROR", "requestId": "req-import-report" } }] })
    );
}

on_both_stores!(
    a_database_fault_is_masked_and_names_the_request,
    an_import_fault_names_the_request,
);
