//! Start-up behaviour: failing fast on a database that cannot be reached,
//! and a demo that gives the same figures on both stores.

use std::time::{Duration, Instant};

use api::config::Cli;
use clap::Parser;
use serde_json::json;

use crate::helpers::{Store, run};

#[tokio::test]
async fn an_unreachable_database_fails_fast_and_is_named_without_its_password() {
    let url = "postgres://walks:hunter2secret@127.0.0.1:1/walks";
    let cli = Cli::parse_from([
        "api",
        "--database-url",
        url,
        "--database-connect-timeout",
        "2",
    ]);
    let started = Instant::now();
    let err = api::db::connect(&cli.config)
        .await
        .expect_err("nothing listens on port 1");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );
    let message = format!("{err:#}");
    assert!(
        message.contains("cannot connect to database postgres://walks:***@127.0.0.1:1/walks"),
        "{message}"
    );
    assert!(!message.contains("hunter2secret"), "{message}");
}

#[tokio::test]
async fn an_unparsable_database_url_is_named_without_its_password() {
    let url = "postgres://walks:hunter2secret@127.0.0.1:99999/walks";
    let cli = Cli::parse_from(["api", "--database-url", url]);
    let err = api::db::connect(&cli.config)
        .await
        .expect_err("port 99999 is not a port");
    let message = format!("{err:#}");
    assert!(
        message.starts_with("cannot connect to database postgres://walks:***@"),
        "{message}"
    );
    assert!(!message.contains("hunter2secret"), "{message}");
}

const DEMO_FIGURES: &str = "query($p: ID!) {
  variation(filter: { protocolId: $p }) { trust { n visits schools notObserved mean secureRate }
    cells { school { urn } n visits mean secureRate suppressed } } }";

/// Loads the demo and returns the trust-core figures of trust 2516.
async fn demo_figures(store: Store) -> serde_json::Value {
    let (sender, receiver) = tokio::sync::oneshot::channel();
    run(store, |app| async move {
        let loaded = api::demo::load(app.db()).await.expect("demo loads");
        assert_eq!(
            (loaded.trusts, loaded.schools, loaded.protocols),
            (4, 59, 8)
        );
        let protocols = app
            .data(
                &app.leader("2516"),
                "{ protocols(first: 10) { nodes { id key } } }",
                json!({}),
            )
            .await;
        let core = protocols["protocols"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["key"] == "trust-core")
            .expect("trust-core protocol")["id"]
            .clone();
        let figures = app
            .data(&app.leader("2516"), DEMO_FIGURES, json!({ "p": core }))
            .await;
        let _ = sender.send(figures);
    })
    .await;
    receiver.await.unwrap_or(serde_json::Value::Null)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_gives_the_same_figures_on_sqlite_and_postgresql() {
    let sqlite = demo_figures(Store::Sqlite).await;
    let trust = &sqlite["variation"]["trust"];
    assert!(trust["n"].as_i64().unwrap() > 0, "{sqlite}");
    assert_eq!(trust["schools"], 15);
    let suppressed = sqlite["variation"]["cells"].as_array().unwrap().iter();
    assert!(
        suppressed.filter(|s| s["suppressed"] == true).count() > 0,
        "{sqlite}"
    );

    let postgres = demo_figures(Store::Postgres).await;
    if !postgres.is_null() {
        assert_eq!(sqlite, postgres);
    }
}

/// The embedded store keeps a crash from losing or half-writing data:
/// write-ahead log, a busy timeout rather than instant lock errors, and
/// foreign keys enforced, on every connection the service opens.
async fn sqlite_is_durable_and_checked(app: crate::helpers::TestApp) {
    use sea_orm::{ConnectionTrait, Statement};
    let db = app.db();
    let pragma = |name: &str| {
        let sql = format!("PRAGMA {name}");
        async move {
            let statement = Statement::from_string(db.get_database_backend(), sql);
            let row = db.query_one_raw(statement).await.expect("pragma");
            let row = row.expect("a row");
            row.try_get_by_index::<String>(0)
                .or_else(|_| row.try_get_by_index::<i64>(0).map(|n| n.to_string()))
                .expect("a value")
        }
    };
    for _ in 0..3 {
        assert_eq!(pragma("journal_mode").await, "wal");
        assert_eq!(pragma("foreign_keys").await, "1");
        assert_eq!(pragma("busy_timeout").await, "5000");
    }
    let orphan = "INSERT INTO schools (urn, trust_id, name) VALUES (1, 'no-such-trust', 'x')";
    let err = db
        .execute_unprepared(orphan)
        .await
        .expect_err("a foreign key");
    assert!(err.to_string().contains("FOREIGN KEY"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_is_durable_and_checked_on_sqlite() {
    crate::helpers::run(Store::Sqlite, sqlite_is_durable_and_checked).await;
}
