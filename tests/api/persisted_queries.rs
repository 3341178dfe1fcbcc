//! Persisted queries: a query's text kept per trust under its hash, asked
//! for by the hash alone, over POST and GET.

use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::on_both_stores;

/// The hex SHA-256 of `text`, as a persisted query names it.
pub fn sha256(text: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

async fn persisted_queries_keep_the_text_per_trust(app: TestApp) {
    app.create_trust("2516").await;
    app.create_trust("3111").await;
    let query = "{ viewer { trustUid } }";
    let hash = sha256(query);
    let extensions = json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } });
    let post = |token: &str, body: Value| {
        (app.client().post(app.url("/graphql")))
            .bearer_auth(token)
            .json(&body)
    };
    let read = |response: reqwest::Response| async move {
        let status = response.status().as_u16();
        (
            status,
            crate::helpers::without_cost(response.json::<Value>().await.unwrap()),
        )
    };
    let leader = app.leader("2516");
    let not_found = json!({ "errors": [{ "message": "PersistedQueryNotFound",
        "extensions": { "code": "PERSISTED_QUERY_NOT_FOUND" } }] });

    let hash_only = json!({ "extensions": extensions });
    let first = read(post(&leader, hash_only.clone()).send().await.unwrap()).await;
    assert_eq!(first, (200, not_found.clone()));
    let with_text = json!({ "query": query, "extensions": extensions });
    let stored = read(post(&leader, with_text).send().await.unwrap()).await;
    let answer = json!({ "data": { "viewer": { "trustUid": "2516" } } });
    assert_eq!(stored, (200, answer.clone()));

    // Now the hash alone runs it, over POST or GET, for the same trust only.
    let again = read(post(&leader, hash_only.clone()).send().await.unwrap()).await;
    assert_eq!(again, (200, answer.clone()));
    let params = [("extensions", extensions.to_string())];
    let get = app.client().get(app.url("/graphql")).query(&params);
    let got = read(get.bearer_auth(&leader).send().await.unwrap()).await;
    assert_eq!(got, (200, answer));
    let other = read(post(&app.leader("3111"), hash_only).send().await.unwrap()).await;
    assert_eq!(other, (200, not_found));

    // A hash that is not the query's is refused; a persisted mutation still
    // needs POST.
    let wrong = json!({ "query": "{ __typename }", "extensions": extensions });
    let (status, body) = read(post(&leader, wrong).send().await.unwrap()).await;
    assert_eq!(
        (status, &body["errors"][0]["extensions"]["code"]),
        (400, &json!("BAD_USER_INPUT"))
    );
    let mutation = "mutation { submitWalk(input: { walkId: \"x\" }) { walk { id } } }";
    let persist = json!({ "query": mutation, "extensions":
        { "persistedQuery": { "version": 1, "sha256Hash": sha256(mutation) } } });
    post(&leader, persist).send().await.unwrap();
    let params = [(
        "extensions",
        json!({ "persistedQuery":
        { "version": 1, "sha256Hash": sha256(mutation) } })
        .to_string(),
    )];
    let get = app.client().get(app.url("/graphql")).query(&params);
    let response = get.bearer_auth(&leader).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 405);
}

on_both_stores!(persisted_queries_keep_the_text_per_trust);
