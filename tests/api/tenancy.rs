//! Another trust's records, and schools outside a school-scoped token,
//! answer exactly as ids that were never issued, and nothing changes.

use api::auth::Role;
use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::on_both_stores;
use crate::user_errors::{refusal, user_error};
use crate::walks::{
    ADD_VISIT, CREATE_WALK, RECORD_RATINGS, SUBMIT_WALK, add_visit, create_walk, rate, walk_input,
};

/// Ids of a recorded walk of trust 2516 at school 137106.
struct Recorded {
    protocol: String,
    walk: String,
    visit: String,
}

async fn record(app: &TestApp) -> Recorded {
    app.import_schools().await;
    let protocol = app.import_core_protocol("2516").await;
    app.import_core_protocol("3111").await;
    let token = app.leader("2516");
    let walk = create_walk(app, &token, walk_input(137106, &protocol, "2025-10-07")).await;
    let visit = add_visit(app, &token, &walk, "English", 7).await;
    rate(app, &token, &walk, &visit, None, &[("RL1", Some(3))]).await;
    Recorded {
        protocol,
        walk,
        visit,
    }
}

/// Row counts of the tables a mutation could touch.
async fn table_counts(app: &TestApp) -> Vec<i64> {
    use sea_orm::{ConnectionTrait, Statement};
    let mut counts = Vec::new();
    for table in ["walks", "walk_observers", "observers", "visits", "ratings"] {
        let sql = format!("SELECT COUNT(*) AS n FROM {table}");
        let backend = app.db().get_database_backend();
        let row = app
            .db()
            .query_one_raw(Statement::from_string(backend, sql))
            .await
            .unwrap();
        counts.push(row.unwrap().try_get::<i64>("", "n").unwrap());
    }
    counts
}

/// Runs every query and mutation against `ids` with `token`.
async fn probe(app: &TestApp, token: &str, ids: &Recorded, urn: i32) -> Vec<Value> {
    let mut answers = Vec::new();
    for (query, vars) in [
        (
            "query($id: ID!) { walk(id: $id) { id } }",
            json!({ "id": ids.walk }),
        ),
        (
            "query($id: ID!) { protocol(id: $id) { id } }",
            json!({ "id": ids.protocol }),
        ),
        (
            "query($urn: Int!) { school(urn: $urn) { urn } }",
            json!({ "urn": urn }),
        ),
        (
            "query($u: Int) { walks(first: 10, filter: { schoolUrn: $u }) { totalCount nodes { id } } }",
            json!({ "u": urn }),
        ),
        (
            "query($id: ID!) { variation(filter: { protocolId: $id }) { trust { n } } }",
            json!({ "id": ids.protocol }),
        ),
        (
            "query($id: ID!) { agreement(filter: { protocolId: $id }) { overall { pairs } } }",
            json!({ "id": ids.protocol }),
        ),
        (
            "query($id: ID!) { coverage(filter: { protocolId: $id }) {
               visits { visits } schoolsWithoutVisits { urn } } }",
            json!({ "id": ids.protocol }),
        ),
    ] {
        answers.push(app.graphql(token, query, vars).await);
    }
    let mutations = [
        (
            CREATE_WALK,
            json!({ "input": walk_input(urn, &ids.protocol, "2025-10-08") }),
        ),
        (
            ADD_VISIT,
            json!({ "input": { "walkId": ids.walk, "subject": "Art", "minutes": 10 } }),
        ),
        (
            RECORD_RATINGS,
            json!({ "input": { "walkId": ids.walk, "visitId": ids.visit,
            "ratings": [{ "indicatorCode": "RL1", "level": 1 }] } }),
        ),
        (SUBMIT_WALK, json!({ "input": { "walkId": ids.walk } })),
    ];
    for (query, vars) in mutations {
        answers.push(app.graphql(token, query, vars).await);
    }
    answers
}

/// The same ids with every key replaced by one never issued.
fn never_issued() -> Recorded {
    let fresh = |kind: &str| api::graphql::ids::encode(kind, uuid::Uuid::new_v4()).0;
    Recorded {
        protocol: fresh(api::graphql::ids::PROTOCOL),
        walk: fresh(api::graphql::ids::WALK),
        visit: fresh(api::graphql::ids::VISIT),
    }
}

async fn another_trust_sees_nothing_and_changes_nothing(app: TestApp) {
    let ids = record(&app).await;
    let before = table_counts(&app).await;
    let other = app.leader("3111");

    let theirs = probe(&app, &other, &ids, 137106).await;
    let made_up = probe(&app, &other, &never_issued(), 999999).await;
    assert_eq!(theirs, made_up);
    assert_eq!(theirs[0], json!({ "data": { "walk": null } }));
    assert_eq!(
        theirs[3]["data"]["walks"],
        json!({ "totalCount": 0, "nodes": [] })
    );
    assert_eq!(theirs[4], json!({ "data": { "variation": null } }));
    assert_eq!(theirs[5], json!({ "data": { "agreement": null } }));
    assert_eq!(theirs[6], json!({ "data": { "coverage": null } }));
    let unknown = |message: &str| user_error("NOT_FOUND", None, message);
    assert_eq!(
        refusal(&theirs[7], "createWalk"),
        unknown("No school with this URN")
    );
    assert_eq!(
        refusal(&theirs[8], "addVisit"),
        unknown("No walk with this id")
    );
    assert_eq!(table_counts(&app).await, before);
}

async fn a_school_scoped_token_sees_nothing_of_another_school(app: TestApp) {
    let ids = record(&app).await;
    let before = table_counts(&app).await;
    let token = app.token("2516", &[Role::SchoolLeader], Some(vec![138655]));

    let elsewhere = probe(&app, &token, &ids, 137106).await;
    let made_up = probe(&app, &token, &never_issued(), 999999).await;
    // The protocol, its variation and coverage are trust-wide, so those
    // answers differ by design: compare the school-bound ones. Agreement is
    // for trust-wide callers only.
    for i in [0, 2, 3, 5, 7, 8, 9, 10] {
        assert_eq!(elsewhere[i], made_up[i], "answer {i}");
    }
    assert_eq!(elsewhere[0], json!({ "data": { "walk": null } }));
    assert_eq!(elsewhere[5]["errors"][0]["extensions"]["code"], "FORBIDDEN");
    // Coverage names only the token's school (138655, not visited).
    assert_eq!(
        elsewhere[6]["data"]["coverage"],
        json!({ "visits": [], "schoolsWithoutVisits": [{ "urn": 138655 }] })
    );
    assert_eq!(table_counts(&app).await, before);
}

on_both_stores!(
    another_trust_sees_nothing_and_changes_nothing,
    a_school_scoped_token_sees_nothing_of_another_school,
);
