//! Repeated variation reports are kept per trust data version and scope:
//! a repeat is answered without the report's SQL, any write is seen by the
//! next read, and two scopes never share a kept report.

use api::auth::Role;
use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::on_both_stores;

const FIGURES: &str = "query($p: ID!) {
  variation(filter: { protocolId: $p }) { trust { n visits mean }
    cells { school { urn } n visits mean suppressed } } }";

const SETTINGS: &str = "mutation($n: Int!) {
  updateRecordingSettings(input: { minCellSize: $n }) { trust { minCellSize } } }";

async fn core_protocol(app: &TestApp, token: &str) -> Value {
    let protocols = "{ protocols(first: 10) { nodes { id key } } }";
    let body = app.data(token, protocols, json!({})).await;
    let nodes = body["protocols"]["nodes"].as_array().expect("protocols");
    let core = nodes.iter().find(|p| p["key"] == "trust-core");
    core.expect("trust-core")["id"].clone()
}

fn suppressed(figures: &Value) -> Vec<bool> {
    let cells = figures["variation"]["cells"].as_array().expect("cells");
    cells.iter().map(|c| c["suppressed"] == true).collect()
}

async fn kept_reports_follow_every_write_and_never_cross_scopes(app: TestApp) {
    api::demo::load(app.db()).await.expect("demo");
    let leader = app.leader("2516");
    let core = core_protocol(&app, &leader).await;
    let ask = |token: String| {
        let app = app.clone();
        let core = core.clone();
        async move {
            let before = app.statements();
            let figures = app.data(&token, FIGURES, json!({ "p": core })).await;
            (figures, app.statements() - before)
        }
    };

    let (first, built) = ask(leader.clone()).await;
    let (again, kept) = ask(leader.clone()).await;
    assert_eq!(again, first);
    assert!(
        kept < built,
        "a repeat ran {kept} statements, the first {built}"
    );
    assert!(suppressed(&first).contains(&false), "{first}");

    // A school leader asks the same question: their school's cell only.
    let school = app.token("2516", &[Role::SchoolLeader], Some(vec![137106]));
    let (scoped, _) = ask(school).await;
    assert_ne!(scoped, first);
    let cells = scoped["variation"]["cells"].as_array().expect("cells");
    assert!(
        cells.iter().all(|c| c["school"]["urn"] == 137106),
        "{scoped}"
    );

    // A write moves the version on: the very next read sees it.
    let body = app.data(&leader, SETTINGS, json!({ "n": 100 })).await;
    assert_eq!(body["updateRecordingSettings"]["trust"]["minCellSize"], 100);
    let (after, _) = ask(leader.clone()).await;
    assert!(suppressed(&after).iter().all(|s| *s), "{after}");
    assert_eq!(after["variation"]["trust"], first["variation"]["trust"]);

    // Another trust's write leaves this trust's kept report in place.
    let other = app.leader("3111");
    app.data(&other, SETTINGS, json!({ "n": 50 })).await;
    let (still, reused) = ask(leader).await;
    assert_eq!(still, after);
    assert!(
        reused < built,
        "{reused} statements after another trust's write"
    );
}

on_both_stores!(kept_reports_follow_every_write_and_never_cross_scopes);

/// With `--report-cache-entries 0` every ask builds its report: a repeat
/// runs as many statements as the first and gives the same figures.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_reports_are_kept_when_the_cache_is_off() {
    let args = ["--report-cache-entries", "0"];
    crate::helpers::run_with(crate::helpers::Store::Sqlite, &args, |app| async move {
        api::demo::load(app.db()).await.expect("demo");
        let leader = app.leader("2516");
        let core = core_protocol(&app, &leader).await;
        let mut asks = Vec::new();
        for _ in 0..2 {
            let before = app.statements();
            let figures = app.data(&leader, FIGURES, json!({ "p": core })).await;
            asks.push((figures, app.statements() - before));
        }
        assert_eq!(asks[0].0, asks[1].0);
        assert_eq!(
            asks[0].1, asks[1].1,
            "statements of the first and second ask"
        );
    })
    .await;
}
