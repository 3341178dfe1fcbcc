//! Groupings, trends and filters against a recount of the fixture file.

use api::auth::Role;
use serde_json::{Value, json};

use super::{Rating, Recount, TRUST, load, ratings, ratio, recount, recount_by};
use crate::helpers::TestApp;
use crate::on_both_stores;
use crate::user_errors::{refusal, user_error};

pub(super) const CELLS: &str = "query($f: VariationFilter!, $g: VariationGroupBy!, $s: Boolean!) {
  variation(filter: $f, groupBy: $g, perSchool: $s) {
    protocols { version }
    trust { n visits schools mean secureRate suppressed levels { level count } }
    cells { school { urn } indicatorCode subject academicYear term label
            n visits schools mean secureRate suppressed }
  } }";

/// The cell the API should give for a recount, minus its key.
pub(super) fn figures(r: &Recount, suppressed: bool) -> Value {
    let value = |part: i64| match suppressed {
        true => Value::Null,
        false => ratio(part, r.n),
    };
    json!({ "n": r.n, "visits": r.visits, "schools": r.schools,
            "mean": value(r.level_sum), "secureRate": value(r.secure), "suppressed": suppressed })
}

/// The figures of an API cell, without its key.
pub(super) fn of_cell(cell: &Value) -> Value {
    let keep = ["n", "visits", "schools", "mean", "secureRate", "suppressed"];
    json!(
        keep.iter()
            .map(|k| (k.to_string(), cell[k].clone()))
            .collect::<serde_json::Map<_, _>>()
    )
}

pub(super) async fn cells(
    app: &TestApp,
    token: &str,
    filter: Value,
    group: &str,
    per_school: bool,
) -> Value {
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

async fn a_trust_sets_its_own_minimum_cell_size(app: TestApp) {
    let protocol = load(&app).await;
    let rows = ratings();
    let leader = app.leader(TRUST);
    let change = "mutation($size: Int) { updateRecordingSettings(input: { minCellSize: $size }) {
      trust { minCellSize } userErrors { field code message } } }";
    let message = "the minimum cell size is 3 to 100 visits";
    for size in [2, 101] {
        let body = app.graphql(&leader, change, json!({ "size": size })).await;
        assert_eq!(
            refusal(&body, "updateRecordingSettings"),
            user_error("BAD_USER_INPUT", Some("minCellSize"), message),
            "{size}"
        );
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
    observers_record_and_do_not_read_figures,
    a_trust_sets_its_own_minimum_cell_size,
    trends_and_school_cells_match_a_recount,
    a_school_scoped_caller_sees_its_school_against_the_trust,
);
