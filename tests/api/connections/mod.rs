//! Every list is a Relay connection: pages forward and backward, exact
//! page info and totals, refused arguments and cursors, and never another
//! trust's records. The helpers read a whole list a page at a time as a
//! client would, and work out independently what each page must say.

mod lists;
mod refusals;
mod tenancy;

use serde_json::{Value, json};

use crate::helpers::{TestApp, data_file};

/// What a connection selects, with `fields` of each node.
pub fn selection(fields: &str) -> String {
    format!(
        "totalCount pageInfo {{ hasPreviousPage hasNextPage startCursor endCursor }}
         edges {{ cursor node {{ {fields} }} }} nodes {{ {fields} }}"
    )
}

/// A query for one page of `list` with `fields` of each node: `outer`
/// holds the list where it says `LIST` (a root list is just `LIST`), `vars`
/// declares further variables and `args` passes further arguments.
pub fn page_query(vars: &str, outer: &str, (list, args): (&str, &str), fields: &str) -> String {
    let page = format!(
        "{list}(first: $first, after: $after, last: $last, before: $before {args}) {{ {} }}",
        selection(fields)
    );
    let declared = "$first: Int, $after: String, $last: Int, $before: String";
    format!(
        "query({declared} {vars}) {{ {} }}",
        outer.replace("LIST", &page)
    )
}

/// One page as the client saw it.
#[derive(Debug)]
pub struct Seen {
    pub nodes: Vec<Value>,
    pub total: Value,
    pub has_previous: bool,
    pub has_next: bool,
}

/// Which way to read a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Way {
    /// `first`/`after`, from the start.
    Forward,
    /// `last`/`before`, from the end.
    Backward,
}

/// Reads a whole list `size` rows at a time. `query` takes `$first`,
/// `$after`, `$last` and `$before` besides `vars`; `at` points at the
/// connection in its data.
pub async fn read_all(
    app: &TestApp,
    token: &str,
    (query, vars): (&str, Value),
    at: &str,
    size: usize,
    way: Way,
) -> Vec<Seen> {
    let mut pages = Vec::new();
    let mut cursor = Value::Null;
    loop {
        let mut asked = vars.clone();
        match way {
            Way::Forward => (asked["first"], asked["after"]) = (json!(size), cursor),
            Way::Backward => (asked["last"], asked["before"]) = (json!(size), cursor),
        }
        let data = app.data(token, query, asked).await;
        let list = data
            .pointer(at)
            .unwrap_or_else(|| panic!("no {at} in {data}"));
        let edges = list["edges"].as_array().unwrap();
        let nodes: Vec<Value> = edges.iter().map(|e| e["node"].clone()).collect();
        assert_eq!(list["nodes"], json!(nodes), "edges and nodes agree");
        let info = &list["pageInfo"];
        let cursor_at = |i: Option<&Value>| i.map_or(Value::Null, |e| e["cursor"].clone());
        assert_eq!(info["startCursor"], cursor_at(edges.first()));
        assert_eq!(info["endCursor"], cursor_at(edges.last()));

        let seen = Seen {
            nodes,
            total: list["totalCount"].clone(),
            has_previous: info["hasPreviousPage"].as_bool().unwrap(),
            has_next: info["hasNextPage"].as_bool().unwrap(),
        };
        let more = match way {
            Way::Forward => seen.has_next,
            Way::Backward => seen.has_previous,
        };
        cursor = match way {
            Way::Forward => info["endCursor"].clone(),
            Way::Backward => info["startCursor"].clone(),
        };
        pages.push(seen);
        if !more {
            return pages;
        }
        assert!(pages.len() < 50, "the list never ends");
    }
}

/// Each page's size, `hasPreviousPage` and `hasNextPage` when a list of
/// `total` rows is read `size` at a time, worked out from the counts.
pub fn expected_pages(total: usize, size: usize, way: Way) -> Vec<(usize, bool, bool)> {
    let count = total.div_ceil(size).max(1);
    (0..count)
        .map(|i| {
            let rows = if i + 1 < count {
                size
            } else {
                total - size * i
            };
            let (before_it, after_it) = (i > 0, i + 1 < count);
            match way {
                Way::Forward => (rows, before_it, after_it),
                Way::Backward => (rows, after_it, before_it),
            }
        })
        .collect()
}

/// Checks every page of `pages` against `expected`, the whole list in its
/// order, read `size` at a time; returns nothing, asserts everything.
pub fn assert_pages(pages: &[Seen], expected: &[Value], size: usize, way: Way) {
    let shape: Vec<(usize, bool, bool)> = (pages.iter())
        .map(|p| (p.nodes.len(), p.has_previous, p.has_next))
        .collect();
    assert_eq!(shape, expected_pages(expected.len(), size, way), "{way:?}");
    for page in pages {
        assert_eq!(
            page.total,
            json!(expected.len()),
            "totalCount on every page"
        );
    }
    let mut read: Vec<&[Value]> = pages.iter().map(|p| &p.nodes[..]).collect();
    if way == Way::Backward {
        read.reverse();
    }
    assert_eq!(read.concat(), expected, "{way:?}: the rows in order");
}

/// The schools of `trust` in the GIAS file, as (URN, name, phase), read
/// without the importer.
pub fn schools_in_file(trust: &str) -> Vec<(i64, String, String)> {
    let mut reader = csv::Reader::from_path(data_file("gias-mat-2017.csv")).unwrap();
    (reader.records())
        .map(Result::unwrap)
        .filter(|row| &row[6] == trust)
        .map(|row| {
            (
                row[0].parse().unwrap(),
                row[1].to_owned(),
                row[2].to_owned(),
            )
        })
        .collect()
}

#[test]
fn expected_pages_follow_the_counts() {
    let forward = [
        (4, false, true),
        (4, true, true),
        (4, true, true),
        (3, true, false),
    ];
    assert_eq!(expected_pages(15, 4, Way::Forward), forward);
    let backward = [
        (4, true, false),
        (4, true, true),
        (4, true, true),
        (3, false, true),
    ];
    assert_eq!(expected_pages(15, 4, Way::Backward), backward);
    assert_eq!(expected_pages(0, 4, Way::Forward), [(0, false, false)]);
    assert_eq!(expected_pages(2, 2, Way::Backward), [(2, false, false)]);
}
