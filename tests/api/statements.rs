//! The SQL statements one request runs do not grow with the rows it returns.

use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::on_both_stores;
use crate::walks::{add_visit, create_walk, rate, walk_input};

/// Statements one request runs, as the app's database counts them.
async fn statements_for(app: &TestApp, token: &str, query: &str) -> (usize, Value) {
    let before = app.statements();
    let data = app.data(token, query, json!({})).await;
    (app.statements() - before, data)
}

async fn a_page_of_walks_runs_the_same_statements_for_one_walk_or_many(app: TestApp) {
    app.import_schools().await;
    let protocol = app.import_core_protocol("2516").await;
    let token = app.leader("2516");
    let query = "{ walks(first: 10) { totalCount nodes { id school { name }
        protocol { key focusAreas { key indicators { code } } }
        observers { role observer { displayName } }
        visits(first: 10) { totalCount nodes { subject
          ratings(first: 40) { totalCount nodes { level indicator { code } observer { reference } } } } } } } }";
    let record = |urn: i32, date: &'static str| {
        let (app, token, protocol) = (app.clone(), token.clone(), protocol.clone());
        async move {
            let walk = create_walk(&app, &token, walk_input(urn, &protocol, date)).await;
            for subject in ["English", "Science"] {
                let visit = add_visit(&app, &token, &walk, subject, 8).await;
                let levels = [("RL1", Some(3)), ("RL2", Some(2)), ("SR1", None)];
                rate(&app, &token, &walk, &visit, None, &levels).await;
                rate(&app, &token, &walk, &visit, Some("obs-co"), &levels).await;
            }
        }
    };

    record(137106, "2025-10-01").await;
    let (one, data) = statements_for(&app, &token, query).await;
    assert_eq!(data["walks"]["totalCount"], 1);

    for (urn, date) in [
        (138655, "2025-10-02"),
        (138791, "2025-10-03"),
        (140216, "2025-10-04"),
    ] {
        record(urn, date).await;
    }
    let (four, data) = statements_for(&app, &token, query).await;
    assert_eq!(data["walks"]["nodes"].as_array().unwrap().len(), 4);
    let ratings = &data["walks"]["nodes"][0]["visits"]["nodes"][0]["ratings"];
    assert_eq!(ratings["nodes"].as_array().unwrap().len(), 6);
    assert_eq!(ratings["totalCount"], 6);
    // The token's trust, the page and its total; loaded ahead for the
    // whole page (see `graphql/walk/ahead.rs`), never split: schools,
    // visits, and ratings with their indicators and observers: 6. Then one
    // batch per edge the page does not load ahead: protocol, focus areas,
    // indicators, walk observers, observer: 11. Those five batch within
    // the loader's 1 ms window, and on a busy machine (load 11 on 2 cores)
    // one was seen to split in three, so allow two splits each; loading per
    // row would take over 60 statements for four walks (4 walks, 8 visits,
    // 48 ratings). The partner page test (`partner_page.rs`) asserts an
    // exact count. Known gap: loading the protocol and team ahead too
    // would make this one exact.
    assert!(
        one <= 21 && four <= 21,
        "statements: {one} for one walk, {four} for four"
    );
}

on_both_stores!(a_page_of_walks_runs_the_same_statements_for_one_walk_or_many);

async fn analytics_run_the_same_statements_for_one_walk_or_many(app: TestApp) {
    let file = crate::helpers::data_file("metrics-fixture/ratings.csv");
    let text = std::fs::read_to_string(file).unwrap();
    let schools = std::fs::read(crate::helpers::data_file("metrics-fixture/schools.csv")).unwrap();
    api::import::gias::import_schools(app.db(), &schools)
        .await
        .unwrap();
    let protocol = app.import_core_protocol("9001").await;
    let query = format!(
        "{{ variation(filter: {{ protocolId: \"{protocol}\" }}, groupBy: INDICATOR, perSchool: true) {{
             protocols {{ key }} trust {{ n }} cells {{ school {{ name }} indicatorCode n levels {{ count }} }}
             comparison {{ schools {{ school {{ name }} position }} spread {{ sd }} }} }}
           coverage(filter: {{ protocolId: \"{protocol}\" }}) {{
             visits {{ school {{ name }} visits }} schoolsWithoutVisits {{ name }}
             focusAreasWithoutRatings {{ key }} subjectsWithoutVisits }}
           agreement(filter: {{ protocolId: \"{protocol}\" }}) {{
             overall {{ pairs }} pairs {{ first {{ reference }} second {{ reference }} }}
             againstLeads {{ observer {{ displayName }} figures {{ exact }} }} }} }}"
    );
    let (header, rows) = text.split_once('\n').unwrap();
    let (first, rest): (Vec<&str>, Vec<&str>) = rows.lines().partition(|l| l.starts_with("W1,"));
    let token = app.leader("9001");
    let mut counts = Vec::new();
    for part in [first, rest] {
        let file = format!("{header}\n{}\n", part.join("\n"));
        api::import::ratings::import_ratings(app.db(), "9001", "trust-core", file.as_bytes())
            .await
            .unwrap();
        let (statements, data) = statements_for(&app, &token, &query).await;
        counts.push((
            statements,
            data["variation"]["cells"].as_array().unwrap().len(),
        ));
    }
    let [(one, few_cells), (all, many_cells)] = counts[..] else {
        unreachable!()
    };
    assert!(
        few_cells < many_cells,
        "{few_cells} cells, then {many_cells}"
    );
    // Lookups, two counts statements, five for coverage, three for
    // agreement, then one batch per edge (school, observer).
    assert!(
        one <= 24 && all <= 24 && all.abs_diff(one) <= 2,
        "statements: {one} for one walk, {all} for all"
    );
}

on_both_stores!(analytics_run_the_same_statements_for_one_walk_or_many);

async fn a_page_of_the_feed_runs_the_same_statements_for_few_changes_or_many(app: TestApp) {
    app.import_schools().await;
    let protocol = app.import_core_protocol("2516").await;
    let token = app.leader("2516");
    // The records' own fields: what the feed loads itself. Lists below a
    // record batch like any other (see the walks test above).
    let query = "{ changes(first: 100) { totalCount edges { cursor node {
        operation recordType recordId record {
          ... on Walk { id status version } ... on Visit { id subject }
          ... on Observer { displayName } ... on School { name } ... on Protocol { key } } } } } }";
    let record = |urn: i32, date: &'static str| {
        let (app, token, protocol) = (app.clone(), token.clone(), protocol.clone());
        async move {
            let walk = create_walk(&app, &token, walk_input(urn, &protocol, date)).await;
            let visit = add_visit(&app, &token, &walk, "English", 8).await;
            rate(&app, &token, &walk, &visit, None, &[("RL1", Some(3))]).await;
        }
    };
    record(137106, "2025-10-01").await;
    let (few, data) = statements_for(&app, &token, query).await;
    let first = data["changes"]["edges"].as_array().unwrap().len();
    for day in 2..=9 {
        let urn = [138655, 138791, 140216, 137106][day % 4];
        record(urn, format!("2025-10-{day:02}").leak()).await;
    }
    let (many, data) = statements_for(&app, &token, query).await;
    let later = data["changes"]["edges"].as_array().unwrap().len();
    assert!(later >= first + 56, "{first} entries, then {later}");
    // The page and its count, one load per type of record (walks,
    // visits, observers, schools, protocols, the trust), and one for the
    // walks through which visits are visible, whatever the number of
    // entries; loading per entry would take over 80.
    assert!(
        few == many && many <= 10,
        "statements: {few} for {first} entries, {many} for {later}"
    );
}

on_both_stores!(a_page_of_the_feed_runs_the_same_statements_for_few_changes_or_many);

/// Scenario 1 of the scale bench: a term by indicator per school, naming
/// each cell's school and each compared school.
async fn a_report_by_school_names_its_schools_in_five_statements(app: TestApp) {
    let schools = std::fs::read(crate::helpers::data_file("metrics-fixture/schools.csv")).unwrap();
    api::import::gias::import_schools(app.db(), &schools)
        .await
        .unwrap();
    let protocol = app.import_core_protocol("9001").await;
    let file = crate::helpers::data_file("metrics-fixture/ratings.csv");
    let text = std::fs::read_to_string(file).unwrap();
    api::import::ratings::import_ratings(app.db(), "9001", "trust-core", text.as_bytes())
        .await
        .unwrap();
    let token = app.leader("9001");
    // A token's first request also checks its scope.
    app.data(&token, "{ viewer { subject } }", json!({})).await;
    let query = format!(
        "{{ variation(filter: {{ protocolId: \"{protocol}\" }}, groupBy: INDICATOR, perSchool: true) {{
             trust {{ n }} cells {{ school {{ urn name }} indicatorCode n }}
             comparison {{ schools {{ school {{ urn name }} }} }} }} }}"
    );
    let (statements, data) = statements_for(&app, &token, &query).await;
    // The version with its trust and scale, beside the trust's data
    // version, which keys kept reports; then the two counts and the
    // schools side by side.
    assert_eq!(statements, 5);

    let named = |list: &Value| -> Vec<(i64, String)> {
        let mut named: Vec<(i64, String)> = (list.as_array().unwrap().iter())
            .map(|item| &item["school"])
            .map(|school| (school["urn"].as_i64().unwrap(), school["name"].to_string()))
            .collect();
        named.sort();
        named.dedup();
        named
    };
    // The fixture's schools file, read here: URN in the first column and
    // name in the second.
    let text = String::from_utf8(schools).unwrap();
    let mut expected: Vec<(i64, String)> = (text.lines().skip(1))
        .map(|line| line.split(',').collect::<Vec<_>>())
        .filter(|fields| fields[6] == "9001")
        .map(|fields| (fields[0].parse().unwrap(), format!("{:?}", fields[1])))
        .collect();
    expected.sort();
    assert_eq!(named(&data["variation"]["cells"]), expected);
    assert_eq!(named(&data["variation"]["comparison"]["schools"]), expected);
    // 15 indicators rated at each of the six schools.
    let cells = data["variation"]["cells"].as_array().unwrap().len();
    assert_eq!(cells, 6 * 15);
}

on_both_stores!(a_report_by_school_names_its_schools_in_five_statements);
