//! The CSV export: the same cells as GraphQL, the same token and scope.

use api::auth::Role;
use serde_json::{Value, json};

use super::{TRUST, load};
use crate::helpers::TestApp;
use crate::on_both_stores;

async fn export(app: &TestApp, token: &str, query: &str) -> (u16, String, String) {
    let url = app.url(&format!("/export/variation.csv?{query}"));
    let response = app
        .client()
        .get(url)
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let kind = (response.headers().get("content-type"))
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, kind, response.text().await.unwrap())
}

fn rows(text: &str) -> Vec<csv::StringRecord> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let mut all = vec![reader.headers().unwrap().clone()];
    all.extend(reader.records().map(Result::unwrap));
    all
}

fn float(text: &str) -> Value {
    text.parse::<f64>().map_or(Value::Null, |v| json!(v))
}

async fn the_csv_export_has_the_graphql_cells(app: TestApp) {
    let protocol = load(&app).await;
    let token = app.leader(TRUST);
    let query = format!("protocolId={protocol}&groupBy=subject&perSchool=true");
    let (status, kind, text) = export(&app, &token, &query).await;
    assert_eq!(
        (status, kind.as_str()),
        (200, "text/csv; charset=utf-8"),
        "{text}"
    );

    let graphql = "query($p: ID!) { variation(filter: { protocolId: $p }, groupBy: SUBJECT,
      perSchool: true) { cells { school { urn name } subject n visits secureRate suppressed } } }";
    let data = app.data(&token, graphql, json!({ "p": protocol })).await;
    let cells = data["variation"]["cells"].as_array().unwrap();
    let rows = rows(&text);
    assert_eq!(
        rows[0].iter().collect::<Vec<_>>(),
        [
            "school_urn",
            "school_name",
            "subject",
            "n",
            "visits",
            "schools",
            "not_observed",
            "not_applicable",
            "mean",
            "secure_rate",
            "level_1",
            "level_2",
            "level_3",
            "level_4",
            "suppressed",
            "suppression_reason",
        ]
    );
    assert_eq!(rows.len() - 1, cells.len());
    for (row, cell) in rows[1..].iter().zip(cells) {
        let got = json!({
            "school": { "urn": row[0].parse::<i64>().unwrap(), "name": &row[1] },
            "subject": &row[2], "n": row[3].parse::<i64>().unwrap(),
            "visits": row[4].parse::<i64>().unwrap(), "secureRate": float(&row[9]),
            "suppressed": row[14].parse::<bool>().unwrap(),
        });
        assert_eq!(&got, cell);
    }
}

async fn the_export_keeps_to_the_token_and_refuses_bad_parameters(app: TestApp) {
    let protocol = load(&app).await;
    let leader = app.leader(TRUST);
    let query = format!("protocolId={protocol}");

    let (status, _, body) = export(&app, "not-a-token", &query).await;
    let body: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        (status, &body["errors"][0]["extensions"]["code"]),
        (401, &json!("UNAUTHENTICATED"))
    );

    for (bad, field) in [
        ("&groupBy=teacher", json!("groupBy")),
        ("&from=2025-13-01", json!("from")),
        ("&term=winter&academicYear=2025", json!("term")),
        ("&shoe=1", Value::Null),
        ("&academicYear=twenty", json!("academicYear")),
        ("&perSchool=yes", json!("perSchool")),
    ] {
        let (status, _, body) = export(&app, &leader, &format!("{query}{bad}")).await;
        let body: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(status, 400, "{bad}: {body}");
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
            "{bad}"
        );
        assert_eq!(
            body["errors"][0]["extensions"]
                .get("field")
                .cloned()
                .unwrap_or_default(),
            field
        );
    }

    // Enum values in either case, as GraphQL spells them or lower case.
    let upper = format!("{query}&groupBy=SUBJECT&term=AUTUMN&academicYear=2025&lens=CONSISTENCY");
    let (status, _, text) = export(&app, &leader, &upper).await;
    assert_eq!(status, 200, "{text}");
    let response = app
        .client()
        .post(app.url("/export/variation.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 405);
    assert_eq!(response.headers()["allow"], "GET");
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body["errors"][0]["extensions"]["code"],
        "METHOD_NOT_ALLOWED"
    );

    // Another trust's protocol answers exactly as a made-up one.
    app.create_trust("9999").await;
    let other = app.leader("9999");
    let made_up = api::graphql::ids::encode(api::graphql::ids::PROTOCOL, uuid::Uuid::new_v4()).0;
    let theirs = export(&app, &other, &query).await;
    let invented = export(&app, &other, &format!("protocolId={made_up}")).await;
    assert_eq!(theirs.0, 404);
    assert_eq!(theirs, invented);

    // A school-scoped token gets its own school's row only.
    let scoped = app.token(TRUST, &[Role::SchoolLeader], Some(vec![900003]));
    let (status, _, text) = export(&app, &scoped, &query).await;
    assert_eq!(status, 200);
    let rows = rows(&text);
    assert_eq!((rows.len(), &rows[1][0]), (2, "900003"));
}

async fn text_a_spreadsheet_would_run_is_quoted(app: TestApp) {
    let protocol = load(&app).await;
    let file = "walk,school_urn,date,lead,visit,subject,key_stage,observer,observer_role,indicator,level\n\
                X1,900006,2025-10-01,obs-a,X1-V1,=HYPERLINK(\"x\"),KS1,obs-a,lead,RL1,3\n";
    api::import::ratings::import_ratings(app.db(), TRUST, "trust-core", file.as_bytes())
        .await
        .unwrap();
    let query = format!("protocolId={protocol}&groupBy=subject");
    let (_, _, text) = export(&app, &app.leader(TRUST), &query).await;
    let rows = rows(&text);
    assert!(rows.iter().any(|r| &r[0] == "'=HYPERLINK(\"x\")"), "{text}");
}

on_both_stores!(
    the_csv_export_has_the_graphql_cells,
    the_export_keeps_to_the_token_and_refuses_bad_parameters,
    text_a_spreadsheet_would_run_is_quoted,
);
