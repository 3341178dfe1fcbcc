//! Observers record only on walks they are on, as themselves; the rest of
//! a walk's cycle is for leaders and partners.

use api::auth::Role;
use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::on_both_stores;
use crate::walks::{
    ADD_VISIT, CREATE_WALK, RECORD_RATINGS, SUBMIT_WALK, add_visit, create_walk, walk_input,
};

const RATINGS: &str = "query($id: ID!) { walk(id: $id) { visits(first: 5) { nodes {
  ratings(first: 5) { nodes { indicator { code } observer { reference } level } } } } } }";

fn code(body: &Value) -> Value {
    body["errors"][0]["extensions"]["code"].clone()
}

async fn observers_record_only_on_their_walks_and_as_themselves(app: TestApp) {
    app.import_schools().await;
    let protocol = app.import_core_protocol("2516").await;
    let leader = app.leader("2516");
    let walk = create_walk(&app, &leader, walk_input(137106, &protocol, "2025-10-07")).await;
    let visit = add_visit(&app, &leader, &walk, "English", 7).await;
    let on_team = app.token_for("obs-co", "2516", &[Role::Observer], None);
    let outsider = app.token_for("obs-other", "2516", &[Role::Observer], None);

    let mine = json!({ "input": { "walkId": walk, "visitId": visit,
        "ratings": [{ "indicatorCode": "RL1", "level": 2 }] } });
    app.data(&on_team, RECORD_RATINGS, mine.clone()).await;
    let as_lead = json!({ "input": { "walkId": walk, "visitId": visit, "observerReference": "obs-lead",
        "ratings": [{ "indicatorCode": "RL2", "level": 2 }] } });
    assert_eq!(
        code(&app.graphql(&on_team, RECORD_RATINGS, as_lead).await),
        "FORBIDDEN"
    );
    let visit_input = json!({ "input": { "walkId": walk, "subject": "Art", "minutes": 10 } });
    app.data(&on_team, ADD_VISIT, visit_input.clone()).await;

    assert_eq!(
        code(&app.graphql(&outsider, RECORD_RATINGS, mine).await),
        "FORBIDDEN"
    );
    assert_eq!(
        code(&app.graphql(&outsider, ADD_VISIT, visit_input).await),
        "FORBIDDEN"
    );
    let submit = json!({ "input": { "walkId": walk } });
    assert_eq!(
        code(&app.graphql(&outsider, SUBMIT_WALK, submit).await),
        "FORBIDDEN"
    );

    let data = app.data(&leader, RATINGS, json!({ "id": walk })).await;
    let expected = json!([{ "indicator": { "code": "RL1" }, "observer": { "reference": "obs-co" },
                            "level": 2 }]);
    let visits = &data["walk"]["visits"]["nodes"];
    assert_eq!(visits[0]["ratings"]["nodes"], expected);
    let visits = visits.as_array().unwrap().len();
    assert_eq!(visits, 2);
}

async fn observers_plan_their_own_walks_but_leave_the_rest_to_leaders(app: TestApp) {
    app.import_schools().await;
    let protocol = app.import_core_protocol("2516").await;
    let observer = app.token_for("obs-co", "2516", &[Role::Observer], None);
    let mut without_me = walk_input(137106, &protocol, "2025-10-07");
    without_me["observers"][1]["reference"] = json!("someone-else");
    let body = app
        .graphql(&observer, CREATE_WALK, json!({ "input": without_me }))
        .await;
    assert_eq!(code(&body), "FORBIDDEN");
    let walk = create_walk(&app, &observer, walk_input(137106, &protocol, "2025-10-07")).await;

    let cancel = "mutation($id: ID!) { cancelWalk(input: { walkId: $id, reason: \"Snow\" }) {
      walk { status } userErrors { code } } }";
    assert_eq!(
        code(&app.graphql(&observer, cancel, json!({ "id": walk })).await),
        "FORBIDDEN"
    );
    let close = "mutation($id: ID!) { closeWalk(input: { walkId: $id }) { walk { status } } }";
    assert_eq!(
        code(&app.graphql(&observer, close, json!({ "id": walk })).await),
        "FORBIDDEN"
    );
    let cancelled = app
        .data(&app.leader("2516"), cancel, json!({ "id": walk }))
        .await;
    assert_eq!(cancelled["cancelWalk"]["walk"]["status"], "CANCELLED");
}

on_both_stores!(
    observers_record_only_on_their_walks_and_as_themselves,
    observers_plan_their_own_walks_but_leave_the_rest_to_leaders,
);
