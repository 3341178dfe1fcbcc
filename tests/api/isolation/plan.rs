//! The requests of the matrix, for every root field the schema has:
//! the attack (each identifier slot in turn takes each of the other
//! trust's values while the rest are the caller's own, then requests made
//! of the other trust's ids alone) and the control (the caller's own ids).

use std::collections::BTreeMap;
use std::iter::once;

use serde_json::Value;

use super::harvest::Harvest;
use super::request::{Filler, Size, build};
use super::schema::{Field, Schema};
use super::slots::{Class, PAGE, Slot};

/// How deep a query's answer is selected: deep enough for every root
/// field's own records and those they name, shallower than the harvest's
/// so a thousand requests stay quick.
const QUERY_DEPTH: usize = 5;

/// How deep a mutation's payload is selected.
const MUTATION_DEPTH: usize = 4;

/// Most ids one list slot takes (`nodes(ids:)` takes 100).
const LIST_CHUNK: usize = 100;

/// The other trust's richest contexts whose ids fill a request alone
/// (each of its values is tried in every slot besides).
const THEIR_CONTEXTS: usize = 4;

/// Ids of each type tried alone in a slot that takes any type.
const ANY_ID_EACH: usize = 2;

/// Contexts whose requests also fill each optional slot in turn.
const EXTRA_CONTEXTS: usize = 2;

pub struct Planned {
    pub root: String,
    pub op: &'static str,
    pub query: String,
    pub variables: Value,
    /// The field, the slots' values and the depth it was built with, to
    /// build it again shallower when the service finds it too costly.
    pub built_from: Option<(Field, BTreeMap<String, Value>, usize)>,
}

impl Planned {
    /// The same request one level shallower, if it can be.
    pub fn shallower(&self, schema: &Schema) -> Option<Planned> {
        let (field, values, depth) = self.built_from.as_ref()?;
        let depth = depth.checked_sub(1).filter(|d| *d > 0)?;
        let mut fill = |slot: &Slot| values.get(&slot.path).cloned();
        Some(plan_at(self.op, field, schema, depth, &mut fill))
    }
}

fn depth(op: &str) -> usize {
    if op == "mutation" {
        MUTATION_DEPTH
    } else {
        QUERY_DEPTH
    }
}

fn plan(op: &'static str, field: &Field, schema: &Schema, fill: &mut Filler) -> Planned {
    plan_at(op, field, schema, depth(op), fill)
}

fn plan_at(
    op: &'static str,
    field: &Field,
    schema: &Schema,
    depth: usize,
    fill: &mut Filler,
) -> Planned {
    let mut values = BTreeMap::new();
    let mut record = |slot: &Slot| {
        let value = fill(slot);
        if let Some(value) = &value {
            values.insert(slot.path.clone(), value.clone());
        }
        value
    };
    let size = Size {
        depth,
        root_page: PAGE,
    };
    let built = build(schema, op, field, size, &mut record);
    Planned {
        root: field.name.clone(),
        op,
        query: built.query,
        variables: built.variables,
        built_from: Some((field.clone(), values, depth)),
    }
}

fn slots(schema: &Schema, op: &str, field: &Field) -> Vec<Slot> {
    let size = Size {
        depth: depth(op),
        root_page: PAGE,
    };
    build(schema, op, field, size, &mut |_| None).slots
}

/// The values the other trust gives a slot: each alone (a few of each
/// type for an id of any type), and for a list all of them at once.
fn candidates(theirs: &Harvest, slot: &Slot) -> Vec<Value> {
    let all = theirs.pool.all(&slot.class);
    let some: Vec<Value> = match slot.class {
        Class::AnyId => (theirs.pool.0.iter())
            .filter(|(class, _)| matches!(class, Class::Id(_)))
            .flat_map(|(_, ids)| ids.iter().take(ANY_ID_EACH).cloned())
            .collect(),
        _ => all.clone(),
    };
    if !slot.list {
        return some;
    }
    let each = some.iter().map(|v| Value::Array(vec![v.clone()]));
    let chunks = all.chunks(LIST_CHUNK).map(|c| Value::Array(c.to_vec()));
    each.chain(chunks).collect()
}

/// Requests for every root field with the other trust's identifiers.
// Known gaps: B's pagination cursors are never passed as `after`/`before`
// (cursors are not classed as slots), and A's walks are in whatever state
// the control and earlier writes left them, so a late mutation may stop at
// a state check before it reaches B's record.
pub fn attack(schema: &Schema, ours: &Harvest, theirs: &Harvest) -> Vec<Planned> {
    let mut planned = Vec::new();
    let contexts = ours.contexts.len().max(1);
    for (op, field) in schema.roots() {
        let slots = slots(schema, op, field);
        for foreign in &slots {
            for (j, value) in candidates(theirs, foreign).into_iter().enumerate() {
                let ctx = j % contexts;
                let others = slots
                    .iter()
                    .filter(|s| !s.required && s.path != foreign.path);
                let extras = once(None).chain(others.map(|s| Some(s.path.clone())));
                for extra in extras.take(if j == 0 { usize::MAX } else { 1 }) {
                    let mut fill = |slot: &Slot| {
                        if slot.path == foreign.path {
                            Some(value.clone())
                        } else if slot.required || extra.as_ref() == Some(&slot.path) {
                            ours.value(ctx, slot)
                        } else {
                            None
                        }
                    };
                    planned.push(plan(op, field, schema, &mut fill));
                }
            }
        }
        for ctx in 0..theirs.contexts.len().min(THEIR_CONTEXTS) {
            let mut fill = |slot: &Slot| slot.required.then(|| theirs.value(ctx, slot)).flatten();
            planned.push(plan(op, field, schema, &mut fill));
        }
    }
    planned
}

/// Requests for every root field with the caller's own identifiers: in
/// each context, and in the first few also with each optional slot.
pub fn control(schema: &Schema, ours: &Harvest) -> Vec<Planned> {
    let mut planned = Vec::new();
    for (op, field) in schema.roots() {
        let optional: Vec<String> = (slots(schema, op, field).into_iter())
            .filter(|s| !s.required)
            .map(|s| s.path)
            .collect();
        for ctx in 0..ours.contexts.len().max(1) {
            let extras = once(None).chain(optional.iter().map(Some));
            for extra in extras.take(if ctx < EXTRA_CONTEXTS { usize::MAX } else { 1 }) {
                let mut fill = |slot: &Slot| {
                    let wanted = slot.required || extra == Some(&slot.path);
                    wanted.then(|| ours.value(ctx, slot)).flatten()
                };
                planned.push(plan(op, field, schema, &mut fill));
            }
        }
    }
    planned
}
