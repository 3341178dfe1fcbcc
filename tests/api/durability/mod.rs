//! Durability: a server killed with SIGKILL in the middle of a bulk import
//! leaves all of the import or none of it, and serves again on restart.

mod child;
pub mod term;

use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::on_both_stores;
use child::{Event, Server};
use term::{Rows, WALKS};

const IMPORT: &str = "/import/ratings?protocolKey=trust-core";

/// Uploads `file` to `url` as trust 2516's trust leader.
async fn upload(app: &TestApp, url: String, file: String) -> reqwest::Result<(u16, Value)> {
    let response = (app.client())
        .post(url)
        .bearer_auth(app.leader("2516"))
        .header("content-type", "text/csv")
        .body(file)
        .send()
        .await?;
    let status = response.status().as_u16();
    Ok((status, response.json().await?))
}

async fn walks_served(app: &TestApp, url: String) -> Value {
    let response = (app.client())
        .post(url)
        .bearer_auth(app.leader("2516"))
        .json(&json!({ "query": "{ walks(first: 1) { totalCount } }" }))
        .send()
        .await
        .unwrap();
    let body: Value = response.json().await.unwrap();
    body["data"]["walks"]["totalCount"].clone()
}

async fn a_server_killed_mid_import_keeps_all_of_it_or_none(app: TestApp) {
    app.import_schools().await;
    app.import_core_protocol("2516").await;
    let file = term::ratings_file(&app).await;
    let before = Rows::count(&app).await;
    let whole = before.plus(Rows::of_the_term());

    // Killed once it has written walks, visits and a first chunk of
    // ratings, with more chunks and the feed still to come. The cue is
    // sea-orm's SQL text: should it change, the test times out waiting
    // rather than passing.
    let cue = "INSERT INTO \"ratings\"";
    let mut server = Server::start(app.database_url(), Some(cue)).await;
    let sending = tokio::spawn({
        let (app, url, file) = (app.clone(), server.url(IMPORT), file.clone());
        async move { upload(&app, url, file).await }
    });
    let killed = server.next_event().await;
    assert!(
        matches!(&killed, Event::Killed(sql) if sql.starts_with(cue)),
        "{killed:?}"
    );
    let answer = sending.await.unwrap();
    assert!(
        answer.is_err(),
        "the import answered before the kill: {answer:?}"
    );

    let after = Rows::count(&app).await;
    assert!(
        after == before || after == whole,
        "half an import: {after:?}"
    );
    drop(server);

    // A new server on the same database serves what was committed, and
    // the same upload again completes (or, had it committed, is refused).
    let server = Server::start(app.database_url(), None).await;
    let committed = after == whole;
    let served = walks_served(&app, server.url("/graphql")).await;
    assert_eq!(served, json!(if committed { WALKS } else { 0 }));
    let (status, body) = upload(&app, server.url(IMPORT), file).await.unwrap();
    if committed {
        assert_eq!(status, 422, "{body}");
    } else {
        let imported = json!({ "imported": { "protocol": "trust-core", "version": 1,
            "walks": WALKS, "visits": WALKS * 4, "ratings": WALKS * 4 * 30, "newObservers": 12 } });
        assert_eq!((status, body), (200, imported));
    }
    assert_eq!(Rows::count(&app).await, whole);
    assert_eq!(
        walks_served(&app, server.url("/graphql")).await,
        json!(WALKS)
    );
}

on_both_stores!(a_server_killed_mid_import_keeps_all_of_it_or_none);
