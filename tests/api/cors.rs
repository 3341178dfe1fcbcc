//! CORS: no browser origin may read the API unless configured; listed
//! origins get preflight answers and the headers they need.

use api::config::Cli;
use clap::Parser;

use crate::helpers::{Store, TestApp, run, run_with};

const DASHBOARD: &str = "https://dashboard.trust.example";

/// A browser's preflight for a POST to /graphql from `origin`.
async fn preflight(app: &TestApp, origin: &str) -> reqwest::Response {
    (app.client()
        .request(reqwest::Method::OPTIONS, app.url("/graphql")))
    .header("origin", origin)
    .header("access-control-request-method", "POST")
    .header(
        "access-control-request-headers",
        "authorization, content-type",
    )
    .send()
    .await
    .unwrap()
}

fn allowed(response: &reqwest::Response) -> Option<String> {
    let header = response.headers().get("access-control-allow-origin")?;
    Some(header.to_str().unwrap().to_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_origin_is_allowed_by_default() {
    run(Store::Sqlite, |app| async move {
        assert_eq!(allowed(&preflight(&app, DASHBOARD).await), None);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_listed_origin_is_allowed_and_no_other() {
    run_with(
        Store::Sqlite,
        &["--cors-allowed-origin", DASHBOARD],
        |app| async move {
            let answer = preflight(&app, DASHBOARD).await;
            assert_eq!(answer.status().as_u16(), 200);
            assert_eq!(allowed(&answer).as_deref(), Some(DASHBOARD));
            let methods = answer.headers()["access-control-allow-methods"]
                .to_str()
                .unwrap();
            assert!(
                methods.contains("POST") && methods.contains("GET"),
                "{methods}"
            );
            assert_eq!(
                allowed(&preflight(&app, "https://elsewhere.example").await),
                None
            );

            let health = (app.client().get(app.url("/health")))
                .header("origin", DASHBOARD)
                .send()
                .await
                .unwrap();
            assert_eq!(allowed(&health).as_deref(), Some(DASHBOARD));
        },
    )
    .await;
}

#[test]
fn an_origin_must_be_a_scheme_host_and_port() {
    for bad in [
        "dashboard.trust.example",
        "https://dash.example/path",
        "ftp://x",
        "https://",
    ] {
        let parsed = Cli::try_parse_from(["api", "--cors-allowed-origin", bad]);
        assert!(parsed.is_err(), "{bad} was taken");
    }
    let good = Cli::try_parse_from(["api", "--cors-allowed-origin", "http://127.0.0.1:3000"]);
    assert!(good.is_ok());
}
