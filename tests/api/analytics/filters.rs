//! Filters against a recount of the fixture file: each narrows the figures
//! as it says, mixes no scales, and names the field of a bad value.

use serde_json::{Value, json};

use super::groupings::{CELLS, cells, figures, of_cell};
use super::{Rating, Recount, TRUST, load, ratings, recount};
use crate::helpers::{TestApp, data_file};
use crate::on_both_stores;

async fn filters_narrow_the_figures(app: TestApp) {
    let protocol = load(&app).await;
    let rows = ratings();
    let token = app.leader(TRUST);
    type Keep = fn(&Rating) -> bool;
    let cases: Vec<(Value, Keep)> = vec![
        (json!({ "indicatorCodes": ["RL1", "CD2"] }), |r| {
            r.indicator == "RL1" || r.indicator == "CD2"
        }),
        (json!({ "lens": "CONSISTENCY" }), |r| {
            r.indicator.starts_with("RL")
        }),
        (json!({ "focusArea": "curriculum-delivery" }), |r| {
            r.indicator.starts_with("CD")
        }),
        (
            json!({ "subjects": ["English"], "keyStages": ["KS3", "KS4"] }),
            |r| r.subject == "English" && ["KS3", "KS4"].contains(&r.key_stage.as_str()),
        ),
        (json!({ "academicYear": 2025, "term": "SPRING" }), |r| {
            r.term() == (2025, 2)
        }),
        (json!({ "from": "2025-10-01", "to": "2025-11-30" }), |r| {
            ("2025-10-01".."2025-12-01").contains(&r.date.as_str())
        }),
        (json!({ "schoolUrns": [900001, 900002] }), |r| {
            r.school <= 900002
        }),
    ];
    for (extra, keep) in cases {
        let mut filter = extra.clone();
        filter["protocolId"] = json!(protocol);
        let expected = recount(rows.iter().filter(|r| keep(r)));
        assert_eq!(
            of_cell(&cells(&app, &token, filter, "TRUST", false).await["trust"]),
            figures(&expected, false),
            "{extra}"
        );
    }
}

async fn a_protocol_key_spans_versions_matching_indicators_by_code(app: TestApp) {
    let v1 = load(&app).await;
    let mut json: Value =
        serde_json::from_slice(&std::fs::read(data_file("protocol-trust-core.json")).unwrap())
            .unwrap();
    json["version"] = json!(2);
    json["focus_areas"][0]["indicators"][0]["statement"] = json!("Lessons open with retrieval.");
    let bytes = serde_json::to_vec(&json).unwrap();
    api::import::protocol::import_protocol(app.db(), TRUST, &bytes)
        .await
        .unwrap();
    // A second term of walks, renamed, recorded on version 2.
    let text = String::from_utf8(std::fs::read(data_file("metrics-fixture/ratings.csv")).unwrap())
        .unwrap();
    let again: String = (text.lines().enumerate())
        .map(|(i, line)| match i {
            0 => format!("{line}\n"),
            _ => format!(
                "V2{}\n",
                line.replace(",W", ",V2W").replace("2025-", "2026-")
            ),
        })
        .collect();
    api::import::ratings::import_ratings(app.db(), TRUST, "trust-core", again.as_bytes())
        .await
        .unwrap();

    let rows = ratings();
    let token = app.leader(TRUST);
    let one = cells(&app, &token, json!({ "protocolId": v1 }), "TRUST", false).await;
    assert_eq!(one["protocols"], json!([{ "version": 1 }]));
    assert_eq!(of_cell(&one["trust"]), figures(&recount(&rows), false));

    let both = json!({ "protocolKey": "trust-core", "indicatorCodes": ["RL1"] });
    let both = cells(&app, &token, both, "INDICATOR", false).await;
    assert_eq!(
        both["protocols"],
        json!([{ "version": 1 }, { "version": 2 }])
    );
    let rl1 = recount(rows.iter().filter(|r| r.indicator == "RL1"));
    let doubled = Recount {
        n: rl1.n * 2,
        visits: rl1.visits * 2,
        schools: rl1.schools,
        secure: rl1.secure * 2,
        level_sum: rl1.level_sum * 2,
    };
    let cell = &both["cells"][0];
    assert_eq!(
        (
            cell["indicatorCode"].as_str(),
            both["cells"].as_array().unwrap().len()
        ),
        (Some("RL1"), 1)
    );
    assert_eq!(of_cell(cell), figures(&doubled, false));
}

async fn contradictory_filters_name_the_field_at_fault(app: TestApp) {
    let protocol = load(&app).await;
    let token = app.leader(TRUST);
    let cases = [
        (
            json!({ "protocolId": protocol, "protocolKey": "trust-core" }),
            "protocolKey",
        ),
        (json!({}), "protocolId"),
        (
            json!({ "protocolKey": "trust-core", "term": "AUTUMN" }),
            "term",
        ),
        (
            json!({ "protocolKey": "trust-core", "academicYear": 2025, "from": "2025-09-01" }),
            "academicYear",
        ),
        (
            json!({ "protocolKey": "trust-core", "from": "2026-01-01", "to": "2025-12-31" }),
            "to",
        ),
        (
            json!({ "protocolKey": "trust-core", "subjects": vec!["x"; 101] }),
            "subjects",
        ),
        (
            json!({ "protocolKey": "trust-core", "indicatorCodes": ["rl1"] }),
            "indicatorCodes",
        ),
        (
            json!({ "protocolKey": "trust-core", "focusArea": "nope" }),
            "focusArea",
        ),
        (
            json!({ "protocolKey": "trust-core", "keyStages": ["KS6"] }),
            "keyStages",
        ),
        (
            json!({ "protocolKey": "trust-core", "academicYear": 99999 }),
            "academicYear",
        ),
    ];
    for (filter, field) in cases {
        let vars = json!({ "f": filter, "g": "SCHOOL", "s": false });
        let body = app.graphql(&token, CELLS, vars).await;
        assert_eq!(
            body["errors"][0]["extensions"],
            json!({ "code": "BAD_USER_INPUT", "field": field }),
            "{filter}"
        );
        assert_eq!(body["data"], Value::Null, "{filter}");
    }
    // An unknown protocol key is a protocol the caller cannot see.
    let vars = json!({ "f": { "protocolKey": "nope" }, "g": "SCHOOL", "s": false });
    assert_eq!(
        app.data(&token, CELLS, vars).await,
        json!({ "variation": null })
    );
}

async fn versions_with_other_scales_are_not_mixed(app: TestApp) {
    load(&app).await;
    let file = std::fs::read(data_file("protocol-trust-core.json")).unwrap();
    let mut json: Value = serde_json::from_slice(&file).unwrap();
    json["version"] = json!(2);
    json["scale"]["levels"][3]["label"] = json!("Evident");
    json["scale"]["levels"]
        .as_array_mut()
        .unwrap()
        .push(json!({ "value": 5, "label": "Consistently evident" }));
    json["scale"]["secure_threshold"] = json!(4);
    let bytes = serde_json::to_vec(&json).unwrap();
    api::import::protocol::import_protocol(app.db(), TRUST, &bytes)
        .await
        .unwrap();
    let vars = json!({ "f": { "protocolKey": "trust-core" }, "g": "TRUST", "s": false });
    let body = app.graphql(&app.leader(TRUST), CELLS, vars).await;
    assert_eq!(
        body["errors"][0]["extensions"],
        json!({ "code": "BAD_USER_INPUT", "field": "protocolKey" })
    );
}

on_both_stores!(
    filters_narrow_the_figures,
    a_protocol_key_spans_versions_matching_indicators_by_code,
    contradictory_filters_name_the_field_at_fault,
    versions_with_other_scales_are_not_mixed,
);
