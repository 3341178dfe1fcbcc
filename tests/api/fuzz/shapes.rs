//! Random requests: GraphQL documents (token soup from the grammar and the
//! schema's own names, and valid queries mutated), random variables, and
//! random HTTP shapes around them.

use proptest::prelude::*;
use proptest::sample::{Index, select};
use serde_json::{Value, json};

/// One request to send.
#[derive(Debug, Clone)]
pub enum Shape {
    Post {
        content_type: Option<&'static str>,
        accept: Option<&'static str>,
        body: Vec<u8>,
    },
    Get {
        params: Vec<(String, String)>,
    },
}

/// Valid queries of the schema, the seeds the mutations start from.
const SEEDS: [&str; 10] = [
    "{ viewer { subject trustUid roles trust { name } } }",
    "{ schools(first: 20, phase: \"primary\") { totalCount nodes { urn name } } }",
    "{ walks(first: 5) { totalCount pageInfo { hasNextPage endCursor } nodes { id date \
     school { name } visits(first: 3) { nodes { id subject ratings(first: 10) { nodes { \
     indicator { code } outcome level } } } } } } }",
    "query($id: ID!) { node(id: $id) { id ... on Walk { date visits(first: 2) { totalCount } } } }",
    "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
    "query($f: VariationFilter!) { variation(filter: $f) { minCellSize trust { n mean } \
     cells { n secureRate suppressed } } }",
    "query($f: VariationFilter!) { coverage(filter: $f) { __typename } agreement(filter: $f) \
     { __typename } }",
    "query($after: String, $n: Int) { protocols(first: $n, after: $after) { nodes { id key \
     focusAreas { key indicators { code } } } } }",
    "mutation($input: UpsertObserverInput!) { upsertObserver(input: $input) { userErrors { \
     code message } } }",
    "mutation($input: CreateWalkInput!) { createWalk(input: $input) { userErrors { code } } }",
];

const PUNCTUATION: [&str; 22] = [
    "{", "}", "(", ")", "[", "]", ":", "...", "@", "$", "!", "=", "|", "&", ",", "\"", "\"\"\"",
    "#", "query", "mutation", "fragment", "on",
];

const ODD_VALUES: [&str; 14] = [
    "99999999999999999999999999",
    "-2147483649",
    "1e400",
    "-0.0",
    "0x10",
    "NaN",
    "\"\\u0000\"",
    "\"\\uD800\"",
    "\"unterminated",
    "\"\"\"block\"\"\"",
    "true",
    "null",
    "[[[[[[[[]]]]]]]]",
    "{a: {b: {c: 1}}}",
];

/// Every identifier of the checked-in schema: fields, types, arguments.
fn schema_names() -> Vec<String> {
    let sdl = include_str!("../../../schema.graphql");
    let mut names: Vec<String> = sdl
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|word| word.chars().next().is_some_and(|c| c.is_ascii_alphabetic()))
        .map(str::to_owned)
        .collect();
    names.sort();
    names.dedup();
    names
}

/// A string of odd characters: any Unicode, controls, marks, emoji.
fn odd_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "\\PC{0,12}",
        "[\u{0}-\u{1f}\u{202e}\u{feff}\u{fffd}\u{1f600}é]{0,8}",
    ]
}

fn token_soup() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        4 => select(PUNCTUATION.to_vec()).prop_map(str::to_owned),
        4 => select(schema_names()),
        2 => select(ODD_VALUES.to_vec()).prop_map(str::to_owned),
        1 => odd_text(),
    ];
    prop::collection::vec(token, 0..60).prop_map(|tokens| tokens.join(" "))
}

/// A seed changed once: nested deep, numbers made huge, text inserted,
/// cut short, or a stretch replaced by soup.
fn mutated_seed() -> impl Strategy<Value = String> {
    let seed = select(SEEDS.to_vec()).prop_map(str::to_owned);
    (
        seed,
        0..6u8,
        1..300usize,
        any::<Index>(),
        odd_text(),
        token_soup(),
    )
        .prop_map(|(seed, how, n, at, text, soup)| {
            let chars: Vec<char> = seed.chars().collect();
            let at = at.index(chars.len() + 1);
            let (head, tail): (String, String) =
                (chars[..at].iter().collect(), chars[at..].iter().collect());
            match how {
                0 => format!("{}{seed}{}", "{ ... on Query ".repeat(n), " }".repeat(n)),
                1 => seed.replace("first: 5", &format!("first: {}", "9".repeat(n))),
                2 => format!("{head}{text}{tail}"),
                3 => head,
                4 => format!("{head}{soup}{}", tail.chars().skip(n).collect::<String>()),
                _ => format!(
                    "{{ walks(first: 1) {}{} }}",
                    "{ nodes ".repeat(n),
                    "}".repeat(n)
                ),
            }
        })
}

fn document() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => mutated_seed(),
        2 => token_soup(),
        1 => select(SEEDS.to_vec()).prop_map(str::to_owned),
    ]
}

/// Any JSON: wrong types, huge and tiny numbers, odd text, deep nesting.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::from)),
        odd_text().prop_map(Value::from),
        select(SEEDS.to_vec()).prop_map(Value::from),
        Just(json!("V2FsazoxMjM=")),
    ];
    leaf.prop_recursive(8, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::from),
            prop::collection::btree_map(
                prop_oneof![
                    select(schema_names()),
                    odd_text(),
                    Just("input".to_owned()),
                    Just("filter".to_owned())
                ],
                inner,
                0..6
            )
            .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

/// Variables for the seeds: `f`, `id`, `ids`, `input`… with any values.
fn variables() -> impl Strategy<Value = Value> {
    let names = select(vec!["f", "id", "ids", "input", "after", "n", "x"]);
    prop_oneof![
        4 => prop::collection::btree_map(names, json_value(), 0..4)
            .prop_map(|map| Value::Object(map.into_iter().map(|(k, v)| (k.into(), v)).collect())),
        1 => json_value(),
        1 => (1..120usize).prop_map(|depth| {
            let nested = format!("{}1{}", "[".repeat(depth), "]".repeat(depth));
            serde_json::from_str::<Value>(&nested).unwrap_or(Value::Null)
        }),
    ]
}

/// A GraphQL request object: a document, variables, maybe an operation
/// name and a persisted-query hash.
fn graphql_request() -> impl Strategy<Value = Value> {
    let request = (
        document(),
        variables(),
        prop::option::of(odd_text()),
        any::<bool>(),
    );
    request.prop_map(|(query, variables, operation, persisted)| {
        let mut body = json!({ "query": query, "variables": variables });
        if let Some(operation) = operation {
            body["operationName"] = json!(operation);
        }
        if persisted {
            let hash = json!({ "version": 1, "sha256Hash": "00ff" });
            body["extensions"] = json!({ "persistedQuery": hash });
        }
        body
    })
}

fn request_body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        6 => graphql_request().prop_map(|body| body.to_string().into_bytes()),
        1 => prop::collection::vec(graphql_request(), 0..4).prop_map(|b| Value::from(b).to_string().into_bytes()),
        1 => json_value().prop_map(|v| v.to_string().into_bytes()),
        1 => prop::collection::vec(any::<u8>(), 0..200),
        1 => document().prop_map(String::into_bytes),
        // Nesting past what serde_json builds: sent as text.
        1 => (document(), 100..5000usize).prop_map(|(query, depth)| {
            let nested = format!("{}1{}", "[".repeat(depth), "]".repeat(depth));
            format!("{{\"query\":{},\"variables\":{{\"x\":{nested}}}}}", json!(query))
                .into_bytes()
        }),
    ]
}

pub fn shape() -> impl Strategy<Value = Shape> {
    let content_type = prop::option::of(select(vec![
        "application/json",
        "application/json",
        "application/json; charset=utf-16",
        "application/graphql",
        "text/plain",
        "multipart/form-data; boundary=x",
        "application/x-www-form-urlencoded",
    ]));
    let accept = prop::option::of(select(vec![
        "application/json",
        "application/graphql-response+json",
        "text/html",
        "*/*",
        "image/png",
    ]));
    let param = (
        select(vec![
            "query",
            "variables",
            "operationName",
            "extensions",
            "x",
        ]),
        prop_oneof![
            document(),
            variables().prop_map(|v| v.to_string()),
            odd_text()
        ],
    );
    prop_oneof![
        3 => (content_type, accept, request_body()).prop_map(|(content_type, accept, body)| {
            Shape::Post { content_type, accept, body }
        }),
        1 => prop::collection::vec(param, 0..4).prop_map(|params| Shape::Get {
            params: params.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
        }),
    ]
}
