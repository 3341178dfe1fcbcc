//! `POST /import/ratings`: a term of walks in one upload, all or nothing,
//! each fault by line, in the caller's trust and schools only.

use api::auth::Role;
use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::import_ratings::{HEADER, written};
use crate::on_both_stores;

const GOOD: [&str; 4] = [
    "W1,137106,2025-10-07,lead-a,V1,English,KS3,lead-a,lead,RL1,3",
    "W1,137106,2025-10-07,lead-a,V1,English,KS3,co-b,co_observer,RL1,2",
    "W1,137106,2025-10-07,lead-a,V2,Maths,KS3,lead-a,lead,RL2,",
    "W2,138655,2025-10-08,lead-c,V3,Science,KS4,lead-c,lead,RL1,n/a",
];

async fn upload(app: &TestApp, token: &str, query: &str, rows: &[&str]) -> (u16, Value) {
    let file = format!("{HEADER}\n{}\n", rows.join("\n"));
    let response = (app
        .client()
        .post(app.url(&format!("/import/ratings{query}"))))
    .bearer_auth(token)
    .header("content-type", "text/csv; charset=utf-8")
    .body(file)
    .send()
    .await
    .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn faults(body: &Value) -> Value {
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "{body}"
    );
    body["errors"][0]["extensions"]["faults"].clone()
}

async fn a_term_uploads_whole_and_a_faulty_file_writes_nothing(app: TestApp) {
    app.import_schools().await;
    app.import_core_protocol("2516").await;
    let token = app.leader("2516");
    let empty = written(&app).await;
    let mut faulty = GOOD.to_vec();
    faulty[1] = "W1,137106,2025-10-07,lead-a,V1,English,KS3,co-b,co_observer,RL1,9";
    faulty.push("W3,142070,2025-10-09,lead-a,V4,Art,KS2,lead-a,lead,ZZ9,2");
    let (status, body) = upload(&app, &token, "?protocolKey=trust-core", &faulty).await;
    assert_eq!(status, 422, "{body}");
    let expected = json!([
        { "line": 3, "message": "visit V1, indicator RL1: level 9 is not on the protocol's scale" },
        { "line": 6, "message": "walk W3: school 142070 is not in the trust" },
        { "line": 6, "message": "visit V4: indicator ZZ9 is not in trust-core version 1" },
    ]);
    assert_eq!(faults(&body), expected);
    assert_eq!(written(&app).await, empty);

    let (status, body) = upload(&app, &token, "?protocolKey=trust-core", &GOOD).await;
    assert_eq!(status, 200, "{body}");
    let imported = json!({ "imported": { "protocol": "trust-core", "version": 1, "walks": 2,
        "visits": 3, "ratings": 4, "newObservers": 3 } });
    assert_eq!(body, imported);
    let walks = app
        .data(&token, "{ walks(first: 5) { totalCount } }", json!({}))
        .await;
    assert_eq!(walks["walks"]["totalCount"], 2);

    // The same file again is refused walk by walk: nothing is doubled.
    let (status, body) = upload(&app, &token, "?protocolKey=trust-core", &GOOD).await;
    assert_eq!(status, 422);
    let again = json!([
        { "line": 2, "message": "walk W1 was imported before" },
        { "line": 5, "message": "walk W2 was imported before" },
    ]);
    assert_eq!(faults(&body), again);
}

async fn imports_stay_in_the_callers_trust_and_schools(app: TestApp) {
    app.import_schools().await;
    app.import_core_protocol("2516").await;
    app.import_core_protocol("3111").await;
    let before = written(&app).await;
    // Trust 3111 cannot write into trust 2516's schools.
    let (status, body) = upload(&app, &app.leader("3111"), "?protocolKey=trust-core", &GOOD).await;
    assert_eq!(status, 422);
    assert_eq!(
        faults(&body)[0]["message"],
        "walk W1: school 137106 is not in the trust"
    );
    // A school's leader imports for that school only.
    let school = app.token("2516", &[Role::SchoolLeader], Some(vec![137106]));
    let (status, body) = upload(&app, &school, "?protocolKey=trust-core", &GOOD).await;
    assert_eq!(status, 422);
    let only = json!([{ "line": 5, "message": "walk W2: school 138655 is not one of yours" }]);
    assert_eq!(faults(&body), only);
    // It hears the same of a school outside the trust: nothing tells it
    // which schools the trust has.
    let outside = [
        GOOD[0],
        "W2,142070,2025-10-08,lead-c,V3,Science,KS4,lead-c,lead,RL1,n/a",
    ];
    let (status, body) = upload(&app, &school, "?protocolKey=trust-core", &outside).await;
    assert_eq!(status, 422);
    let message = "walk W2: school 142070 is not one of yours";
    assert_eq!(faults(&body), json!([{ "line": 3, "message": message }]));
    // Observers do not import; nor does anyone without a token.
    let observer = app.token("2516", &[Role::Observer], None);
    let (status, body) = upload(&app, &observer, "?protocolKey=trust-core", &GOOD).await;
    assert_eq!(
        (status, &body["errors"][0]["extensions"]["code"]),
        (403, &json!("FORBIDDEN"))
    );
    let (status, _) = upload(&app, "not-a-token", "?protocolKey=trust-core", &GOOD).await;
    assert_eq!(status, 401);
    assert_eq!(written(&app).await, before);
}

async fn the_upload_needs_csv_a_protocol_key_and_post(app: TestApp) {
    app.import_schools().await;
    app.import_core_protocol("2516").await;
    let token = app.leader("2516");
    let (status, body) = upload(&app, &token, "", &GOOD).await;
    assert_eq!(
        (status, &body["errors"][0]["extensions"]["field"]),
        (400, &json!("protocolKey"))
    );
    let (status, body) = upload(&app, &token, "?protocolKey=nope", &GOOD).await;
    assert_eq!(status, 422);
    assert_eq!(
        faults(&body),
        json!([{ "line": null,
        "message": "trust 2516 has no published protocol nope" }])
    );
    let json_body = (app
        .client()
        .post(app.url("/import/ratings?protocolKey=trust-core")))
    .bearer_auth(&token)
    .json(&json!({ "rows": [] }))
    .send()
    .await
    .unwrap();
    assert_eq!(json_body.status().as_u16(), 415);
    assert_eq!(
        json_body.json::<Value>().await.unwrap()["errors"][0]["extensions"],
        json!({ "code": "UNSUPPORTED_MEDIA_TYPE", "field": "content-type" })
    );
    // A CSV declared twice, once as something else, is not a CSV.
    let twice = (app.client())
        .post(app.url("/import/ratings?protocolKey=trust-core"))
        .bearer_auth(&token)
        .header("content-type", "text/csv")
        .header("content-type", "application/json")
        .body(format!("{HEADER}\n{}\n", GOOD.join("\n")))
        .send()
        .await
        .unwrap();
    assert_eq!(twice.status().as_u16(), 415);
    let get = (app.client().get(app.url("/import/ratings")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(get.status().as_u16(), 405);
    assert_eq!(get.headers()["allow"], "POST");
    let body = get.json::<Value>().await.unwrap();
    assert_eq!(
        body["errors"][0]["extensions"]["code"],
        "METHOD_NOT_ALLOWED"
    );
}

on_both_stores!(
    a_term_uploads_whole_and_a_faulty_file_writes_nothing,
    imports_stay_in_the_callers_trust_and_schools,
    the_upload_needs_csv_a_protocol_key_and_post,
);

async fn imported_walks_and_visits_keep_the_files_names_as_external_ids(app: TestApp) {
    app.import_schools().await;
    let protocol = app.import_core_protocol("2516").await;
    let token = app.leader("2516");
    // A walk planned through the API under a name the file also uses.
    let mut input = crate::walks::walk_input(138655, &protocol, "2025-10-08");
    input["externalId"] = json!("W2");
    let upsert = "mutation($input: UpsertWalkInput!) { upsertWalk(input: $input) {
      created userErrors { code } } }";
    app.data(&token, upsert, json!({ "input": input })).await;
    let (status, body) = upload(&app, &token, "?protocolKey=trust-core", &GOOD).await;
    assert_eq!(status, 422);
    let taken =
        json!([{ "line": 5, "message": "walk W2: another walk of the trust has externalId W2" }]);
    assert_eq!(faults(&body), taken);

    let (status, _) = upload(&app, &token, "?protocolKey=trust-core", &GOOD[..3]).await;
    assert_eq!(status, 200);
    let query = "{ walks(first: 5, filter: { schoolUrn: 137106 }) { nodes { externalId
      visits(first: 5) { nodes { externalId } } } } }";
    let data = app.data(&token, query, json!({})).await;
    let walk = json!([{ "externalId": "W1", "visits": { "nodes": [{ "externalId": "V1" }, { "externalId": "V2" }] } }]);
    let mut got = data["walks"]["nodes"].clone();
    let visits = got[0]["visits"]["nodes"].as_array_mut().unwrap();
    visits.sort_by_key(|v| v["externalId"].as_str().unwrap().to_owned());
    assert_eq!(got, walk);
}

on_both_stores!(imported_walks_and_visits_keep_the_files_names_as_external_ids);

/// `count` one-visit walks tagged `tag`, every one led by the same new
/// observer.
fn walks_of(tag: &str, count: usize) -> Vec<String> {
    (0..count)
        .map(|w| {
            format!("{tag}{w},137106,2025-10-07,shared,{tag}{w}V,English,KS3,shared,lead,RL1,3")
        })
        .collect()
}

async fn imports_at_the_same_time_never_fail(app: TestApp) {
    app.import_schools().await;
    app.import_core_protocol("2516").await;
    let token = app.leader("2516");
    let query = "?protocolKey=trust-core";
    let empty = written(&app).await;

    // Two files of different walks naming the same new observer: both land.
    let (a, b) = (walks_of("A", 40), walks_of("B", 40));
    let (a, b): (Vec<&str>, Vec<&str>) = (
        a.iter().map(String::as_str).collect(),
        b.iter().map(String::as_str).collect(),
    );
    let (first, second) = tokio::join!(
        upload(&app, &token, query, &a),
        upload(&app, &token, query, &b)
    );
    assert_eq!((first.0, second.0), (200, 200), "{first:?} {second:?}");
    let added =
        |now: Vec<i64>| -> Vec<i64> { now.iter().zip(&empty).map(|(n, e)| n - e).collect() };
    // walks, walk_observers, observers, visits, ratings
    assert_eq!(added(written(&app).await), [80, 80, 1, 80, 80]);

    // The same file four times at once: one writes it; each other is told
    // its walks are taken (422) or that it lost the race (409).
    let c = walks_of("C", 40);
    let c: Vec<&str> = c.iter().map(String::as_str).collect();
    let (r1, r2, r3, r4) = tokio::join!(
        upload(&app, &token, query, &c),
        upload(&app, &token, query, &c),
        upload(&app, &token, query, &c),
        upload(&app, &token, query, &c)
    );
    let answers = [r1, r2, r3, r4];
    let landed = answers.iter().filter(|(status, _)| *status == 200).count();
    assert_eq!(landed, 1, "{answers:?}");
    for (status, body) in answers.iter().filter(|(status, _)| *status != 200) {
        let code = &body["errors"][0]["extensions"]["code"];
        match status {
            409 => assert_eq!(code, "CONFLICT", "{body}"),
            422 => assert_eq!(code, "BAD_USER_INPUT", "{body}"),
            _ => panic!("{status}: {body}"),
        }
    }
    assert_eq!(added(written(&app).await), [120, 120, 1, 120, 120]);
}

on_both_stores!(imports_at_the_same_time_never_fail);
