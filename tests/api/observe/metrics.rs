//! `/metrics` counts known requests exactly: by route and status, by
//! GraphQL operation and outcome, errors by code, latency, and the
//! database pool; names a hostile client invents fold into `other`.

use sea_orm::TransactionTrait;
use serde_json::json;

use super::scrape::{buckets, scrape, value};
use crate::helpers::{Store, TestApp, run, run_with};
use crate::on_both_stores;

const REQUESTS: &str = "graphql_requests_total";
const ERRORS: &str = "graphql_errors_total";
const LATENCY: &str = "graphql_request_duration_seconds";

fn requests(samples: &[prometheus_parse::Sample], operation: &str, outcome: &str) -> f64 {
    value(
        samples,
        REQUESTS,
        &[("operation", operation), ("outcome", outcome)],
    )
}

async fn known_requests_are_counted_exactly(app: TestApp) {
    app.create_trust("2516").await;
    let token = app.leader("2516");
    let viewer = "query Viewer { viewer { trustUid } }";
    for _ in 0..2 {
        app.data(&token, viewer, json!({})).await;
    }
    app.data(&token, "{ viewer { roles } }", json!({})).await;
    let (status, _) = app.post("not-a-token", viewer, json!({})).await;
    assert_eq!(status, 401);
    let body = app
        .graphql(
            &token,
            "query Walks { walks(first: 0) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
    let body = app.graphql(&token, "{ viewer {", json!({})).await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"],
        "GRAPHQL_PARSE_FAILED"
    );
    // A name past 64 characters is counted under the operation's kind.
    let long = format!("query {} {{ viewer {{ trustUid }} }}", "L".repeat(65));
    app.data(&token, &long, json!({})).await;

    let (text, samples) = scrape(&app, None).await;
    assert_eq!(requests(&samples, "Viewer", "ok"), 2.0);
    assert_eq!(requests(&samples, "query", "ok"), 2.0);
    assert_eq!(requests(&samples, "Walks", "error"), 1.0);
    // No operation was read from the refused token or the broken document.
    assert_eq!(requests(&samples, "unknown", "error"), 2.0);
    let series = samples.iter().filter(|s| s.metric == REQUESTS).count();
    assert_eq!(series, 4, "{text}");

    assert_eq!(value(&samples, ERRORS, &[("code", "UNAUTHENTICATED")]), 1.0);
    assert_eq!(value(&samples, ERRORS, &[("code", "BAD_USER_INPUT")]), 1.0);
    assert_eq!(
        value(&samples, ERRORS, &[("code", "GRAPHQL_PARSE_FAILED")]),
        1.0
    );
    assert_eq!(samples.iter().filter(|s| s.metric == ERRORS).count(), 3);

    let http = "http_requests_total";
    let post = |status| {
        [
            ("route", "/graphql"),
            ("method", "POST"),
            ("status", status),
        ]
    };
    assert_eq!(value(&samples, http, &post("200")), 6.0);
    assert_eq!(value(&samples, http, &post("401")), 1.0);

    // Each histogram counts its operation's requests, in cumulative
    // buckets ending at +Inf.
    for (operation, count) in [
        ("Viewer", 2.0),
        ("query", 2.0),
        ("Walks", 1.0),
        ("unknown", 2.0),
    ] {
        let labels = [("operation", operation)];
        let counts = buckets(&samples, LATENCY, &labels);
        assert_eq!(counts.len(), 13);
        assert!(
            counts
                .windows(2)
                .all(|w| w[0].0 < w[1].0 && w[0].1 <= w[1].1)
        );
        assert_eq!(counts.last(), Some(&(f64::INFINITY, count)));
        let total = value(&samples, &format!("{LATENCY}_count"), &labels);
        assert_eq!(total, count);
        assert!(value(&samples, &format!("{LATENCY}_sum"), &labels) > 0.0);
    }

    // Aggregates only: no trust, subject or token in any label (a value
    // such as a latency sum may hold the digits 2516 by chance).
    assert!(
        !text.contains("\"2516\"") && !text.contains("tester"),
        "{text}"
    );

    // The scrape itself is counted once it has answered.
    let (_, samples) = scrape(&app, None).await;
    let metrics = [("route", "/metrics"), ("method", "GET"), ("status", "200")];
    assert_eq!(value(&samples, http, &metrics), 1.0);
}

async fn the_pool_gauges_show_connections_in_use(app: TestApp) {
    let gauge = "db_pool_connections";
    // A connection the start-up used may still be on its way back to the
    // pool (sqlx returns it from a task): wait until none is in use.
    let mut samples = Vec::new();
    for _ in 0..50 {
        samples = scrape(&app, None).await.1;
        if value(&samples, gauge, &[("state", "in_use")]) == 0.0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(value(&samples, "db_pool_max_connections", &[]), 7.0);
    assert_eq!(value(&samples, gauge, &[("state", "in_use")]), 0.0);
    assert!(value(&samples, gauge, &[("state", "idle")]) >= 1.0);

    // The test shares the service's pool: an open transaction holds one.
    let held = app.db().begin().await.unwrap();
    let (_, samples) = scrape(&app, None).await;
    assert_eq!(value(&samples, gauge, &[("state", "in_use")]), 1.0);
    let open = value(&samples, gauge, &[("state", "in_use")])
        + value(&samples, gauge, &[("state", "idle")]);
    assert!((1.0..=7.0).contains(&open));
    held.rollback().await.unwrap();
}

async fn invented_operation_names_fold_into_other(app: TestApp) {
    app.create_trust("2516").await;
    let token = app.leader("2516");
    for i in 0..205 {
        let query = format!("query Invented{i} {{ viewer {{ trustUid }} }}");
        app.data(&token, &query, json!({})).await;
    }
    let (_, samples) = scrape(&app, None).await;
    let named = samples.iter().filter(|s| s.metric == REQUESTS).count();
    // 200 names have their own series; the 5 after them share `other`.
    assert_eq!(named, 201);
    assert_eq!(requests(&samples, "Invented199", "ok"), 1.0);
    assert_eq!(requests(&samples, "Invented200", "ok"), 0.0);
    assert_eq!(requests(&samples, "other", "ok"), 5.0);
}

on_both_stores!(
    known_requests_are_counted_exactly,
    invented_operation_names_fold_into_other
);

mod the_pool_gauges_show_connections_in_use {
    use super::*;

    const MAX: &[&str] = &["--database-max-connections", "7"];

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        run_with(
            Store::Sqlite,
            MAX,
            super::the_pool_gauges_show_connections_in_use,
        )
        .await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        run_with(
            Store::Postgres,
            MAX,
            super::the_pool_gauges_show_connections_in_use,
        )
        .await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_metrics_token_guards_the_metrics() {
    let args = ["--metrics-token", "metrics-secret-for-tests"];
    run_with(Store::Sqlite, &args, |app| async move {
        let url = app.url("/metrics");
        let bare = app.client().get(&url).send().await.unwrap();
        assert_eq!(bare.status().as_u16(), 401);
        assert_eq!(bare.headers()["www-authenticate"], "Bearer");
        let wrong = app.client().get(&url).bearer_auth("metrics-secret");
        assert_eq!(wrong.send().await.unwrap().status().as_u16(), 401);
        let leader = app.client().get(&url).bearer_auth(app.leader("2516"));
        assert_eq!(leader.send().await.unwrap().status().as_u16(), 401);
        let (text, _) = scrape(&app, Some("metrics-secret-for-tests")).await;
        assert!(text.contains("db_pool_max_connections"));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_token_the_metrics_are_open_and_start_with_the_pool() {
    run(Store::Sqlite, |app| async move {
        let (text, samples) = scrape(&app, None).await;
        let mut series: Vec<String> = samples.iter().map(|s| s.metric.clone()).collect();
        series.sort();
        let pool = [
            "db_pool_connections",
            "db_pool_connections",
            "db_pool_max_connections",
        ];
        assert_eq!(series, pool, "{text}");
    })
    .await;
}
