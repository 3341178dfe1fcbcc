//! The first variation figures, against values worked out by hand.

use api::auth::Role;
use serde_json::json;

use crate::helpers::TestApp;
use crate::on_both_stores;
use crate::walks::{add_visit, create_walk, rate, submit, walk_input};

const VARIATION: &str = "query($protocol: ID!, $from: Date, $to: Date) {
  variation(filter: { protocolId: $protocol, from: $from, to: $to }) {
    minCellSize
    trust { school { urn } n visits schools notObserved mean secureRate suppressed }
    cells { school { urn } n visits schools notObserved notApplicable mean secureRate
              suppressed suppressionReason }
  } }";

/// Walks at two schools of trust 2516:
/// - 137106: five visits over two walks. Lead levels 3,4,2,3,1,4,3,2 (n 8,
///   sum 22, mean 2.75, secure 5/8 = 0.625) and two not observed. The
///   co-observer's 1s must not count.
/// - 138655: two visits, lead levels 4,4,3: below five visits, suppressed.
/// - Not counted: an unsubmitted walk at 138655 and, with the date range,
///   a 2024 walk at 137106; a walk of trust 3111.
///
/// Trust in range: n 11, visits 7, sum 33 → mean 3.0, secure 8/11.
async fn setup(app: &TestApp) -> String {
    app.import_schools().await;
    let protocol = app.import_core_protocol("2516").await;
    let token = app.leader("2516");

    let w1 = create_walk(app, &token, walk_input(137106, &protocol, "2025-10-07")).await;
    let v = add_visit(app, &token, &w1, "English", 7).await;
    rate(
        app,
        &token,
        &w1,
        &v,
        None,
        &[("RL1", Some(3)), ("RL2", Some(4)), ("RL3", None)],
    )
    .await;
    rate(
        app,
        &token,
        &w1,
        &v,
        Some("obs-co"),
        &[("RL1", Some(1)), ("RL2", Some(1))],
    )
    .await;
    let v = add_visit(app, &token, &w1, "Science", 8).await;
    rate(
        app,
        &token,
        &w1,
        &v,
        None,
        &[("RL1", Some(2)), ("RL2", Some(3))],
    )
    .await;
    let v = add_visit(app, &token, &w1, "History", 9).await;
    rate(app, &token, &w1, &v, None, &[("RL1", Some(1))]).await;
    submit(app, &token, &w1).await;

    let w2 = create_walk(app, &token, walk_input(137106, &protocol, "2026-02-03")).await;
    let v = add_visit(app, &token, &w2, "Mathematics", 10).await;
    rate(
        app,
        &token,
        &w2,
        &v,
        None,
        &[("RL1", Some(4)), ("CD1", Some(3))],
    )
    .await;
    let v = add_visit(app, &token, &w2, "Art", 11).await;
    rate(
        app,
        &token,
        &w2,
        &v,
        None,
        &[("RL1", Some(2)), ("CD1", None)],
    )
    .await;
    submit(app, &token, &w2).await;

    let w3 = create_walk(app, &token, walk_input(138655, &protocol, "2025-11-12")).await;
    let v = add_visit(app, &token, &w3, "English", 2).await;
    rate(
        app,
        &token,
        &w3,
        &v,
        None,
        &[("RL1", Some(4)), ("RL2", Some(4))],
    )
    .await;
    let v = add_visit(app, &token, &w3, "Mathematics", 4).await;
    rate(app, &token, &w3, &v, None, &[("RL1", Some(3))]).await;
    submit(app, &token, &w3).await;

    let open = create_walk(app, &token, walk_input(138655, &protocol, "2025-11-13")).await;
    let v = add_visit(app, &token, &open, "Science", 5).await;
    rate(app, &token, &open, &v, None, &[("RL1", Some(1))]).await;

    let old = create_walk(app, &token, walk_input(137106, &protocol, "2024-01-10")).await;
    let v = add_visit(app, &token, &old, "PE", 9).await;
    rate(app, &token, &old, &v, None, &[("RL1", Some(1))]).await;
    submit(app, &token, &old).await;

    let other_protocol = app.import_core_protocol("3111").await;
    let other = app.leader("3111");
    let w = create_walk(
        app,
        &other,
        walk_input(142070, &other_protocol, "2025-10-07"),
    )
    .await;
    let v = add_visit(app, &other, &w, "English", 3).await;
    rate(app, &other, &w, &v, None, &[("RL1", Some(1))]).await;
    submit(app, &other, &w).await;
    protocol
}

async fn variation_matches_figures_worked_out_by_hand(app: TestApp) {
    let protocol = setup(&app).await;
    let vars = json!({ "protocol": protocol, "from": "2025-09-01", "to": "2026-08-31" });
    let data = app.data(&app.leader("2516"), VARIATION, vars).await;
    let expected = json!({
        "minCellSize": 5,
        "trust": { "school": null, "n": 11, "visits": 7, "schools": 2, "notObserved": 2,
                   "mean": 3.0, "secureRate": 8.0 / 11.0, "suppressed": false },
        "cells": [
            { "school": { "urn": 137106 }, "n": 8, "visits": 5, "schools": 1, "notObserved": 2,
              "notApplicable": 0, "mean": 2.75, "secureRate": 0.625, "suppressed": false,
              "suppressionReason": null },
            { "school": { "urn": 138655 }, "n": 3, "visits": 2, "schools": 1, "notObserved": 0,
              "notApplicable": 0, "mean": null, "secureRate": null, "suppressed": true,
              "suppressionReason": "fewer than 5 visits: values are withheld so a small \
                                    group cannot be singled out" },
        ],
    });
    assert_eq!(data["variation"], expected);

    // Without dates the 2024 walk counts too: n 12, visits 8, sum 34, secure 8.
    let all = app
        .data(
            &app.leader("2516"),
            VARIATION,
            json!({ "protocol": protocol }),
        )
        .await;
    let trust = &all["variation"]["trust"];
    assert_eq!((&trust["n"], &trust["visits"]), (&json!(12), &json!(8)));
    assert_eq!(
        (&trust["mean"], &trust["secureRate"]),
        (&json!(34.0 / 12.0), &json!(8.0 / 12.0))
    );
}

async fn a_school_scoped_caller_sees_its_school_and_an_anonymous_trust(app: TestApp) {
    let protocol = setup(&app).await;
    let vars = json!({ "protocol": protocol, "from": "2025-09-01", "to": "2026-08-31" });

    // 138655 against the trust: the rest is 137106 alone, which its figures
    // would single out, so the trust cell is withheld.
    let token = app.token("2516", &[Role::SchoolLeader], Some(vec![138655]));
    let data = app.data(&token, VARIATION, vars.clone()).await;
    let trust = &data["variation"]["trust"];
    assert_eq!(
        (&trust["n"], &trust["suppressed"], &trust["mean"]),
        (&json!(null), &json!(true), &json!(null))
    );
    let schools = data["variation"]["cells"].as_array().unwrap();
    assert_eq!(schools.len(), 1);
    assert_eq!(schools[0]["school"]["urn"], 138655);

    // A school with no visits of its own: the rest is two schools with
    // seven visits, so the trust pattern shows, as rates to two places
    // (8/11 secure) without counts.
    let token = app.token("2516", &[Role::SchoolLeader], Some(vec![138791]));
    let data = app.data(&token, VARIATION, vars).await;
    let trust = &data["variation"]["trust"];
    assert_eq!(
        (&trust["mean"], &trust["secureRate"], &trust["suppressed"]),
        (&json!(3.0), &json!(0.73), &json!(false))
    );
    assert_eq!(
        (&trust["n"], &trust["visits"], &trust["schools"]),
        (&json!(null), &json!(null), &json!(null))
    );
    assert_eq!(data["variation"]["cells"], json!([]));

    // Day ranges would let two overlapping answers be subtracted.
    let days = json!({ "protocol": protocol, "from": "2025-10-01", "to": "2026-08-31" });
    let body = app.graphql(&token, VARIATION, days).await;
    assert_eq!(
        body["errors"][0]["extensions"],
        json!({ "code": "BAD_USER_INPUT", "field": "from" })
    );
}

on_both_stores!(
    variation_matches_figures_worked_out_by_hand,
    a_school_scoped_caller_sees_its_school_and_an_anonymous_trust,
);
