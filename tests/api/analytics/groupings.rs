//! Groupings, trends and filters against a recount of the fixture file.

use api::auth::Role;
use serde_json::{Value, json};

use super::{Rating, Recount, TRUST, load, ratings, ratio, recount, recount_by};
use crate::helpers::{TestApp, data_file};
use crate::on_both_stores;

const CELLS: &str = "query($f: VariationFilter!, $g: VariationGroupBy!, $s: Boolean!) {
  variation(filter: $f, groupBy: $g, perSchool: $s) {
    protocols { version }
    trust { n visits schools mean secureRate suppressed levels { level count } }
    cells { school { urn } indicatorCode subject academicYear term label
            n visits schools mean secureRate suppressed }
  } }";

/// The cell the API should give for a recount, minus its key.
fn figures(r: &Recount, suppressed: bool) -> Value {
    let value = |part: i64| match suppressed {
        true => Value::Null,
        false => ratio(part, r.n),
    };
    json!({ "n": r.n, "visits": r.visits, "schools": r.schools,
            "mean": value(r.level_sum), "secureRate": value(r.secure), "suppressed": suppressed })
}

/// The figures of an API cell, without its key.
fn of_cell(cell: &Value) -> Value {
    let keep = ["n", "visits", "schools", "mean", "secureRate", "suppressed"];
    json!(
        keep.iter()
            .map(|k| (k.to_string(), cell[k].clone()))
            .collect::<serde_json::Map<_, _>>()
    )
}

async fn cells(app: &TestApp, token: &str, filter: Value, group: &str, per_school: bool) -> Value {
    let vars = json!({ "f": filter, "g": group, "s": per_school });
    app.data(token, CELLS, vars).await["variation"].clone()
}

async fn trends_and_school_cells_match_a_recount(app: TestApp) {
    let protocol = load(&app).await;
    let rows = ratings();
    let token = app.leader(TRUST);
    let filter = json!({ "protocolId": protocol });

    let by_term = cells(&app, &token, filter.clone(), "TERM", false).await;
    let expected = recount_by(&rows, Rating::term);
    let got = by_term["cells"].as_array().unwrap();
    assert_eq!(got.len(), expected.len());
    for (cell, ((year, term), recount)) in got.iter().zip(&expected) {
        let name = ["AUTUMN", "SPRING", "SUMMER"][*term as usize - 1];
        assert_eq!(
            (&cell["academicYear"], &cell["term"]),
            (&json!(year), &json!(name))
        );
        assert_eq!(
            of_cell(cell),
            figures(recount, recount.visits < 5),
            "{cell}"
        );
    }
    assert_eq!(got[0]["label"], "Autumn 2025/26");

    let by_year = cells(&app, &token, filter.clone(), "ACADEMIC_YEAR", false).await;
    let expected = recount_by(&rows, |r| r.term().0);
    let got = by_year["cells"].as_array().unwrap();
    assert_eq!(got.len(), expected.len());
    for (cell, (year, recount)) in got.iter().zip(&expected) {
        assert_eq!(cell["academicYear"], json!(year));
        assert_eq!(of_cell(cell), figures(recount, false));
    }

    let by_subject = cells(&app, &token, filter.clone(), "SUBJECT", true).await;
    let expected = recount_by(&rows, |r| (r.school, r.subject.clone()));
    let got = by_subject["cells"].as_array().unwrap();
    assert_eq!(got.len(), expected.len());
    for (cell, ((school, subject), recount)) in got.iter().zip(&expected) {
        assert_eq!(
            (&cell["school"]["urn"], &cell["subject"]),
            (&json!(school), &json!(subject))
        );
        assert_eq!(
            of_cell(cell),
            figures(recount, recount.visits < 5),
            "{cell}"
        );
    }

    // The level distribution of the whole trust.
    let trust = &by_term["trust"];
    let levels: Vec<Value> = (1..=4)
        .map(|level| {
            let count = rows
                .iter()
                .filter(|r| r.lead && r.level == Some(level))
                .count();
            json!({ "level": level, "count": count })
        })
        .collect();
    assert_eq!(trust["levels"], json!(levels));
}

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

async fn a_school_scoped_caller_sees_its_school_against_the_trust(app: TestApp) {
    let protocol = load(&app).await;
    let rows = ratings();
    let filter = json!({ "protocolId": protocol });
    let token = app.token(TRUST, &[Role::SchoolLeader], Some(vec![900001]));

    let by_subject = cells(&app, &token, filter.clone(), "SUBJECT", false).await;
    let all = recount_by(&rows, |r| r.subject.clone());
    let others = recount_by(&rows, |r| (r.subject.clone(), r.school == 900001));
    let got = by_subject["cells"].as_array().unwrap();
    assert_eq!(got.len(), all.len());
    for (cell, (subject, recount)) in got.iter().zip(&all) {
        let rest = others.get(&(subject.clone(), false));
        let hidden = recount.visits < 5 || rest.is_none_or(|r| r.schools < 2 || r.visits < 5);
        assert_eq!(cell["subject"], json!(subject));
        // Cells with other schools in them are the trust pattern only: no
        // counts, rates to two places.
        let round = |part: i64| match hidden {
            true => Value::Null,
            false => json!(((part as f64 / recount.n as f64) * 100.0).round() / 100.0),
        };
        let pattern = json!({ "n": null, "visits": null, "schools": null,
            "mean": round(recount.level_sum), "secureRate": round(recount.secure),
            "suppressed": hidden });
        assert_eq!(of_cell(cell), pattern, "{cell}");
    }

    let query = "query($f: VariationFilter!) { variation(filter: $f) {
      cells { school { urn } }
      comparison { trustSecureRate spread { sd } schools { school { urn } funnel95 { lower upper } } } } }";
    let scoped = app.data(&token, query, json!({ "f": filter })).await;
    let whole = app
        .data(&app.leader(TRUST), query, json!({ "f": filter }))
        .await;
    assert_eq!(
        scoped["variation"]["cells"],
        json!([{ "school": { "urn": 900001 } }])
    );
    let comparison = &scoped["variation"]["comparison"];
    assert_eq!(comparison["spread"], Value::Null);
    assert_eq!(comparison["schools"].as_array().unwrap().len(), 1);
    // The trust rate to two places, and the school's limits around it.
    let exact = whole["variation"]["comparison"]["trustSecureRate"]
        .as_f64()
        .unwrap();
    let p = (exact * 100.0).round() / 100.0;
    assert_eq!(comparison["trustSecureRate"], json!(p));
    let n = recount(rows.iter().filter(|r| r.school == 900001)).n as f64;
    let half = 1.96 * (p * (1.0 - p) / n).sqrt();
    assert_eq!(
        comparison["schools"][0],
        json!({ "school": { "urn": 900001 },
                "funnel95": { "lower": p - half, "upper": p + half } })
    );
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

async fn a_trust_sets_its_own_minimum_cell_size(app: TestApp) {
    let protocol = load(&app).await;
    let rows = ratings();
    let leader = app.leader(TRUST);
    let change = "mutation($size: Int) { updateRecordingSettings(input: { minCellSize: $size }) {
      trust { minCellSize } } }";
    for (size, code) in [(2, "BAD_USER_INPUT"), (101, "BAD_USER_INPUT")] {
        let body = app.graphql(&leader, change, json!({ "size": size })).await;
        assert_eq!(body["errors"][0]["extensions"]["code"], code, "{size}");
    }
    let analyst = app.token(TRUST, &[Role::Analyst], None);
    let body = app.graphql(&analyst, change, json!({ "size": 8 })).await;
    assert_eq!(body["errors"][0]["extensions"]["code"], "FORBIDDEN");

    let data = app.data(&leader, change, json!({ "size": 8 })).await;
    assert_eq!(data["updateRecordingSettings"]["trust"]["minCellSize"], 8);
    let by_school = cells(
        &app,
        &leader,
        json!({ "protocolId": protocol }),
        "SCHOOL",
        false,
    )
    .await;
    let expected = recount_by(&rows, |r| r.school);
    for (cell, (urn, recount)) in by_school["cells"].as_array().unwrap().iter().zip(&expected) {
        assert_eq!(cell["school"]["urn"], json!(urn));
        assert_eq!(
            of_cell(cell),
            figures(recount, recount.visits < 8),
            "{cell}"
        );
    }
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

async fn observers_record_and_do_not_read_figures(app: TestApp) {
    let protocol = load(&app).await;
    let observer = app.token(TRUST, &[Role::Observer], None);
    for query in [
        "query($p: ID!) { variation(filter: { protocolId: $p }) { trust { mean } } }",
        "query($p: ID!) { coverage(filter: { protocolId: $p }) { subjectsWithoutVisits } }",
    ] {
        let body = app
            .graphql(&observer, query, json!({ "p": protocol }))
            .await;
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "FORBIDDEN",
            "{body}"
        );
    }
    let url = app.url(&format!("/export/variation.csv?protocolId={protocol}"));
    let response = app
        .client()
        .get(url)
        .bearer_auth(&observer)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 403);

    // Five analytics fields in one request cost more than one request may.
    let one = "variation(filter: { protocolKey: \"trust-core\" }) { trust { n } }";
    let five: String = (0..5).map(|i| format!("v{i}: {one} ")).collect();
    let body = app
        .graphql(&app.leader(TRUST), &format!("{{ {five} }}"), json!({}))
        .await;
    assert_eq!(body["errors"][0]["extensions"]["code"], "QUERY_TOO_COMPLEX");
}

on_both_stores!(
    versions_with_other_scales_are_not_mixed,
    observers_record_and_do_not_read_figures,
    a_trust_sets_its_own_minimum_cell_size,
    trends_and_school_cells_match_a_recount,
    filters_narrow_the_figures,
    a_protocol_key_spans_versions_matching_indicators_by_code,
    a_school_scoped_caller_sees_its_school_against_the_trust,
    contradictory_filters_name_the_field_at_fault,
);
