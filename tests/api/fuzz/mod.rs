//! Property test of the request handler over HTTP: random documents,
//! variables and request shapes never panic the server, never get a 5xx
//! (but a deliberate 503 `TIMEOUT`), and every error carries a code.
//!
//! `FUZZ_CASES` sets the cases per store (default 200); a failure is
//! shrunk by proptest and printed as the smallest request that fails.
//! A longer run (3,000 cases per store) found nothing.
//!
//! Known gap: each run draws a new seed and none is saved, so a failure in
//! CI is repeated from the printed request, not from a seed.

mod shapes;

use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::on_both_stores;
use shapes::Shape;

fn cases() -> u32 {
    let cases = std::env::var("FUZZ_CASES").ok();
    cases.and_then(|n| n.parse().ok()).unwrap_or(200)
}

async fn send(app: &TestApp, token: &str, shape: &Shape) -> reqwest::Result<reqwest::Response> {
    let request = match shape {
        Shape::Post {
            content_type,
            accept,
            body,
        } => {
            let mut request = app.client().post(app.url("/graphql")).body(body.clone());
            if let Some(kind) = content_type {
                request = request.header("content-type", *kind);
            }
            if let Some(accept) = accept {
                request = request.header("accept", *accept);
            }
            request
        }
        Shape::Get { params } => app.client().get(app.url("/graphql")).query(params),
    };
    request.bearer_auth(token).send().await
}

/// What is wrong with the answer to `shape`, if anything.
async fn fault(app: &TestApp, token: &str, shape: &Shape) -> Option<String> {
    let response = match send(app, token, shape).await {
        Ok(response) => response,
        Err(err) => return Some(format!("no answer: {err:?}")),
    };
    let status = response.status().as_u16();
    let text = match response.text().await {
        Ok(text) => text,
        Err(err) => return Some(format!("{status} with a broken body: {err:?}")),
    };
    let Ok(body) = serde_json::from_str::<Value>(&text) else {
        return Some(format!("{status} with a body that is not JSON: {text}"));
    };
    let errors = body["errors"].as_array().cloned().unwrap_or_default();
    if status != 200 && errors.is_empty() {
        return Some(format!("{status} without errors: {text}"));
    }
    if let Some(error) = errors.iter().find(|e| !e["extensions"]["code"].is_string()) {
        return Some(format!("{status}, an error without a code: {error}"));
    }
    let timeout = status == 503 && errors[0]["extensions"]["code"] == "TIMEOUT";
    (status >= 500 && !timeout).then(|| format!("{status}: {text}"))
}

async fn random_requests_get_coded_answers_and_the_server_lives_on(app: TestApp) {
    api::demo::load(app.db()).await.unwrap();
    let token = app.leader("2516");
    let handle = tokio::runtime::Handle::current();
    let runner_app = app.clone();
    let outcome = tokio::task::spawn_blocking(move || {
        let config = Config {
            cases: cases(),
            failure_persistence: None,
            ..Config::default()
        };
        let mut runner = TestRunner::new(config);
        let result = runner.run(&shapes::shape(), |shape| {
            let fault = handle.block_on(fault(&runner_app, &token, &shape));
            fault.map_or(Ok(()), |fault| Err(TestCaseError::fail(fault)))
        });
        result.map_err(|err| err.to_string())
    })
    .await
    .unwrap();
    assert_eq!(outcome, Ok(()));

    // Someone who did not spend their rate budget on the fuzz is served.
    let fresh = app.token_for(
        "after-the-fuzz",
        "2516",
        &[api::auth::Role::TrustLeader],
        None,
    );
    let data = (app.data(&fresh, "{ viewer { trustUid } }", json!({}))).await;
    assert_eq!(data, json!({ "viewer": { "trustUid": "2516" } }));
}

on_both_stores!(random_requests_get_coded_answers_and_the_server_lives_on);
