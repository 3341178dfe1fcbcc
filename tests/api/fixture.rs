//! The metrics fixture: a trust's schools and ratings with figures worked out
//! independently. Every figure `expected.json` holds is asserted to four
//! decimal places, whatever fixture `METRICS_FIXTURE_DIR` names.

use std::path::PathBuf;

use serde_json::{Value, json};

use crate::helpers::{TestApp, data_file};
use crate::on_both_stores;

const FIGURES: &str = "query($p: ID!) {
  variation(filter: { protocolId: $p }) {
    trust { n visits mean secureRate }
    comparison {
      spread { schools sd range }
      schools {
        school { urn }
        cell { n visits mean secureRate suppressed }
        funnel95 { lower upper } funnel998 { lower upper } position alert
      }
    }
  }
  agreement(filter: { protocolId: $p }) {
    overall { pairs exact adjacent weightedKappa }
  } }";

fn fixture_dir() -> PathBuf {
    match std::env::var_os("METRICS_FIXTURE_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => data_file("metrics-fixture"),
    }
}

/// The trust the fixture's schools belong to.
fn trust_of(schools: &[u8]) -> String {
    let mut reader = csv::Reader::from_reader(schools);
    let headers = reader.headers().unwrap().clone();
    let column = (headers.iter())
        .position(|h| h == "trust_uid" || h == "Trusts (code)")
        .expect("a trust column");
    let first = reader.records().next().expect("a school").unwrap();
    first[column].to_owned()
}

/// Asserts `actual` equals `expected`: numbers to four decimal places,
/// text ignoring case (the API's enum values are upper case).
fn assert_figure(path: &str, actual: &Value, expected: &Value) {
    match (actual, expected) {
        (Value::Number(a), Value::Number(e)) => {
            let (a, e) = (a.as_f64().unwrap(), e.as_f64().unwrap());
            let rounded = (a * 1e4).round() / 1e4;
            assert!((rounded - e).abs() < 1e-9, "{path}: got {a}, expected {e}");
        }
        (Value::String(a), Value::String(e)) => {
            assert!(a.eq_ignore_ascii_case(e), "{path}: got {a}, expected {e}");
        }
        (Value::Array(a), Value::Array(e)) => {
            assert_eq!(a.len(), e.len(), "{path}: length");
            for (i, (a, e)) in a.iter().zip(e).enumerate() {
                assert_figure(&format!("{path}[{i}]"), a, e);
            }
        }
        _ => assert_eq!(actual, expected, "{path}"),
    }
}

/// Asserts every field of `expected`, found in `actual` under the API's
/// name for it; a field the test does not know fails the test.
fn assert_fields(path: &str, actual: &Value, expected: &Value, names: &[(&str, &str)]) {
    for (field, want) in expected.as_object().expect("an object of figures") {
        let (_, pointer) = (names.iter())
            .find(|(name, _)| name == field)
            .unwrap_or_else(|| panic!("{path}.{field}: no such figure in the API"));
        let got = actual
            .pointer(pointer)
            .unwrap_or_else(|| panic!("{path}.{field}: missing at {pointer} in {actual}"));
        assert_figure(&format!("{path}.{field}"), got, want);
    }
}

fn limits(value: &Value) -> Value {
    match value {
        Value::Null => Value::Null,
        v => json!([v["lower"], v["upper"]]),
    }
}

async fn the_fixture_figures_match_the_expected_ones(app: TestApp) {
    let dir = fixture_dir();
    let read = |name: &str| std::fs::read(dir.join(name)).unwrap();
    let schools = read("schools.csv");
    let trust = trust_of(&schools);
    api::import::gias::import_schools(app.db(), &schools)
        .await
        .unwrap();
    let protocol = app.import_core_protocol(&trust).await;
    let ratings = read("ratings.csv");
    api::import::ratings::import_ratings(app.db(), &trust, "trust-core", &ratings)
        .await
        .unwrap();
    let expected: Value = serde_json::from_slice(&read("expected.json")).unwrap();

    let data = app
        .data(&app.leader(&trust), FIGURES, json!({ "p": protocol }))
        .await;
    let variation = &data["variation"];
    let mut checked = 0;
    if let Some(want) = expected.get("trust") {
        let names = [("n", "/n"), ("visits", "/visits"), ("mean", "/mean")];
        let names = [&names[..], &[("secureRate", "/secureRate")]].concat();
        assert_fields("trust", &variation["trust"], want, &names);
        checked += 1;
    }
    if let Some(want) = expected.get("schools") {
        let got = variation["comparison"]["schools"].as_array().unwrap();
        let want = want.as_object().unwrap();
        assert_eq!(got.len(), want.len(), "schools with ratings");
        for (urn, figures) in want {
            let school = (got.iter())
                .find(|s| s["school"]["urn"].as_i64() == urn.parse().ok())
                .unwrap_or_else(|| panic!("school {urn} missing"));
            let mut flat = school["cell"].clone();
            flat["funnel95"] = limits(&school["funnel95"]);
            flat["funnel998"] = limits(&school["funnel998"]);
            flat["position"] = school["position"].clone();
            flat["alert"] = school["alert"].clone();
            let names = [
                ("n", "/n"),
                ("visits", "/visits"),
                ("mean", "/mean"),
                ("secureRate", "/secureRate"),
                ("suppressed", "/suppressed"),
                ("funnel95", "/funnel95"),
                ("funnel998", "/funnel998"),
                ("position", "/position"),
                ("alert", "/alert"),
            ];
            assert_fields(&format!("schools.{urn}"), &flat, figures, &names);
        }
        checked += 1;
    }
    if let Some(want) = expected.get("spread") {
        let names = [("schools", "/schools"), ("sd", "/sd"), ("range", "/range")];
        assert_fields("spread", &variation["comparison"]["spread"], want, &names);
        checked += 1;
    }
    if let Some(want) = expected.get("agreement") {
        let names = [
            ("pairs", "/pairs"),
            ("exact", "/exact"),
            ("adjacent", "/adjacent"),
            ("weightedKappa", "/weightedKappa"),
        ];
        assert_fields("agreement", &data["agreement"]["overall"], want, &names);
        checked += 1;
    }
    let sections = expected.as_object().unwrap().len();
    assert_eq!(
        checked, sections,
        "expected.json has a section this test does not know"
    );
}

on_both_stores!(the_fixture_figures_match_the_expected_ones);
