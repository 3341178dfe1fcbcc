//! Breaking changes between two SDL documents: what a client written
//! against the old one could find missing or changed in the new one.

use std::collections::BTreeMap;

use async_graphql::parser::parse_schema;
use async_graphql::parser::types::{InputValueDefinition, TypeKind, TypeSystemDefinition};

/// Every coordinate of a schema (`Type`, `Type.field`, `Type.field(arg:)`,
/// `Enum.VALUE`) with what a client relies on there.
fn coordinates(sdl: &str) -> BTreeMap<String, String> {
    let document = parse_schema(sdl).expect("valid SDL");
    let mut out = BTreeMap::new();
    let input = |out: &mut BTreeMap<String, String>, at: String, v: &InputValueDefinition| {
        let default = if v.default_value.is_some() {
            " = default"
        } else {
            ""
        };
        out.insert(at, format!("input {}{default}", v.ty.node));
    };
    for definition in document.definitions {
        let TypeSystemDefinition::Type(def) = definition else {
            continue;
        };
        let def = def.node;
        let name = def.name.node.to_string();
        let fields = match &def.kind {
            TypeKind::Object(o) => Some(&o.fields),
            TypeKind::Interface(i) => Some(&i.fields),
            _ => None,
        };
        let kind = match &def.kind {
            TypeKind::Scalar => "scalar",
            TypeKind::Object(_) => "object",
            TypeKind::Interface(_) => "interface",
            TypeKind::Union(_) => "union",
            TypeKind::Enum(_) => "enum",
            TypeKind::InputObject(_) => "input object",
        };
        out.insert(name.clone(), kind.to_owned());
        for field in fields.into_iter().flatten() {
            let field = &field.node;
            let at = format!("{name}.{}", field.name.node);
            out.insert(at.clone(), format!("output {}", field.ty.node));
            for arg in &field.arguments {
                input(
                    &mut out,
                    format!("{at}({}:)", arg.node.name.node),
                    &arg.node,
                );
            }
        }
        if let TypeKind::InputObject(o) = &def.kind {
            for field in &o.fields {
                input(
                    &mut out,
                    format!("{name}.{}", field.node.name.node),
                    &field.node,
                );
            }
        }
        if let TypeKind::Enum(e) = &def.kind {
            for value in &e.values {
                out.insert(format!("{name}.{}", value.node.value.node), "value".into());
            }
        }
    }
    out
}

/// The breaking changes from `old` to `new`, each as `coordinate: what`.
pub fn breaking(old: &str, new: &str) -> Vec<(String, String)> {
    let (old, new) = (coordinates(old), coordinates(new));
    let mut found = Vec::new();
    for (at, was) in &old {
        match new.get(at) {
            None => found.push((at.clone(), "removed".to_owned())),
            Some(now) if now != was => found.push((at.clone(), format!("{was} → {now}"))),
            Some(_) => {}
        }
    }
    // A new required argument or input field of an existing field or
    // input type breaks every caller that does not send it.
    for (at, now) in &new {
        let required = now.starts_with("input ") && now.ends_with('!');
        let parent = match at.split_once('(') {
            Some((field, _)) => field,
            None => at.rsplit_once('.').map_or(at.as_str(), |(kind, _)| kind),
        };
        if !old.contains_key(at) && required && old.contains_key(parent) {
            found.push((at.clone(), format!("new and required: {now}")));
        }
    }
    found
}

#[test]
fn the_check_finds_removals_type_changes_and_new_requirements() {
    let old = "type Query { a: Int! b(x: Int): String }
               input I { f: Int } enum E { ONE TWO }";
    let same = "type Query { a: Int! b(x: Int, y: Int): String c: Int }
                input I { f: Int g: Int = 1 } enum E { ONE TWO THREE }";
    assert_eq!(breaking(old, same), vec![]);
    let added = "type Query { a: Int! b(x: Int): String n(i: J!): Int }
                 input I { f: Int } input J { k: Int! } enum E { ONE TWO }";
    assert_eq!(breaking(old, added), vec![]);
    let broken = "type Query { a: Int b(x: Int, z: Int!): String }
                  input I { f: Int h: Int! } enum E { ONE }";
    let found: Vec<String> = breaking(old, broken)
        .into_iter()
        .map(|(at, _)| at)
        .collect();
    assert_eq!(found, ["E.TWO", "Query.a", "I.h", "Query.b(z:)"]);
}
