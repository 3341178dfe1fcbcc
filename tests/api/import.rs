//! Importing the real GIAS register of four trusts.

use api::import::gias::import_schools;
use serde_json::json;

use crate::helpers::{TestApp, data_file};
use crate::on_both_stores;

const SCHOOLS: &str = "query($phase: String, $la: String) {
  trust { uid name companiesHouseNumber minCellSize }
  schools(first: 20, phase: $phase, localAuthority: $la) { totalCount nodes { urn } } }";

/// Schools per trust in the file, counted independently of the importer.
const PER_TRUST: [(&str, usize); 4] = [("2516", 15), ("3111", 14), ("3531", 13), ("5315", 17)];

async fn importing_gias_twice_loads_four_trusts_and_59_schools_once(app: TestApp) {
    let bytes = std::fs::read(data_file("gias-mat-2017.csv")).unwrap();
    let first = import_schools(app.db(), &bytes).await.unwrap();
    assert_eq!(
        (
            first.trusts_new,
            first.schools_new,
            first.skipped_not_in_trust
        ),
        (4, 59, 0)
    );

    for (uid, count) in PER_TRUST {
        let data = app.data(&app.leader(uid), SCHOOLS, json!({})).await;
        let schools = &data["schools"];
        let listed = schools["nodes"].as_array().unwrap().len();
        assert_eq!(
            (listed, &schools["totalCount"]),
            (count, &json!(count)),
            "trust {uid}"
        );
    }
    let cabot = app.data(&app.leader("2516"), SCHOOLS, json!({})).await;
    let expected = json!({ "uid": "2516", "name": "Cabot Learning Federation",
                           "companiesHouseNumber": "06207590", "minCellSize": 5 });
    assert_eq!(cabot["trust"], expected);

    let second = import_schools(app.db(), &bytes).await.unwrap();
    let changes = (
        second.trusts_new,
        second.trusts_updated,
        second.schools_new,
        second.schools_updated,
    );
    assert_eq!(changes, (0, 0, 0, 0));
    assert_eq!(second.schools_unchanged, 59);
    let again = app.data(&app.leader("2516"), SCHOOLS, json!({})).await;
    assert_eq!(again, cabot);
}

async fn schools_filter_by_phase_and_local_authority_ignoring_case(app: TestApp) {
    app.import_schools().await;
    let token = app.leader("2516");
    let primary = app
        .data(&token, SCHOOLS, json!({ "phase": "primary" }))
        .await;
    assert_eq!(primary["schools"]["totalCount"], 6);
    assert_eq!(primary["schools"]["nodes"].as_array().unwrap().len(), 6);
    let bristol = app
        .data(&token, SCHOOLS, json!({ "la": "BRISTOL CITY OF" }))
        .await;
    assert_eq!(bristol["schools"]["totalCount"], 7);
    assert_eq!(bristol["schools"]["nodes"].as_array().unwrap().len(), 7);
    let school = app
        .data(
            &token,
            "{ school(urn: 137106) { urn name phase localAuthority joinedOn } }",
            json!({}),
        )
        .await;
    let expected = json!({ "urn": 137106, "name": "King's Oak Academy", "phase": "All Through",
                           "localAuthority": "South Gloucestershire", "joinedOn": "2011-09-01" });
    assert_eq!(school["school"], expected);
}

on_both_stores!(
    importing_gias_twice_loads_four_trusts_and_59_schools_once,
    schools_filter_by_phase_and_local_authority_ignoring_case,
);
