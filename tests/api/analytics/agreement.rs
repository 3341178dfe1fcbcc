//! Inter-rater agreement: who may see it, per pair, and term by term.

use std::collections::{BTreeMap, BTreeSet};

use api::auth::Role;
use serde_json::{Value, json};

use super::{TRUST, load, ratings};
use crate::helpers::TestApp;
use crate::on_both_stores;

const AGREEMENT: &str = "query($p: ID!) { agreement(filter: { protocolId: $p }) {
  overall { pairs }
  pairs { first { reference } second { reference } firstLeads figures { pairs exact } }
  againstLeads { observer { id reference } figures { visits pairs exact suppressed } } } }";

/// Lead, other observer, academic year and term.
type PairTerm = (String, String, (i64, i64));
/// Visits, pairs and pairs with the same level.
type Tally = (BTreeSet<String>, i64, i64);

/// Every lead pair by term, recounted from the file.
fn lead_pairs() -> BTreeMap<PairTerm, Tally> {
    let rows = ratings();
    let mut levels: BTreeMap<(&str, &str), Vec<&super::Rating>> = BTreeMap::new();
    for r in rows.iter().filter(|r| r.level.is_some()) {
        levels.entry((&r.visit, &r.indicator)).or_default().push(r);
    }
    let mut out: BTreeMap<PairTerm, Tally> = BTreeMap::new();
    for rated in levels.values() {
        let Some(lead) = rated.iter().find(|r| r.lead) else {
            continue;
        };
        for other in rated.iter().filter(|r| !r.lead) {
            let key = (lead.observer.clone(), other.observer.clone(), lead.term());
            let entry = out.entry(key).or_default();
            entry.0.insert(lead.visit.clone());
            entry.1 += 1;
            entry.2 += i64::from(lead.level == other.level);
        }
    }
    out
}

async fn agreement_is_for_trust_wide_leaders_and_analysts(app: TestApp) {
    let protocol = load(&app).await;
    let vars = json!({ "p": protocol });
    for (roles, schools, allowed) in [
        (&[Role::TrustLeader][..], None, true),
        (&[Role::Analyst], None, true),
        (&[Role::TrustLeader], Some(vec![900001]), false),
        (&[Role::SchoolLeader], None, false),
        (&[Role::Observer], None, false),
        (&[Role::Partner], None, false),
    ] {
        let body = app
            .graphql(&app.token(TRUST, roles, schools), AGREEMENT, vars.clone())
            .await;
        match allowed {
            true => assert_eq!(body["data"]["agreement"]["overall"]["pairs"], 207, "{body}"),
            false => assert_eq!(
                body["errors"][0]["extensions"]["code"], "FORBIDDEN",
                "{body}"
            ),
        }
    }
}

async fn pairs_and_terms_match_a_recount(app: TestApp) {
    let protocol = load(&app).await;
    let token = app.leader(TRUST);
    let data = app.data(&token, AGREEMENT, json!({ "p": protocol })).await;
    let recount = lead_pairs();

    let mut per_pair: BTreeMap<(String, String), (i64, i64)> = BTreeMap::new();
    for ((lead, other, _), (_, pairs, exact)) in &recount {
        let entry = per_pair.entry((lead.clone(), other.clone())).or_default();
        entry.0 += pairs;
        entry.1 += exact;
    }
    let got: BTreeMap<(String, String), Value> = (data["agreement"]["pairs"].as_array().unwrap())
        .iter()
        .map(|p| {
            let name = |k: &str| p[k]["reference"].as_str().unwrap().to_owned();
            assert_eq!(
                p["firstLeads"], true,
                "the fixture pairs every rating with a lead"
            );
            ((name("first"), name("second")), p["figures"].clone())
        })
        .collect();
    assert_eq!(got.len(), per_pair.len());
    for (pair, (pairs, exact)) in &per_pair {
        assert_eq!(got[pair]["pairs"], json!(pairs), "{pair:?}");
        if !got[pair]["exact"].is_null() {
            assert_eq!(
                got[pair]["exact"],
                json!(*exact as f64 / *pairs as f64),
                "{pair:?}"
            );
        }
    }

    // One co-observer against the leads, term by term.
    let observer = (data["agreement"]["againstLeads"].as_array().unwrap())
        .iter()
        .find(|o| o["observer"]["reference"] == "obs-d")
        .unwrap()["observer"]["id"]
        .clone();
    let query = "query($p: ID!, $o: ID!) { agreement(filter: { protocolId: $p }) {
      byTerm(observerId: $o) { academicYear term figures { visits pairs exact suppressed } } } }";
    let vars = json!({ "p": protocol, "o": observer });
    let terms = app.data(&token, query, vars).await["agreement"]["byTerm"].clone();
    let mut expected: BTreeMap<(i64, i64), Tally> = BTreeMap::new();
    for ((_, other, term), (visits, pairs, exact)) in &recount {
        if other == "obs-d" {
            let entry = expected.entry(*term).or_default();
            entry.0.extend(visits.iter().cloned());
            entry.1 += pairs;
            entry.2 += exact;
        }
    }
    let expected: Vec<Value> = (expected.iter())
        .map(|((year, term), (visits, pairs, exact))| {
            let suppressed = visits.len() < 5;
            let exact = match suppressed {
                true => Value::Null,
                false => json!(*exact as f64 / *pairs as f64),
            };
            let term = ["AUTUMN", "SPRING", "SUMMER"][*term as usize - 1];
            json!({ "academicYear": year, "term": term,
                    "figures": { "visits": visits.len(), "pairs": pairs, "exact": exact,
                                 "suppressed": suppressed } })
        })
        .collect();
    assert_eq!(terms, json!(expected));
    assert!(!expected.is_empty());

    // A made-up observer has no terms; another trust cannot see the figures.
    let made_up = api::graphql::ids::encode(api::graphql::ids::OBSERVER, uuid::Uuid::new_v4()).0;
    let vars = json!({ "p": protocol, "o": made_up });
    assert_eq!(
        app.data(&token, query, vars).await["agreement"]["byTerm"],
        json!([])
    );
    let vars = json!({ "p": protocol, "o": observer });
    app.create_trust("9999").await;
    let other = app.data(&app.leader("9999"), query, vars).await;
    assert_eq!(other, json!({ "agreement": null }));
}

on_both_stores!(
    agreement_is_for_trust_wide_leaders_and_analysts,
    pairs_and_terms_match_a_recount,
);
