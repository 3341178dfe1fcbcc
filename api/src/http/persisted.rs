//! Automatic persisted queries, for bandwidth: a client sends a query's
//! SHA-256 in `extensions.persistedQuery` instead of its text, and the text
//! once after `PERSISTED_QUERY_NOT_FOUND`. This is not an allow-list: any
//! query a caller may send in full can be persisted. The store keeps query
//! texts only, per trust, so one trust cannot learn what another asked.

use std::num::NonZeroUsize;
use std::sync::Mutex;

use lru::LruCache;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

/// Queries kept per service, most recently used first.
const CAPACITY: NonZeroUsize = NonZeroUsize::MIN.saturating_add(9_999);

/// Why a persisted query cannot run.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Refusal {
    /// The hash is not known: send the query with it once.
    NotFound,
    /// The extension is not `{ "version": 1, "sha256Hash": "<hex>" }`, or
    /// the hash is not the query's.
    Invalid(String),
}

pub struct PersistedQueries(Mutex<LruCache<(String, String), String>>);

impl Default for PersistedQueries {
    fn default() -> Self {
        PersistedQueries(Mutex::new(LruCache::new(CAPACITY)))
    }
}

fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl PersistedQueries {
    /// Fills in `query` from the store when the request names a persisted
    /// query without its text, or stores the text when it comes with its
    /// hash. Requests without the extension pass unchanged.
    pub(super) fn apply(
        &self,
        trust: &str,
        params: &mut Map<String, Value>,
    ) -> Result<(), Refusal> {
        let Some(extension) = params
            .get("extensions")
            .and_then(|e| e.get("persistedQuery"))
        else {
            return Ok(());
        };
        let invalid = |why: &str| Refusal::Invalid(why.to_owned());
        if extension.get("version") != Some(&Value::from(1)) {
            return Err(invalid("persistedQuery needs version 1"));
        }
        let hash = (extension.get("sha256Hash").and_then(Value::as_str))
            .filter(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()))
            .ok_or_else(|| invalid("persistedQuery needs a sha256Hash of 64 hex digits"))?
            .to_ascii_lowercase();
        let key = (trust.to_owned(), hash);
        let mut store = self.0.lock().unwrap_or_else(|e| e.into_inner());
        match params.get("query").and_then(Value::as_str) {
            None | Some("") => {
                let text = store.get(&key).ok_or(Refusal::NotFound)?.clone();
                params.insert("query".to_owned(), Value::String(text));
            }
            Some(text) if sha256_hex(text) == key.1 => {
                store.put(key, text.to_owned());
            }
            Some(_) => return Err(invalid("the sha256Hash is not the query's")),
        }
        Ok(())
    }
}
