//! Coverage: visits per school and term, and what a period missed.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use super::{TRUST, load, ratings};
use crate::helpers::TestApp;
use crate::on_both_stores;

const COVERAGE: &str = "query($f: VariationFilter!) { coverage(filter: $f) {
  visits { school { urn } academicYear term visits }
  schoolsWithoutVisits { urn }
  focusAreasWithoutRatings { key }
  subjectsWithoutVisits keyStagesWithoutVisits } }";

const SCHOOLS: [i64; 6] = [900001, 900002, 900003, 900004, 900005, 900006];
const FOCUS_AREAS: [&str; 4] = [
    "routines-for-learning",
    "curriculum-delivery",
    "pupil-experience",
    "safety-and-routines",
];

async fn coverage_counts_visits_and_names_the_gaps(app: TestApp) {
    let protocol = load(&app).await;
    let rows = ratings();
    let token = app.leader(TRUST);
    let every = |f: fn(&super::Rating) -> String| -> BTreeSet<String> {
        rows.iter().map(f).filter(|v| !v.is_empty()).collect()
    };
    let (subjects, key_stages) = (every(|r| r.subject.clone()), every(|r| r.key_stage.clone()));

    for (term, number) in [("AUTUMN", 1), ("SPRING", 2), ("SUMMER", 3)] {
        let filter = json!({ "protocolId": protocol, "academicYear": 2025, "term": term });
        let got = app.data(&token, COVERAGE, json!({ "f": filter })).await["coverage"].clone();
        let in_term: Vec<_> = rows.iter().filter(|r| r.term() == (2025, number)).collect();

        let mut visits: BTreeMap<i64, BTreeSet<&str>> = BTreeMap::new();
        for r in &in_term {
            visits.entry(r.school).or_default().insert(r.visit.as_str());
        }
        let expected: Vec<Value> = (visits.iter())
            .map(|(urn, v)| {
                json!({ "school": { "urn": urn }, "academicYear": 2025,
                                    "term": term, "visits": v.len() })
            })
            .collect();
        assert_eq!(got["visits"], json!(expected), "{term}");

        let unvisited: Vec<Value> = (SCHOOLS.iter())
            .filter(|urn| !visits.contains_key(urn))
            .map(|urn| json!({ "urn": urn }))
            .collect();
        assert_eq!(got["schoolsWithoutVisits"], json!(unvisited), "{term}");

        let seen_subjects: BTreeSet<&str> = in_term.iter().map(|r| r.subject.as_str()).collect();
        let seen_stages: BTreeSet<&str> = in_term.iter().map(|r| r.key_stage.as_str()).collect();
        let missing = |all: &BTreeSet<String>, seen: &BTreeSet<&str>| -> Vec<String> {
            all.iter()
                .filter(|v| !seen.contains(v.as_str()))
                .cloned()
                .collect()
        };
        assert_eq!(
            got["subjectsWithoutVisits"],
            json!(missing(&subjects, &seen_subjects))
        );
        assert_eq!(
            got["keyStagesWithoutVisits"],
            json!(missing(&key_stages, &seen_stages))
        );

        let rated: BTreeSet<&str> = (in_term.iter())
            .filter(|r| r.lead)
            .map(|r| &r.indicator[..2])
            .collect();
        let prefixes = ["RL", "CD", "PE", "SR"];
        let unrated: Vec<Value> = (FOCUS_AREAS.iter().zip(prefixes))
            .filter(|(_, prefix)| !rated.contains(prefix))
            .map(|(key, _)| json!({ "key": key }))
            .collect();
        assert_eq!(got["focusAreasWithoutRatings"], json!(unrated), "{term}");
        if term == "SUMMER" {
            assert_eq!(unrated.len(), 4, "nothing was rated in the summer");
        }
    }
}

on_both_stores!(coverage_counts_visits_and_names_the_gaps);
