//! Protocol versions: drafts, publishing, retiring; walks use published
//! versions only.

use api::auth::Role;
use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::on_both_stores;
use crate::user_errors::{refusal, user_error};
use crate::walks::{CREATE_WALK, walk_input};

const SAVE: &str = "mutation($input: SaveProtocolDraftInput!) { saveProtocolDraft(input: $input) {
  protocol { id key version status purpose publishedAt focusAreas { indicators { code } } }
  userErrors { field code message } } }";

const PUBLISH: &str = "mutation($id: ID!) { publishProtocol(input: { protocolId: $id }) {
  protocol { version status publishedAt } userErrors { field code message } } }";

const RETIRE: &str = "mutation($id: ID!) { retireProtocol(input: { protocolId: $id }) {
  protocol { version status } userErrors { field code message } } }";

/// The user error of a walk on a version that is not published.
fn unpublished() -> Value {
    let message = "walks use published protocol versions only";
    user_error("BAD_USER_INPUT", Some("protocolId"), message)
}

fn draft(purpose: &str, threshold: i32) -> Value {
    let levels: Vec<Value> = (1..=4)
        .map(|v| json!({ "value": v, "label": format!("Level {v}") }))
        .collect();
    json!({ "input": {
        "key": "trust-core", "name": "Trust core learning walk", "purpose": purpose,
        "scale": { "levels": levels, "secureThreshold": threshold, "allowsNotObserved": true },
        "focusAreas": [{ "key": "routines-for-learning", "lens": "CONSISTENCY",
            "title": "Shared routines for learning", "indicators": [
                { "code": "RL1", "statement": "The lesson opens with a short retrieval task." },
                { "code": "RL5", "statement": "Pupils rehearse answers with a partner." }] }],
    } })
}

async fn a_draft_becomes_the_next_version_and_only_published_ones_take_walks(app: TestApp) {
    app.import_schools().await;
    let first = app.import_core_protocol("2516").await;
    let leader = app.leader("2516");

    let saved = app
        .data(
            &leader,
            SAVE,
            draft("Check the new partner talk routine.", 3),
        )
        .await;
    let v2 = &saved["saveProtocolDraft"]["protocol"];
    assert_eq!(
        (&v2["version"], &v2["status"], &v2["publishedAt"]),
        (&json!(2), &json!("DRAFT"), &Value::Null)
    );
    let id = v2["id"].as_str().unwrap().to_owned();
    let body = app
        .graphql(
            &leader,
            CREATE_WALK,
            json!({ "input": walk_input(137106, &id, "2025-10-07") }),
        )
        .await;
    assert_eq!(refusal(&body, "createWalk"), unpublished());

    let again = app
        .data(&leader, SAVE, draft("Check partner talk in every room.", 3))
        .await;
    let replaced = &again["saveProtocolDraft"]["protocol"];
    assert_eq!(
        (&replaced["id"], &replaced["version"]),
        (&json!(id), &json!(2))
    );
    assert_eq!(replaced["purpose"], "Check partner talk in every room.");

    let published = app.data(&leader, PUBLISH, json!({ "id": id })).await;
    assert_eq!(
        published["publishProtocol"]["protocol"]["status"],
        "PUBLISHED"
    );
    assert!(published["publishProtocol"]["protocol"]["publishedAt"].is_string());
    let twice = app.graphql(&leader, PUBLISH, json!({ "id": id })).await;
    let message = "the protocol version is PUBLISHED; only a DRAFT version can become PUBLISHED";
    let expected = user_error("BAD_USER_INPUT", Some("protocolId"), message);
    assert_eq!(refusal(&twice, "publishProtocol"), expected);

    let retired = app.data(&leader, RETIRE, json!({ "id": first })).await;
    assert_eq!(
        retired["retireProtocol"]["protocol"],
        json!({ "version": 1, "status": "RETIRED" })
    );
    let body = app
        .graphql(
            &leader,
            CREATE_WALK,
            json!({ "input": walk_input(137106, &first, "2025-10-07") }),
        )
        .await;
    assert_eq!(refusal(&body, "createWalk"), unpublished());
    app.data(
        &leader,
        CREATE_WALK,
        json!({ "input": walk_input(137106, &id, "2025-10-07") }),
    )
    .await;

    let next = app.data(&leader, SAVE, draft("Version three.", 3)).await;
    assert_eq!(next["saveProtocolDraft"]["protocol"]["version"], 3);
}

async fn a_bad_draft_or_the_wrong_caller_changes_nothing(app: TestApp) {
    app.import_schools().await;
    app.import_core_protocol("2516").await;
    let leader = app.leader("2516");
    let body = app.graphql(&leader, SAVE, draft("A purpose.", 7)).await;
    let message =
        "protocol trust-core: the secure threshold 7 is not one of the levels {1, 2, 3, 4}";
    assert_eq!(
        refusal(&body, "saveProtocolDraft"),
        user_error("BAD_USER_INPUT", Some("input"), message)
    );
    for token in [
        app.token("2516", &[Role::SchoolLeader], Some(vec![137106])),
        app.token("2516", &[Role::Analyst, Role::Partner], None),
    ] {
        let body = app.graphql(&token, SAVE, draft("A purpose.", 3)).await;
        assert_eq!(body["data"], Value::Null, "{body}");
        assert_eq!(
            body["errors"][0]["extensions"],
            json!({ "code": "FORBIDDEN" })
        );
    }
    let saved = app.data(&leader, SAVE, draft("A purpose.", 3)).await;
    let id = saved["saveProtocolDraft"]["protocol"]["id"].clone();
    let body = app
        .graphql(&app.leader("3111"), PUBLISH, json!({ "id": id }))
        .await;
    assert_eq!(
        refusal(&body, "publishProtocol"),
        user_error("NOT_FOUND", None, "No protocol with this id")
    );

    let list = app
        .data(
            &leader,
            "{ protocols(first: 10) { nodes { version status } } }",
            json!({}),
        )
        .await;
    let expected =
        json!([{ "version": 1, "status": "PUBLISHED" }, { "version": 2, "status": "DRAFT" }]);
    assert_eq!(list["protocols"]["nodes"], expected);
}

async fn a_walk_keeps_its_version_and_figures_never_mix_versions(app: TestApp) {
    app.import_schools().await;
    let first = app.import_core_protocol("2516").await;
    let leader = app.leader("2516");
    let walk =
        crate::walks::create_walk(&app, &leader, walk_input(137106, &first, "2025-10-07")).await;
    let visit = crate::walks::add_visit(&app, &leader, &walk, "English", 7).await;
    crate::walks::rate(&app, &leader, &walk, &visit, None, &[("RL1", Some(3))]).await;
    crate::walks::submit(&app, &leader, &walk).await;

    let saved = app.data(&leader, SAVE, draft("Second version.", 3)).await;
    let second = saved["saveProtocolDraft"]["protocol"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.data(&leader, PUBLISH, json!({ "id": second })).await;

    let read = "query($id: ID!) { walk(id: $id) { protocol { version } } }";
    let pinned = app.data(&leader, read, json!({ "id": walk })).await;
    assert_eq!(pinned["walk"]["protocol"]["version"], 1);
    let figures = "query($p: ID!) { variation(filter: { protocolId: $p }) { protocols { version } trust { n } } }";
    let v1 = app.data(&leader, figures, json!({ "p": first })).await;
    assert_eq!(
        v1["variation"],
        json!({ "protocols": [{ "version": 1 }], "trust": { "n": 1 } })
    );
    let v2 = app.data(&leader, figures, json!({ "p": second })).await;
    assert_eq!(
        v2["variation"],
        json!({ "protocols": [{ "version": 2 }], "trust": { "n": 0 } })
    );
}

on_both_stores!(
    a_walk_keeps_its_version_and_figures_never_mix_versions,
    a_draft_becomes_the_next_version_and_only_published_ones_take_walks,
    a_bad_draft_or_the_wrong_caller_changes_nothing,
);
