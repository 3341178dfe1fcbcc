//! Keys change while the server runs: a new `kid` is taken without a
//! restart, a removed one stops verifying once the set is re-read, and
//! unknown `kid`s cannot make the server hammer the key set's source.

use std::time::Duration;

use jsonwebtoken::Algorithm;
use serde_json::{Value, json};

use super::server::JwksServer;
use super::{
    JwksFile, ask, claims, forge, jwk, private, refused, rs256, sign, usual_keys, viewer,
    write_keys,
};
use crate::helpers::{Store, TestApp, run_with};

/// A good RS256 token by `rsa-2` under the kid `rsa-2`.
fn by_second_key() -> String {
    sign(
        Algorithm::RS256,
        Some("rsa-2"),
        &private("rsa-2"),
        &claims(|_| {}),
    )
}

fn with_second_key() -> Value {
    let mut keys = usual_keys();
    let second = jwk("rsa-2", "rsa-2", None);
    keys["keys"].as_array_mut().unwrap().push(second);
    keys
}

/// Re-read at most once a second, and whenever a second has passed.
const FAST: [&str; 4] = ["--jwt-jwks-min-refresh", "1", "--jwt-jwks-max-age", "1"];

async fn past_the_interval() {
    tokio::time::sleep(Duration::from_millis(1_100)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_added_to_the_file_is_taken_and_a_removed_one_dropped_without_restart() {
    let file = JwksFile::new(&usual_keys());
    let path = file.path.clone();
    let slow = ["--jwt-jwks-min-refresh", "1", "--jwt-jwks-max-age", "3600"];
    super::with_file(&file, &slow, |app| async move {
        assert_eq!(ask(&app, &by_second_key()).await, refused());

        // A new kid makes the server re-read the file, however young the set.
        write_keys(&path, &with_second_key());
        past_the_interval().await;
        assert_eq!(ask(&app, &by_second_key()).await, viewer());

        // Removing a key takes effect when the set is next re-read.
        write_keys(&path, &usual_keys());
        assert_eq!(ask(&app, &by_second_key()).await, viewer());
    })
    .await;

    let file = JwksFile::new(&with_second_key());
    let path = file.path.clone();
    super::with_file(&file, &FAST, |app| async move {
        assert_eq!(ask(&app, &by_second_key()).await, viewer());
        write_keys(&path, &usual_keys());
        past_the_interval().await;
        assert_eq!(ask(&app, &by_second_key()).await, refused());
        assert_eq!(ask(&app, &rs256(&claims(|_| {}))).await, viewer());
    })
    .await;
}

/// Runs `test` against an app that reads its keys from `server`.
async fn with_url<F, Fut>(server: &JwksServer, args: &[&str], test: F)
where
    F: FnOnce(TestApp) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let mut all = vec!["--jwt-jwks-url", server.url.as_str()];
    all.extend(args);
    run_with(Store::Sqlite, &all, |app| async move {
        app.create_trust("2516").await;
        test(app).await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_unknown_kids_fetches_the_key_set_at_most_once() {
    let server = std::sync::Arc::new(JwksServer::start(&usual_keys()).await);
    let seen = server.clone();
    let args = ["--jwt-jwks-min-refresh", "2"];
    with_url(&server, &args, |app| async move {
        assert_eq!(seen.fetches(), 1, "read once at start-up");
        assert_eq!(ask(&app, &rs256(&claims(|_| {}))).await, viewer());
        tokio::time::sleep(Duration::from_millis(2_100)).await;

        for round in 0..2 {
            let asks = (0..40).map(|i| {
                let app = app.clone();
                let kid = format!("bogus-{round}-{i}");
                // The kid is checked before the signature: no need to sign.
                let header = json!({ "alg": "RS256", "typ": "JWT", "kid": kid });
                let token = forge(&header, &claims(|_| {}), b"not checked");
                tokio::spawn(async move { ask(&app, &token).await })
            });
            for answer in futures_join(asks.collect()).await {
                assert_eq!(answer, refused());
            }
            assert_eq!(seen.fetches(), 2, "round {round}: one re-read in all");
        }
        assert_eq!(ask(&app, &rs256(&claims(|_| {}))).await, viewer());
    })
    .await;
}

async fn futures_join(tasks: Vec<tokio::task::JoinHandle<(u16, Value)>>) -> Vec<(u16, Value)> {
    let mut answers = Vec::new();
    for task in tasks {
        answers.push(task.await.unwrap());
    }
    answers
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_set_url_rotates_and_an_outage_keeps_the_keys_held() {
    let server = std::sync::Arc::new(JwksServer::start(&usual_keys()).await);
    let control = server.clone();
    with_url(&server, &FAST, |app| async move {
        assert_eq!(ask(&app, &by_second_key()).await, refused());
        control.set(&with_second_key());
        past_the_interval().await;
        assert_eq!(ask(&app, &by_second_key()).await, viewer());

        // The provider is down: the keys already read still work.
        control.fail(true);
        past_the_interval().await;
        let before = control.fetches();
        assert_eq!(ask(&app, &by_second_key()).await, viewer());
        assert_eq!(control.fetches(), before + 1, "the old set was re-read");

        control.fail(false);
        control.set(&json!({ "keys": [jwk("ec-1", "ec-1", Some("ES256"))] }));
        past_the_interval().await;
        assert_eq!(ask(&app, &by_second_key()).await, refused());
        assert_eq!(ask(&app, &rs256(&claims(|_| {}))).await, refused());
    })
    .await;
}
