//! An answer without errors written straight to JSON bytes, each object's
//! keys in sorted order as every answer of this service has them, without
//! first building a `serde_json::Value` tree of a large page.

use std::collections::BTreeMap;

use async_graphql::Value;
use serde::ser::{Serialize, SerializeMap, Serializer};

/// A GraphQL value as JSON, each object's keys sorted.
struct Sorted<'a>(&'a Value);

impl Serialize for Sorted<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Value::List(items) => serializer.collect_seq(items.iter().map(Sorted)),
            Value::Object(fields) => {
                let mut fields: Vec<_> = fields.iter().collect();
                fields.sort_unstable_by(|a, b| a.0.as_str().cmp(b.0.as_str()));
                let fields = fields.into_iter();
                serializer.collect_map(fields.map(|(name, value)| (name.as_str(), Sorted(value))))
            }
            other => other.serialize(serializer),
        }
    }
}

/// `data` and any `extensions` of an answer with no errors.
struct Answer<'a> {
    data: &'a Value,
    extensions: &'a BTreeMap<String, Value>,
}

impl Serialize for Answer<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("data", &Sorted(self.data))?;
        if !self.extensions.is_empty() {
            let extensions = self.extensions.iter();
            let sorted: Vec<_> = extensions
                .map(|(name, value)| (name, Sorted(value)))
                .collect();
            map.serialize_entry("extensions", &SortedPairs(&sorted))?;
        }
        map.end()
    }
}

/// Pairs already in key order, as a JSON object.
struct SortedPairs<'a>(&'a [(&'a String, Sorted<'a>)]);

impl Serialize for SortedPairs<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|(name, value)| (name, value)))
    }
}

/// The JSON body of `response`, which has no errors: the same bytes as
/// `serde_json::to_value` then `to_vec` would give.
pub(super) fn to_json(response: &async_graphql::Response) -> serde_json::Result<Vec<u8>> {
    let answer = Answer {
        data: &response.data,
        extensions: &response.extensions,
    };
    serde_json::to_vec(&answer)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a failed unwrap is a failed test
mod tests {
    use async_graphql::{Name, Value};

    /// An object with its keys out of order, nested in a list.
    fn unsorted() -> Value {
        let inner = Value::Object(
            [("zeta", Value::from(1)), ("alpha", Value::from("é \"q\""))]
                .into_iter()
                .map(|(k, v)| (Name::new(k), v))
                .collect(),
        );
        let outer = [
            ("walks", Value::List(vec![inner, Value::Null])),
            ("b", Value::from(2.5)),
            ("a", Value::from(true)),
        ];
        Value::Object(outer.into_iter().map(|(k, v)| (Name::new(k), v)).collect())
    }

    #[test]
    fn an_answer_is_written_as_the_value_tree_would_write_it() {
        let mut response = async_graphql::Response::new(unsorted());
        response.extensions.insert("cost".into(), unsorted());
        let tree = serde_json::to_vec(&serde_json::to_value(&response).unwrap()).unwrap();
        assert_eq!(super::to_json(&response).unwrap(), tree);
    }
}
