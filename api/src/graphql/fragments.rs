//! Fragments that spread one another in a cycle. async-graphql's depth
//! check stops such a document while parsing, before the validation rule
//! that names the fault can run; this finds it so the refusal says what is
//! wrong.

use std::collections::HashMap;

use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};

/// The fragments `set` spreads, at any depth within it.
fn spreads<'a>(set: &'a SelectionSet, out: &mut Vec<&'a str>) {
    for item in &set.items {
        match &item.node {
            Selection::Field(field) => spreads(&field.node.selection_set.node, out),
            Selection::InlineFragment(inline) => spreads(&inline.node.selection_set.node, out),
            Selection::FragmentSpread(spread) => out.push(spread.node.fragment_name.node.as_str()),
        }
    }
}

/// Whether some fragment of `document` spreads itself, directly or through
/// others. Fragments are taken away once nothing left spreads them; any
/// that remain are on a cycle.
pub fn cycle(document: &ExecutableDocument) -> bool {
    let mut edges: HashMap<&str, Vec<&str>> = HashMap::new();
    for (name, fragment) in &document.fragments {
        let mut out = Vec::new();
        spreads(&fragment.node.selection_set.node, &mut out);
        // A spread of a fragment never defined is validation's to report.
        out.retain(|target| document.fragments.contains_key(*target));
        edges.insert(name.as_str(), out);
    }
    let mut spread_by: HashMap<&str, usize> = edges.keys().map(|name| (*name, 0)).collect();
    for targets in edges.values() {
        for target in targets {
            *spread_by.entry(target).or_default() += 1;
        }
    }
    let mut free: Vec<&str> = (spread_by.iter())
        .filter(|(_, count)| **count == 0)
        .map(|(name, _)| *name)
        .collect();
    let mut removed = 0;
    while let Some(name) = free.pop() {
        removed += 1;
        for target in edges.get(name).into_iter().flatten() {
            if let Some(count) = spread_by.get_mut(target) {
                *count -= 1;
                if *count == 0 {
                    free.push(target);
                }
            }
        }
    }
    removed < edges.len()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a failed unwrap is a failed test
mod tests {
    use async_graphql::parser::parse_query;

    fn cycle(query: &str) -> bool {
        super::cycle(&parse_query(query).unwrap())
    }

    #[test]
    fn only_fragments_that_reach_themselves_are_a_cycle() {
        assert!(cycle("{ ...A } fragment A on Query { ...A }"));
        assert!(cycle(
            "{ ...A } fragment A on Query { x { ... on X { ...B } } } fragment B on X { y { ...A } }"
        ));
        assert!(cycle(
            "{ ...A } fragment A on Q { ...B ...C } fragment B on Q { x } fragment C on Q { ...D } fragment D on Q { ...C }"
        ));
        assert!(!cycle(
            "{ ...A ...B } fragment A on Q { ...B } fragment B on Q { x }"
        ));
        assert!(!cycle(
            "{ ...A } fragment A on Q { ...B ...B ...Missing } fragment B on Q { x }"
        ));
        assert!(!cycle("{ a { b { c } } }"));
    }
}
