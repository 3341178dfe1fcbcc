//! Business-rule failures of a mutation come back in its payload's
//! `userErrors` with the record null; requests that cannot run, and
//! callers without the role, stay top-level errors.

use api::auth::Role;
use api::graphql::ids::{self, ACTION, PROTOCOL, VISIT, WALK};
use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::on_both_stores;
use crate::walks::{add_visit, create_walk, walk_input};

/// A user error as a payload spells it; `field` is dotted, e.g.
/// `ratings.1.level`.
pub fn user_error(code: &str, field: Option<&str>, message: &str) -> Value {
    let field = field.map(|f| f.split('.').collect::<Vec<_>>());
    json!({ "field": field, "code": code, "message": message })
}

/// The one user error of `mutation`'s payload in `body`, after checking
/// that the response has no top-level error and that the payload holds
/// nothing else: every record null, no warnings.
pub fn refusal(body: &Value, mutation: &str) -> Value {
    assert!(body.get("errors").is_none(), "unexpected errors: {body}");
    let payload = body["data"][mutation].as_object().expect("a payload");
    for (name, value) in payload {
        if name != "userErrors" && name != "clientMutationId" {
            let empty = value.is_null() || value == &json!([]);
            assert!(empty, "{name} is set on a refusal: {body}");
        }
    }
    let errors = payload["userErrors"].as_array().expect("userErrors");
    assert_eq!(errors.len(), 1, "{body}");
    errors[0].clone()
}

/// The code of the user error that refused the one mutation of `body`,
/// or `None` when it succeeded; a top-level error fails the test.
pub fn refused_with(body: &Value) -> Option<String> {
    assert!(body.get("errors").is_none(), "unexpected errors: {body}");
    let data = body["data"].as_object().expect("data");
    let (mutation, payload) = data.iter().next().expect("a payload");
    if payload["userErrors"] == json!([]) {
        return None;
    }
    Some(refusal(body, mutation)["code"].as_str()?.to_owned())
}

const ADD_VISIT: &str = "mutation($input: AddVisitInput!) { addVisit(input: $input) {
  visit { id } walk { id } warnings { text } userErrors { field code message }
  clientMutationId } }";

const SUBMIT: &str = "mutation($input: SubmitWalkInput!) { submitWalk(input: $input) {
  walk { id } userErrors { field code message } clientMutationId } }";

const CLOSE: &str = "mutation($input: CloseWalkInput!) { closeWalk(input: $input) {
  walk { id } userErrors { field code message } clientMutationId } }";

const UPDATE_ACTION: &str = "mutation($input: UpdateActionInput!) {
  updateAction(input: $input) { action { id } userErrors { field code message }
    clientMutationId } }";

/// A global id of `kind` that was never issued.
fn fresh(kind: &str) -> String {
    ids::encode(kind, uuid::Uuid::new_v4()).0
}

/// The whole answer to a refused mutation: its payload with the record
/// null, the one user error and the echoed `clientMutationId`.
fn refused_payload(mutation: &str, records: Value, error: Value) -> Value {
    let mut payload = records;
    payload["userErrors"] = json!([error]);
    payload["clientMutationId"] = json!("c1");
    json!({ "data": { mutation: payload } })
}

async fn a_broken_rule_answers_in_the_payload_while_roles_and_malformed_requests_stay_top_level(
    app: TestApp,
) {
    app.import_schools().await;
    let protocol = app.import_core_protocol("2516").await;
    let leader = app.leader("2516");
    let walk = create_walk(&app, &leader, walk_input(137106, &protocol, "2025-10-07")).await;
    add_visit(&app, &leader, &walk, "English", 7).await;
    let read = "query($id: ID!) { walk(id: $id) { version status } }";
    let before = app.data(&leader, read, json!({ "id": walk })).await;

    let made_up = fresh(ACTION);
    let stale = "the walk changed since you read it (now version 2); read it again before writing";
    let closing = "the walk is IN_PROGRESS; only a DEBRIEFED walk can become CLOSED";
    let cases = [
        (
            ADD_VISIT,
            "addVisit",
            json!({ "walkId": walk, "subject": "Art", "minutes": 0 }),
            json!({ "visit": null, "walk": null, "warnings": [] }),
            user_error(
                "BAD_USER_INPUT",
                Some("minutes"),
                "a visit lasts 1 to 120 minutes",
            ),
        ),
        (
            SUBMIT,
            "submitWalk",
            json!({ "walkId": walk, "expectedVersion": 1 }),
            json!({ "walk": null }),
            user_error("CONFLICT", None, stale),
        ),
        (
            CLOSE,
            "closeWalk",
            json!({ "walkId": walk }),
            json!({ "walk": null }),
            user_error("BAD_USER_INPUT", Some("walkId"), closing),
        ),
        (
            UPDATE_ACTION,
            "updateAction",
            json!({ "actionId": made_up, "status": "DONE" }),
            json!({ "action": null }),
            user_error("NOT_FOUND", None, "No action with this id"),
        ),
    ];
    for (query, mutation, mut input, records, error) in cases {
        input["clientMutationId"] = json!("c1");
        let body = app.graphql(&leader, query, json!({ "input": input })).await;
        assert_eq!(body, refused_payload(mutation, records, error));
    }

    // An observer on a leader's mutation: a top-level FORBIDDEN, no payload.
    let observer = app.token_for("obs-lead", "2516", &[Role::Observer], None);
    let input = json!({ "input": { "walkId": walk, "clientMutationId": "c1" } });
    let body = app.graphql(&observer, CLOSE, input).await;
    assert_eq!(body["data"], Value::Null, "{body}");
    let error = &body["errors"][0];
    assert_eq!(
        (&error["message"], &error["extensions"], &error["path"]),
        (
            &json!("observers record visits and ratings only"),
            &json!({ "code": "FORBIDDEN" }),
            &json!(["closeWalk"])
        )
    );

    // Requests that cannot run: a value that is not a date, and a payload
    // field that does not exist.
    let debrief = "mutation($on: Date!) { recordDebrief(input: { walkId: \"x\", heldOn: $on,
      participants: [], strengths: \"s\", reflections: \"r\", actions: [] }) {
      userErrors { code } } }";
    let body = app
        .graphql(&leader, debrief, json!({ "on": "2025-02-30" }))
        .await;
    assert_eq!(body["data"], Value::Null, "{body}");
    assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
    let unknown = "mutation($input: CloseWalkInput!) { closeWalk(input: $input) { errors } }";
    let body = app
        .graphql(&leader, unknown, json!({ "input": { "walkId": walk } }))
        .await;
    assert_eq!(body["data"], Value::Null, "{body}");
    assert_eq!(
        body["errors"][0]["extensions"]["code"],
        "GRAPHQL_VALIDATION_FAILED"
    );

    let after = app.data(&leader, read, json!({ "id": walk })).await;
    assert_eq!(after, before, "no refused write changed the walk");
}

async fn another_trusts_record_is_refused_exactly_like_a_made_up_id(app: TestApp) {
    app.import_schools().await;
    let protocol = app.import_core_protocol("2516").await;
    let leader = app.leader("2516");
    let walk = create_walk(&app, &leader, walk_input(137106, &protocol, "2025-10-07")).await;
    let visit = add_visit(&app, &leader, &walk, "English", 7).await;

    let delete = "mutation($input: DeleteVisitInput!) { deleteVisit(input: $input) {
      deletedVisitId walk { id } userErrors { field code message } clientMutationId } }";
    let publish = "mutation($input: ProtocolVersionInput!) { publishProtocol(input: $input) {
      protocol { id } userErrors { field code message } clientMutationId } }";
    let unknown = |what: &str| user_error("NOT_FOUND", None, &format!("No {what} with this id"));
    let cases = [
        (
            ADD_VISIT,
            "addVisit",
            json!({ "walkId": walk, "subject": "Art", "minutes": 10 }),
            json!({ "walkId": fresh(WALK), "subject": "Art", "minutes": 10 }),
            json!({ "visit": null, "walk": null, "warnings": [] }),
            unknown("walk"),
        ),
        (
            delete,
            "deleteVisit",
            json!({ "visitId": visit }),
            json!({ "visitId": fresh(VISIT) }),
            json!({ "deletedVisitId": null, "walk": null }),
            unknown("visit"),
        ),
        (
            publish,
            "publishProtocol",
            json!({ "protocolId": protocol }),
            json!({ "protocolId": fresh(PROTOCOL) }),
            json!({ "protocol": null }),
            unknown("protocol"),
        ),
    ];
    let other = app.leader("3111");
    for (query, mutation, theirs, made_up, records, error) in cases {
        let expected = refused_payload(mutation, records, error);
        for mut input in [theirs, made_up] {
            input["clientMutationId"] = json!("c1");
            let body = app.graphql(&other, query, json!({ "input": input })).await;
            assert_eq!(body, expected, "{mutation}");
        }
    }

    let read = "query($id: ID!) { walk(id: $id) { version visits(first: 5) { totalCount } } }";
    let now = app.data(&leader, read, json!({ "id": walk })).await;
    assert_eq!(
        now["walk"],
        json!({ "version": 2, "visits": { "totalCount": 1 } })
    );
}

on_both_stores!(
    a_broken_rule_answers_in_the_payload_while_roles_and_malformed_requests_stay_top_level,
    another_trusts_record_is_refused_exactly_like_a_made_up_id,
);

/// A visit of a submitted walk cannot be deleted, and the error points at
/// the input's own field, `visitId`.
async fn deleting_a_locked_visit_names_the_visit(app: TestApp) {
    app.import_schools().await;
    let protocol = app.import_core_protocol("2516").await;
    let leader = app.leader("2516");
    let walk = create_walk(&app, &leader, walk_input(137106, &protocol, "2025-10-07")).await;
    let visit = add_visit(&app, &leader, &walk, "English", 7).await;
    crate::walks::submit(&app, &leader, &walk).await;
    let delete = "mutation($input: DeleteVisitInput!) { deleteVisit(input: $input) {
      deletedVisitId userErrors { field code } } }";
    let body = app
        .graphql(&leader, delete, json!({ "input": { "visitId": visit } }))
        .await;
    assert_eq!(
        body["data"]["deleteVisit"],
        json!({ "deletedVisitId": null,
                "userErrors": [{ "field": ["visitId"], "code": "BAD_USER_INPUT" }] })
    );
}

on_both_stores!(deleting_a_locked_visit_names_the_visit);
