//! A trust's identifiers, read back through the API with its own token:
//! every query root field is asked twice, the second time with the ids
//! the first found, and every object's `__typename` says what its `id`,
//! `urn`, `externalId`, `key` or `code` is.

use std::collections::BTreeMap;

use serde_json::Value;

use super::request::{Size, build};
use super::schema::Schema;
use super::slots::{Class, Pool, Slot};
use crate::helpers::TestApp;

/// How deep selections go below a query's root field.
const QUERY_DEPTH: usize = 6;

/// Page size of a root connection in the harvest: every record of the
/// fixture's trust on one page.
const HARVEST_PAGE: i64 = 40;

/// Objects whose subtree makes a coherent set of ids for one request: a
/// walk with its school, protocol, team, visits and actions; a protocol
/// with its focus areas and indicators.
const CONTEXT_TYPES: [&str; 2] = ["Walk", "Protocol"];

pub struct Harvest {
    pub pool: Pool,
    /// A pool per walk and per protocol version, by id.
    pub contexts: Vec<Pool>,
}

impl Harvest {
    /// The value `slot` takes in context `ctx`: the context's own, else
    /// the trust's first of that class.
    pub fn value(&self, ctx: usize, slot: &Slot) -> Option<Value> {
        let local = self
            .contexts
            .get(ctx)
            .and_then(|pool| pool.first(&slot.class));
        let value = local.or_else(|| self.pool.first(&slot.class))?;
        Some(if slot.list {
            Value::Array(vec![value])
        } else {
            value
        })
    }
}

/// What `value` and everything below it names; a walk's or protocol's
/// subtree is kept as a context too.
fn collect(value: &Value, contexts: &mut BTreeMap<String, Pool>) -> Pool {
    let mut pool = Pool::default();
    match value {
        Value::Array(items) => items.iter().for_each(|v| pool.merge(collect(v, contexts))),
        // An object without a type is JSON data, such as an audit event's.
        Value::Object(map) if map.contains_key("__typename") => {
            let kind = map
                .get("__typename")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let mut add = |class: Class, v: &Value| {
                if v.is_string() || v.is_number() {
                    pool.add(class, v.clone());
                }
            };
            for (field, v) in map {
                match (kind, field.as_str()) {
                    (_, "id") => add(Class::Id(kind.to_owned()), v),
                    (_, "urn") => add(Class::Urn, v),
                    ("Trust", "uid") | ("Viewer", "trustUid") => add(Class::Uid, v),
                    ("Observer", "externalId") => {
                        add(Class::ObserverReference, v);
                        add(Class::ExternalId(Some(kind.to_owned())), v);
                    }
                    (_, "externalId") => add(Class::ExternalId(Some(kind.to_owned())), v),
                    ("Protocol", "key") => add(Class::ProtocolKey, v),
                    ("FocusArea", "key") => add(Class::FocusAreaKey, v),
                    ("Indicator", "code") => add(Class::IndicatorCode, v),
                    _ => {}
                }
            }
            for v in map.values() {
                pool.merge(collect(v, contexts));
            }
            let id = map.get("id").and_then(Value::as_str);
            if let Some(id) = id.filter(|_| CONTEXT_TYPES.contains(&kind)) {
                contexts
                    .entry(id.to_owned())
                    .or_default()
                    .merge(pool.clone());
            }
        }
        _ => {}
    }
    pool
}

/// Reads everything `token` can see, twice over.
pub async fn harvest(app: &TestApp, schema: &Schema, token: &str, keys: &[String]) -> Harvest {
    let mut pool = Pool::default();
    let mut contexts = BTreeMap::new();
    for _ in 0..2 {
        let known = pool.clone();
        for (op, field) in schema.roots().into_iter().filter(|(op, _)| *op == "query") {
            let mut fill = |slot: &Slot| {
                let value = known.first(&slot.class)?;
                Some(if slot.list {
                    Value::Array(vec![value])
                } else {
                    value
                })
            };
            let size = Size {
                depth: QUERY_DEPTH,
                root_page: HARVEST_PAGE,
            };
            let built = build(schema, op, field, size, &mut fill);
            let (_, body) = app.post(token, &built.query, built.variables).await;
            pool.merge(collect(&body["data"][&field.name], &mut contexts));
        }
    }
    for key in keys {
        pool.add(Class::IdempotencyKey, Value::String(key.clone()));
    }
    // The richest first: a walk with visits, ratings and a debrief.
    let mut contexts: Vec<Pool> = contexts.into_values().collect();
    contexts.sort_by_key(|pool| std::cmp::Reverse(pool.0.values().map(Vec::len).sum::<usize>()));
    Harvest { pool, contexts }
}
