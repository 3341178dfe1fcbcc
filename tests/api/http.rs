//! Bodies that are not one GraphQL request get a GraphQL-shaped error.

use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::on_both_stores;

async fn batches_and_broken_json_are_refused_with_a_code(app: TestApp) {
    app.create_trust("2516").await;
    let token = app.leader("2516");
    let batch =
        json!([{ "query": "{ viewer { trustUid } }" }, { "query": "{ viewer { roles } }" }]);
    for (body, message) in [
        (
            batch.to_string(),
            "batched requests are not supported; send one operation per request",
        ),
        (
            "{\"query\": ".to_owned(),
            "the body is not a GraphQL request",
        ),
        (
            "1".to_owned(),
            "the body is not a GraphQL request: invalid type: integer `1`, expected an object",
        ),
        (" [1]".to_owned(), "batched requests are not supported"),
        (
            r#"{"query": "{ viewer { trustUid } }", "query": "{ viewer { roles } }"}"#.to_owned(),
            "the body is not a GraphQL request: `query` is given twice",
        ),
    ] {
        let response = app
            .client()
            .post(app.url("/graphql"))
            .bearer_auth(&token)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 400);
        let body: Value = response.json().await.unwrap();
        assert_eq!(
            body["errors"][0]["extensions"],
            json!({ "code": "BAD_USER_INPUT" })
        );
        let text = body["errors"][0]["message"].as_str().unwrap();
        assert!(text.starts_with(message), "{text}");
    }
}

async fn a_body_over_the_limit_is_refused_with_a_code(app: TestApp) {
    app.create_trust("2516").await;
    let query = format!("{{ viewer {{ trustUid }} }} # {}", "x".repeat(1_100_000));
    let (status, body) = app.post(&app.leader("2516"), &query, json!({})).await;
    assert_eq!(status, 413);
    assert_eq!(
        body["errors"][0]["extensions"],
        json!({ "code": "REQUEST_TOO_LARGE" })
    );
}

async fn an_unparsable_query_has_a_parse_failed_code(app: TestApp) {
    app.create_trust("2516").await;
    let body = app
        .graphql(&app.leader("2516"), "{ viewer { ", json!({}))
        .await;
    assert_eq!(
        body["errors"][0]["extensions"],
        json!({ "code": "GRAPHQL_PARSE_FAILED" })
    );
    let body = app
        .graphql(&app.leader("2516"), "{ nosuchfield }", json!({}))
        .await;
    assert_eq!(
        body["errors"][0]["extensions"],
        json!({ "code": "GRAPHQL_VALIDATION_FAILED" })
    );
}

async fn a_query_past_the_complexity_limit_is_refused_before_it_runs(app: TestApp) {
    app.create_trust("2516").await;
    let token = app.leader("2516");
    let page = "walks(first: 100) { nodes { id date status purpose
        visits(first: 10) { nodes { subject minutes
          ratings(first: 40) { nodes { level outcome evidence indicator { code } } } } } } }";
    let one = app
        .graphql(&token, &format!("{{ a: {page} }}"), json!({}))
        .await;
    assert!(one.get("errors").is_none(), "{one}");
    let two = app
        .graphql(&token, &format!("{{ a: {page} b: {page} }}"), json!({}))
        .await;
    assert_eq!(
        two["errors"][0]["extensions"],
        json!({ "code": "QUERY_TOO_COMPLEX" }),
        "{two}"
    );
}

async fn get_reads_operation_name_and_variables_and_any_case_of_bearer(app: TestApp) {
    app.import_schools().await;
    let token = app.leader("2516");
    let query = "query A { viewer { trustUid } } query B($u: Int!) { school(urn: $u) { name } }";
    let response = app
        .get(
            &format!("bearer {token}"),
            &[
                ("query", query),
                ("operationName", "B"),
                ("variables", "{\"u\": 137106}"),
            ],
        )
        .await;
    assert_eq!(response.status().as_u16(), 200);
    let body = crate::helpers::without_cost(response.json().await.unwrap());
    assert_eq!(
        body,
        json!({ "data": { "school": { "name": "King's Oak Academy" } } })
    );
}

async fn unknown_paths_and_methods_are_refused_with_a_code(app: TestApp) {
    for path in ["/", "/nope", "/graphql/extra", "/health/"] {
        let response = app.client().get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 404, "{path}");
        assert_eq!(
            response.json::<Value>().await.unwrap(),
            json!({ "errors": [{ "message": "no such path: the API is POST /graphql",
                                 "extensions": { "code": "NOT_FOUND" } }] }),
            "{path}"
        );
    }
    for path in ["/health", "/metrics"] {
        let response = app.client().post(app.url(path)).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 405, "{path}");
        assert_eq!(response.headers()["allow"], "GET", "{path}");
        let body = response.json::<Value>().await.unwrap();
        assert_eq!(
            body["errors"][0],
            json!({ "message": "this path answers GET only",
                    "extensions": { "code": "METHOD_NOT_ALLOWED" } }),
            "{path}"
        );
    }
}

on_both_stores!(
    unknown_paths_and_methods_are_refused_with_a_code,
    a_body_over_the_limit_is_refused_with_a_code,
    a_query_past_the_complexity_limit_is_refused_before_it_runs,
    get_reads_operation_name_and_variables_and_any_case_of_bearer,
    batches_and_broken_json_are_refused_with_a_code,
    an_unparsable_query_has_a_parse_failed_code,
);
