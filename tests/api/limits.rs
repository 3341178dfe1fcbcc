//! Limits on a document's size and shape, each at and just past its limit:
//! bytes, aliases, root fields, directives per selection, depth, fragments
//! written out, and cost by page size.

use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::on_both_stores;

/// `{ a0: viewer { subject } a1: … }` with `n` aliased root fields.
fn aliased(n: usize) -> String {
    let fields: Vec<String> = (0..n)
        .map(|i| format!("a{i}: viewer {{ subject }}"))
        .collect();
    format!("{{ {} }}", fields.join(" "))
}

fn refusal(body: &Value) -> (Value, Value) {
    let error = &body["errors"][0];
    (
        error["extensions"]["code"].clone(),
        error["extensions"]["limit"].clone(),
    )
}

async fn aliases_root_fields_and_directives_are_limited(app: TestApp) {
    app.create_trust("2516").await;
    let token = app.leader("2516");
    // 30 root fields: at the limit of root fields, under that of aliases.
    let body = app.graphql(&token, &aliased(30), json!({})).await;
    assert_eq!(body["data"]["a29"]["subject"], "tester", "{body}");
    let body = app.graphql(&token, &aliased(31), json!({})).await;
    assert_eq!(
        refusal(&body),
        (json!("QUERY_TOO_MANY_ROOT_FIELDS"), json!(30))
    );
    assert_eq!(body["data"], Value::Null);

    // Root fields count through fragments too.
    let spread = "query { ...F } fragment F on Query { a: viewer { subject } ...G }
      fragment G on Query { b: viewer { subject } c: viewer { subject } }";
    let body = app.graphql(&token, spread, json!({})).await;
    assert_eq!(body["data"]["c"]["subject"], "tester", "{body}");

    // 50 aliases below the root are allowed; 51 are not.
    let nested = |n: usize| {
        let fields: Vec<String> = (0..n).map(|i| format!("s{i}: subject")).collect();
        format!("{{ viewer {{ {} }} }}", fields.join(" "))
    };
    let body = app.graphql(&token, &nested(50), json!({})).await;
    assert_eq!(body["data"]["viewer"]["s49"], "tester", "{body}");
    let body = app.graphql(&token, &nested(51), json!({})).await;
    assert_eq!(refusal(&body), (json!("QUERY_TOO_MANY_ALIASES"), json!(50)));

    // Five directives on one selection pass the limit (and then meet
    // validation, as @include may appear once); six do not pass it. The
    // limit keeps a flood of directives from costing validation time.
    let directed = |n: usize| {
        let directives = vec!["@include(if: true)"; n].join(" ");
        format!("{{ viewer {directives} {{ subject }} }}")
    };
    let both = "{ viewer @include(if: true) @skip(if: false) { subject } }";
    let body = app.graphql(&token, both, json!({})).await;
    assert_eq!(body["data"]["viewer"]["subject"], "tester", "{body}");
    let body = app.graphql(&token, &directed(5), json!({})).await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"],
        "GRAPHQL_VALIDATION_FAILED"
    );
    let body = app.graphql(&token, &directed(6), json!({})).await;
    assert_eq!(
        refusal(&body),
        (json!("QUERY_TOO_MANY_DIRECTIVES"), json!(5))
    );
}

/// `{ viewer { subject } }` padded with a comment to exactly `bytes`.
fn padded(bytes: usize) -> String {
    let query = "{ viewer { subject } }\n#";
    format!("{query}{}", "x".repeat(bytes - query.len()))
}

async fn documents_are_limited_in_bytes(app: TestApp) {
    app.create_trust("2516").await;
    let token = app.leader("2516");
    let (status, body) = app.post(&token, &padded(32_768), json!({})).await;
    assert_eq!(
        (status, &body["data"]["viewer"]["subject"]),
        (200, &json!("tester"))
    );
    // Under application/json a request that cannot run still answers 200.
    let (status, body) = app.post(&token, &padded(32_769), json!({})).await;
    assert_eq!(status, 200);
    assert_eq!(refusal(&body), (json!("QUERY_TOO_LARGE"), json!(32_768)));
    assert_eq!(body["data"], Value::Null);
}

/// `{ viewer { subject } }` with an argument `a` holding `depth` nested lists.
fn nested(depth: usize) -> String {
    let list = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    format!("{{ viewer(a: {list}) {{ subject }} }}")
}

/// The parser descends once per bracket: a few thousand would overflow its
/// stack and end the process, so deep nesting is refused before parsing.
async fn deep_brackets_are_refused_unparsed(app: TestApp) {
    app.create_trust("2516").await;
    let token = app.leader("2516");
    for depth in [127, 1500, 16_000] {
        let (status, body) = app.post(&token, &nested(depth), json!({})).await;
        assert_eq!(status, 200, "{depth}: {body}");
        assert_eq!(refusal(&body), (json!("QUERY_TOO_DEEP"), json!(128)));
    }
    // At the limit (the braces and parentheses count too) the document is
    // parsed, and `a` is no argument of `viewer`.
    let body = app.graphql(&token, &nested(126), json!({})).await;
    let code = &body["errors"][0]["extensions"]["code"];
    assert_eq!(code, "GRAPHQL_VALIDATION_FAILED", "{body}");
    // Brackets in strings and comments do not count; the server is still up.
    let quoted = format!("{{ viewer {{ subject }} }} # {}\n", "[".repeat(3000));
    let body = app.graphql(&token, &quoted, json!({})).await;
    assert_eq!(body["data"]["viewer"]["subject"], "tester", "{body}");
    let string = format!(
        "query($s: String = \"{}\") {{ viewer {{ subject }} }}",
        "{".repeat(3000)
    );
    // Parsed: only validation finds that `$s` is not used.
    let body = app.graphql(&token, &string, json!({})).await;
    let code = &body["errors"][0]["extensions"]["code"];
    assert_eq!(code, "GRAPHQL_VALIDATION_FAILED", "{body}");
}

on_both_stores!(
    aliases_root_fields_and_directives_are_limited,
    documents_are_limited_in_bytes,
    deep_brackets_are_refused_unparsed,
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_query_past_the_execution_timeout_is_stopped_but_a_mutation_is_not() {
    let args = ["--execution-timeout-ms", "1"];
    crate::helpers::run_with(crate::helpers::Store::Sqlite, &args, |app| async move {
        app.import_schools().await;
        let protocol = app.import_core_protocol("2516").await;
        let token = app.leader("2516");
        // A mutation runs to the end of its transaction whatever the limit.
        let walk = crate::walks::walk_input(137106, &protocol, "2025-10-07");
        crate::walks::create_walk(&app, &token, walk).await;
        // A walk's team, then each member, wait on two of the loaders'
        // 1 ms batching windows in turn (a page's schools, visits and
        // ratings are loaded ahead and wait on none), so this query takes
        // longer than 1 ms.
        let query = "{ walks(first: 10) { nodes { observers { observer { displayName } } } } }";
        let (status, body) = app.post(&token, query, json!({})).await;
        assert_eq!(status, 503, "{body}");
        assert_eq!(
            body["errors"][0]["extensions"],
            json!({ "code": "TIMEOUT", "limitMs": 1 })
        );
    })
    .await;
}

/// `{ viewer { ...F<levels> } }` where each fragment spreads the one
/// before twice: 2^levels fields once written out, in a few lines.
fn fragment_bomb(levels: usize) -> String {
    let mut text = String::from("{ viewer { ...F0 } } fragment F0 on Viewer { subject }");
    for level in 1..=levels {
        let before = level - 1;
        text.push_str(&format!(
            " fragment F{level} on Viewer {{ ...F{before} ...F{before} }}"
        ));
    }
    text.replacen("...F0 } }", &format!("...F{levels} }} }}"), 1)
}

/// Fragments are counted written out, each once, so a document of a few
/// lines cannot make the cost check walk 2^30 fields (the parser stops
/// deeper chains).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fragments_are_counted_written_out() {
    let args = ["--max-query-complexity", "5"];
    crate::helpers::run_with(crate::helpers::Store::Sqlite, &args, |app| async move {
        app.create_trust("2516").await;
        let token = app.leader("2516");
        // viewer and 4 subjects: 5 fields, at the limit.
        let body = app.graphql(&token, &fragment_bomb(2), json!({})).await;
        assert_eq!(body["data"]["viewer"]["subject"], "tester", "{body}");
        let body = app.graphql(&token, &fragment_bomb(3), json!({})).await;
        assert_eq!(refusal(&body), (json!("QUERY_TOO_COMPLEX"), json!(5)));
    })
    .await;
    crate::helpers::run(crate::helpers::Store::Sqlite, |app| async move {
        app.create_trust("2516").await;
        let token = app.leader("2516");
        let body = app.graphql(&token, &fragment_bomb(30), json!({})).await;
        assert_eq!(
            refusal(&body),
            (json!("QUERY_TOO_COMPLEX"), json!(250_000)),
            "{body}"
        );
    })
    .await;
}

/// A selection `depth` fields deep, down a cycle of observers and walks,
/// with `__typename` (which the limit does not count) at the bottom.
fn deep(depth: usize) -> String {
    let cycle = ["walks(first: 1)", "nodes", "walk", "observers", "observer"];
    let mut path = vec!["observers(first: 1)", "nodes"];
    path.extend(cycle.iter().cycle().take(depth.saturating_sub(2)));
    let open: String = path.iter().map(|field| format!("{field} {{ ")).collect();
    format!("{{ {open}__typename {}}}", "} ".repeat(path.len()))
}

async fn selections_are_limited_in_depth(app: TestApp) {
    app.create_trust("2516").await;
    let token = app.leader("2516");
    let body = app.graphql(&token, &deep(12), json!({})).await;
    assert_eq!(body["data"]["observers"]["nodes"], json!([]), "{body}");
    // Validation refuses depths up to the parser's recursion limit (32);
    // past it the parser does, with the same code.
    for document in [deep(13), deep(40), deep(120)] {
        let body = app.graphql(&token, &document, json!({})).await;
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "QUERY_TOO_DEEP",
            "{document}: {body}"
        );
        assert_eq!(body["data"], Value::Null);
    }
    // Fragments that spread one another are invalid, however shallow.
    for cycle in [
        "{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }",
        "{ viewer { ...A } } fragment A on Viewer { ...B } fragment B on Viewer { ...A }",
    ] {
        let body = app.graphql(&token, cycle, json!({})).await;
        assert_eq!(
            body["errors"][0],
            json!({ "message": "fragments spread one another in a cycle",
                    "extensions": { "code": "GRAPHQL_VALIDATION_FAILED" } }),
            "{cycle}"
        );
    }
    // Any other parse failure keeps its code.
    let body = app.graphql(&token, "{ viewer { subject }", json!({})).await;
    let code = &body["errors"][0]["extensions"]["code"];
    assert_eq!(code, "GRAPHQL_PARSE_FAILED", "{body}");
}

on_both_stores!(selections_are_limited_in_depth);

/// Connections cost their page size times their nodes' cost: the largest
/// page under the limit runs, one more node does not.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_cost_their_page_size_up_to_the_complexity_limit() {
    let args = ["--max-query-complexity", "100"];
    crate::helpers::run_with(crate::helpers::Store::Sqlite, &args, |app| async move {
        app.create_trust("2516").await;
        let token = app.leader("2516");
        let page = |size: i64| format!("{{ schools(first: {size}) {{ nodes {{ urn name }} }} }}");
        let cost = |body: &Value| body["extensions"]["cost"]["requestedQueryCost"].as_i64();
        let one = app.post(&token, &page(1), json!({})).await.1;
        let two = app.post(&token, &page(2), json!({})).await.1;
        let (one, two) = (cost(&one).expect("cost"), cost(&two).expect("cost"));
        let per_node = two - one;
        assert!(per_node >= 2, "a node with two fields costs at least 2");
        let largest = (100 - (one - per_node)) / per_node;
        let body = app.post(&token, &page(largest), json!({})).await.1;
        assert!(cost(&body) <= Some(100), "{body}");
        assert!(body.get("errors").is_none(), "{body}");
        let body = app.post(&token, &page(largest + 1), json!({})).await.1;
        assert_eq!(body["errors"][0]["extensions"]["code"], "QUERY_TOO_COMPLEX");
    })
    .await;
}
