//! GraphQL over HTTP: the `graphql-http` package's audit of the
//! specification run against the live service, and the behaviours it
//! leaves to the server, each checked here.

use serde_json::{Value, json};

use crate::helpers::{Store, TestApp, node, run};
use crate::on_both_stores;
use crate::persisted_queries::sha256;

const RESPONSE: &str = "application/graphql-response+json";
const JSON: &str = "application/json";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_graphql_over_http_audit_finds_every_must_met() {
    run(Store::Sqlite, |app| async move {
        app.create_trust("2516").await;
        let dir = node::packages("http-audit", "graphql-http").await;
        let (url, token) = (app.url("/graphql"), app.leader("2516"));
        let stdout = node::run(&dir, "node", &["audit.mjs", &url, &token]).await;
        let results: Vec<Value> = serde_json::from_slice(&stdout).unwrap();
        assert!(results.len() > 50, "{results:?}");
        let failed: Vec<&Value> = results.iter().filter(|r| r["status"] == "error").collect();
        assert!(failed.is_empty(), "MUSTs not met: {failed:#?}");
        let should: Vec<&Value> = results.iter().filter(|r| r["status"] == "warn").collect();
        assert!(
            should.is_empty(),
            "SHOULDs not met (update the README): {should:#?}"
        );
    })
    .await;
}

async fn send(app: &TestApp, request: reqwest::RequestBuilder) -> (u16, String, Value) {
    let request = request.bearer_auth(app.leader("2516"));
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let kind = (response.headers().get("content-type"))
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, kind, response.json().await.unwrap_or(Value::Null))
}

async fn the_media_type_follows_accept_and_sets_the_status(app: TestApp) {
    app.create_trust("2516").await;
    let post = |accept: &str, query: &str| {
        let body = json!({ "query": query });
        (app.client().post(app.url("/graphql")))
            .header("accept", accept)
            .json(&body)
    };
    // A document that cannot run: 400 without data under the new type,
    // 200 with null data under application/json.
    let (status, kind, body) = send(&app, post(RESPONSE, "{ nosuchfield }")).await;
    assert_eq!((status, kind.as_str()), (400, RESPONSE));
    assert_eq!(body.get("data"), None);
    assert_eq!(
        body["errors"][0]["extensions"]["code"],
        "GRAPHQL_VALIDATION_FAILED"
    );
    let (status, kind, body) = send(&app, post("application/json", "{ viewer {")).await;
    assert_eq!((status, kind.as_str()), (200, "application/json"));
    assert_eq!(
        body["errors"][0]["extensions"]["code"],
        "GRAPHQL_PARSE_FAILED"
    );
    // Documents refused before parsing follow the same rule.
    let deep = format!(
        "{{ viewer(a: {}{}) {{ subject }} }}",
        "[".repeat(200),
        "]".repeat(200)
    );
    let long = format!("{{ viewer {{ subject }} }} #{}", "x".repeat(40_000));
    for (document, code) in [(&deep, "QUERY_TOO_DEEP"), (&long, "QUERY_TOO_LARGE")] {
        for (accept, expected) in [(RESPONSE, 400), ("application/json", 200)] {
            let (status, kind, body) = send(&app, post(accept, document)).await;
            assert_eq!((status, kind.as_str()), (expected, accept), "{code}");
            assert_eq!(body["errors"][0]["extensions"]["code"], code);
            assert_eq!(body.get("data"), None, "{code}");
        }
    }

    // A document that runs answers 200 in the type asked for, the higher
    // quality first.
    let both = "application/json;q=0.5, application/graphql-response+json";
    let (status, kind, body) = send(&app, post(both, "{ viewer { trustUid } }")).await;
    assert_eq!((status, kind.as_str()), (200, RESPONSE));
    // Every executed request reports its cost: two fields, one each.
    assert_eq!(
        body,
        json!({ "data": { "viewer": { "trustUid": "2516" } },
                "extensions": { "cost": { "requestedQueryCost": 2,
                                          "maximumQueryCost": 250_000 } } })
    );
    let (status, kind, _) = send(&app, post("*/*", "{ viewer { trustUid } }")).await;
    assert_eq!((status, kind.as_str()), (200, "application/json"));
    // The range naming a type most closely sets its quality, and q=0
    // refuses it; several Accept headers are one list.
    for (accept, wanted) in [
        ("application/json;q=0, */*;q=0.1", RESPONSE),
        (
            "application/graphql-response+json;q=0.2, application/*;q=0.5",
            JSON,
        ),
        ("application/*", JSON),
        (
            "application/json, application/graphql-response+json",
            RESPONSE,
        ),
    ] {
        let (status, kind, _) = send(&app, post(accept, "{ __typename }")).await;
        assert_eq!((status, kind.as_str()), (200, wanted), "{accept}");
    }
    let two = post("text/html", "{ __typename }").header("accept", RESPONSE);
    let (status, kind, _) = send(&app, two).await;
    assert_eq!((status, kind.as_str()), (200, RESPONSE));
    let none = "application/json;q=0, application/graphql-response+json;q=0, */*";
    let (status, _, _) = send(&app, post(none, "{ __typename }")).await;
    assert_eq!(status, 406);

    // Neither type accepted: 406.
    let (status, _, body) = send(&app, post("text/csv", "{ viewer { trustUid } }")).await;
    assert_eq!(
        (status, &body["errors"][0]["extensions"]["code"]),
        (406, &json!("NOT_ACCEPTABLE"))
    );
}

async fn requests_that_are_not_graphql_are_refused_with_a_code(app: TestApp) {
    app.create_trust("2516").await;
    let graphql = app.url("/graphql");
    let raw = |kind: &str, body: &str| {
        (app.client().post(&graphql))
            .header("content-type", kind)
            .header("accept", RESPONSE)
            .body(body.to_owned())
    };
    let (media, input) = ("UNSUPPORTED_MEDIA_TYPE", "BAD_USER_INPUT");
    for (request, status, code) in [
        (raw("text/plain", "{ viewer { trustUid } }"), 415, media),
        // Two declared types are no one type.
        (
            raw("application/json", r#"{"query":"{ __typename }"}"#)
                .header("content-type", "text/plain"),
            415,
            media,
        ),
        (
            raw(
                "application/json; charset=latin1",
                r#"{"query":"{ __typename }"}"#,
            ),
            415,
            media,
        ),
        (raw("application/json", r#"{"variables":{}}"#), 400, input),
        (raw("application/json", r#"{"query":{"x":1}}"#), 400, input),
        (
            raw(
                "application/json",
                r#"{"query":"{ __typename }","variables":"[]"}"#,
            ),
            400,
            input,
        ),
        (raw("application/json", r#""{ __typename }""#), 400, input),
    ] {
        let (got, kind, body) = send(&app, request).await;
        assert_eq!((got, kind.as_str()), (status, RESPONSE), "{body}");
        assert_eq!(body["errors"][0]["extensions"]["code"], code, "{body}");
        assert_eq!(body.get("data"), None);
    }

    // Mutations (and subscriptions) never run over GET.
    let get = (app.client().get(&graphql)).query(&[(
        "query",
        "mutation { submitWalk(input: { walkId: \"x\" }) { walk { id } } }",
    )]);
    let response = get.bearer_auth(app.leader("2516")).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 405);
    assert_eq!(response.headers()["allow"], "POST");
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body["errors"][0]["extensions"]["code"],
        "METHOD_NOT_ALLOWED"
    );
    // A named mutation is the document's only operation: it runs without
    // `operationName`, so GET refuses it too.
    let named = "mutation Submit { submitWalk(input: { walkId: \"x\" }) { walk { id } } }";
    let get = (app.client().get(&graphql)).query(&[("query", named)]);
    let response = get.bearer_auth(app.leader("2516")).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 405);
    let twice = (app.client().get(&graphql)).query(&[
        ("query", "{ a: __typename }"),
        ("query", "{ b: __typename }"),
    ]);
    let (status, _, body) = send(&app, twice).await;
    assert_eq!(status, 400, "{body}");
}

async fn requests_that_cannot_run_answer_without_data(app: TestApp) {
    app.create_trust("2516").await;
    let leader = app.leader("2516");
    let post = |body: Value| {
        (app.client().post(app.url("/graphql")))
            .header("accept", RESPONSE)
            .json(&body)
    };
    let two = "query A { viewer { trustUid } } query B { viewer { roles } }";
    for body in [
        json!({ "query": "{ viewer { trustUid } }", "operationName": "X" }),
        json!({ "query": two }),
    ] {
        let (status, _, got) = send(&app, post(body.clone())).await;
        assert_eq!(status, 400, "{body}: {got}");
        assert_eq!(got.get("data"), None, "{body}");
    }
    // Over GET, several operations without a name run none, every time.
    for _ in 0..4 {
        let get = app
            .client()
            .get(app.url("/graphql"))
            .query(&[("query", two)]);
        let response = get.bearer_auth(&leader).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 200);
    }
    // Other methods: 405 with the error as JSON.
    let put = app.client().put(app.url("/graphql")).bearer_auth(&leader);
    let response = put.send().await.unwrap();
    assert_eq!(response.status().as_u16(), 405);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body["errors"][0]["extensions"]["code"],
        "METHOD_NOT_ALLOWED"
    );

    // Nested lists cost their page size: a cycle through observers and
    // their walks is refused before it runs.
    let cycle = "{ observers(first: 100) { nodes { walks(first: 100) { nodes { walk {
      observers { observer { walks(first: 100) { nodes { role } } } } } } } } } }";
    let body = app.graphql(&leader, cycle, json!({})).await;
    assert_eq!(body["errors"][0]["extensions"]["code"], "QUERY_TOO_COMPLEX");

    // A persisted text is kept only once it has run.
    let broken = "{ viewer { ";
    let extensions = json!({ "persistedQuery": { "version": 1, "sha256Hash": sha256(broken) } });
    let (_, _, _) = send(
        &app,
        post(json!({ "query": broken, "extensions": extensions })),
    )
    .await;
    let (status, _, got) = send(&app, post(json!({ "extensions": extensions }))).await;
    assert_eq!(status, 400);
    assert_eq!(
        got["errors"][0]["extensions"]["code"],
        "PERSISTED_QUERY_NOT_FOUND"
    );
}

on_both_stores!(
    requests_that_cannot_run_answer_without_data,
    the_media_type_follows_accept_and_sets_the_status,
    requests_that_are_not_graphql_are_refused_with_a_code,
);
