//! Rate limits by query cost: each token subject's budget a minute, set
//! per role; past it, 429 with `RATE_LIMITED` and a retry hint.

use api::auth::Role;
use serde_json::json;

use crate::helpers::{Store, run_with};

/// Costs 2: the viewer and its subject.
const CHEAP: &str = "{ viewer { subject } }";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_subject_past_its_budget_waits_while_others_go_on() {
    let args = [
        "--rate-limit-per-minute",
        "10",
        "--rate-limit",
        "partner=1000",
    ];
    run_with(Store::Sqlite, &args, |app| async move {
        app.create_trust("2516").await;
        let token = app.leader("2516");
        for _ in 0..5 {
            let (status, body) = app.post(&token, CHEAP, json!({})).await;
            assert_eq!(status, 200, "{body}");
            assert_eq!(body["extensions"]["cost"]["requestedQueryCost"], 2);
        }
        let response = (app.client().post(app.url("/graphql")))
            .bearer_auth(&token)
            .json(&json!({ "query": CHEAP }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 429);
        let wait: u64 = response.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "RATE_LIMITED",
            "{body}"
        );
        assert_eq!(body["errors"][0]["extensions"]["retryAfter"], wait);
        // Two points at ten a minute come back within 13 seconds.
        assert!((1..=13).contains(&wait), "{wait}");
        assert!(body.get("data").is_none(), "{body}");

        // Another person's budget is their own; a partner's is larger.
        let colleague = app.token_for("colleague", "2516", &[Role::TrustLeader], None);
        assert_eq!(app.post(&colleague, CHEAP, json!({})).await.0, 200);
        let partner = app.token_for("vendor", "2516", &[Role::Partner], None);
        for _ in 0..20 {
            assert_eq!(app.post(&partner, CHEAP, json!({})).await.0, 200);
        }

        // A query dearer than a whole minute's budget can never run.
        let dear = "{ a: viewer { subject trustUid roles canWrite trust { name uid } }
          b: viewer { subject trustUid roles canWrite } }";
        let fresh = app.token_for("fresh", "2516", &[Role::TrustLeader], None);
        let (status, body) = app.post(&fresh, dear, json!({})).await;
        assert_eq!(status, 429, "{body}");
        let refusal = &body["errors"][0]["extensions"];
        assert_eq!(
            (refusal["code"].as_str(), refusal.get("retryAfter")),
            (Some("RATE_LIMITED"), None)
        );
    })
    .await;
}

/// A flood costs the service little: a document over the complexity limit
/// is charged as the dearest query allowed, and a subject with nothing left
/// is refused before its document is parsed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_floods_spend_the_budget_and_a_spent_one_is_refused_unparsed() {
    let args = [
        "--rate-limit-per-minute",
        "100",
        "--max-query-complexity",
        "40",
    ];
    run_with(Store::Sqlite, &args, |app| async move {
        app.create_trust("2516").await;
        let token = app.leader("2516");
        let code = |body: &serde_json::Value| body["errors"][0]["extensions"]["code"].clone();
        let dear = "{ schools(first: 50) { nodes { urn } } }";
        for _ in 0..2 {
            let (status, body) = app.post(&token, dear, json!({})).await;
            assert_eq!((status, code(&body)), (200, json!("QUERY_TOO_COMPLEX")));
        }
        // 80 of 100 points are gone: a query costing 2 still runs.
        let (status, body) = app.post(&token, CHEAP, json!({})).await;
        assert_eq!(status, 200, "{body}");
        // The third costs what is left, then even a broken document is
        // refused for the budget, not parsed.
        let (_, body) = app.post(&token, dear, json!({})).await;
        assert_eq!(code(&body), json!("QUERY_TOO_COMPLEX"));
        let (status, body) = app.post(&token, "{{{ not graphql", json!({})).await;
        assert_eq!(
            (status, code(&body)),
            (429, json!("RATE_LIMITED")),
            "{body}"
        );
        assert!(body["errors"][0]["extensions"]["retryAfter"].as_u64() >= Some(1));
        // Someone else's budget is untouched.
        let colleague = app.token_for("colleague", "2516", &[Role::TrustLeader], None);
        assert_eq!(app.post(&colleague, CHEAP, json!({})).await.0, 200);
    })
    .await;
}

/// A CSV export is charged what the `variation` field costs (50,000), from
/// the same budget as GraphQL: at 120,000 a minute, two go through and the
/// third waits, and GraphQL then waits too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exports_spend_the_same_budget() {
    let args = ["--rate-limit-per-minute", "120000"];
    run_with(Store::Sqlite, &args, |app| async move {
        app.import_schools().await;
        app.import_core_protocol("2516").await;
        let token = app.leader("2516");
        let export = || {
            (app.client()
                .get(app.url("/export/variation.csv?protocolKey=trust-core")))
            .bearer_auth(&token)
            .send()
        };
        for _ in 0..2 {
            assert_eq!(export().await.unwrap().status().as_u16(), 200);
        }
        let refused = export().await.unwrap();
        assert_eq!(refused.status().as_u16(), 429);
        assert!(refused.headers().contains_key("retry-after"));
        let body: serde_json::Value = refused.json().await.unwrap();
        assert_eq!(body["errors"][0]["extensions"]["code"], "RATE_LIMITED");
        let query = "{ variation(filter: { protocolKey: \"trust-core\" }) { minCellSize } }";
        assert_eq!(app.post(&token, query, json!({})).await.0, 429);
    })
    .await;
}
