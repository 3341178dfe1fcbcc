//! The guides' GraphQL examples stay valid: each ```graphql block of the
//! pages for partners, dashboard builders and analysts runs against the
//! live service, with the ```json block after it as its variables, and
//! none may fail to parse, validate or take its variables.

use serde_json::{Value, json};

use crate::helpers::{Store, TestApp, run};

const PAGES: [&str; 4] = [
    "docs/partners.md",
    "docs/dashboards.md",
    "docs/analysts.md",
    "docs/analytics.md",
];

/// Each GraphQL block of `text` with the JSON block that follows it, if
/// the next block is JSON.
fn examples(text: &str) -> Vec<(String, Value)> {
    let mut blocks: Vec<(String, String)> = Vec::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let Some(kind) = line.trim_start().strip_prefix("```") else {
            continue;
        };
        let body: Vec<&str> = lines
            .by_ref()
            .take_while(|l| !l.trim_start().starts_with("```"))
            .collect();
        blocks.push((kind.trim().to_owned(), body.join("\n")));
    }
    let mut found = Vec::new();
    for (i, (kind, body)) in blocks.iter().enumerate() {
        if kind != "graphql" {
            continue;
        }
        let variables = match blocks.get(i + 1) {
            Some((next, json)) if next == "json" => serde_json::from_str(json).unwrap_or(json!({})),
            _ => json!({}),
        };
        found.push((body.clone(), variables));
    }
    found
}

/// Whether an error says the request itself is wrong, not the data.
fn request_fault(error: &Value) -> bool {
    let code = error["extensions"]["code"].as_str().unwrap_or_default();
    let outside_fields = error.get("path").is_none();
    matches!(
        code,
        "GRAPHQL_PARSE_FAILED"
            | "GRAPHQL_VALIDATION_FAILED"
            | "QUERY_TOO_COMPLEX"
            | "QUERY_TOO_DEEP"
    ) || (code == "BAD_USER_INPUT" && outside_fields)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_guide_example_parses_validates_and_takes_its_variables() {
    run(Store::Sqlite, |app: TestApp| async move {
        app.import_schools().await;
        app.import_core_protocol("2516").await;
        let token = app.leader("2516");
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut checked = 0;
        for page in PAGES {
            let text = std::fs::read_to_string(root.join(page))
                .unwrap_or_else(|_| panic!("{page} exists"));
            for (query, variables) in examples(&text) {
                let body = app.graphql(&token, &query, variables).await;
                let faults: Vec<&Value> = (body["errors"].as_array().into_iter().flatten())
                    .filter(|e| request_fault(e))
                    .collect();
                assert!(
                    faults.is_empty(),
                    "{page}: an example does not run:\n{query}\n{body}"
                );
                checked += 1;
            }
        }
        assert!(checked >= 20, "only {checked} examples found");
    })
    .await;
}
