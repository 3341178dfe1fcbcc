//! Automatic persisted queries, for bandwidth: a client sends a query's
//! SHA-256 in `extensions.persistedQuery` instead of its text, and the text
//! once after `PERSISTED_QUERY_NOT_FOUND`. This is not an allow-list: any
//! query a caller may send in full can be persisted. Each trust has its own
//! store, so one trust can neither learn what another asked nor push its
//! queries out; a text is kept only once it has run.

use std::collections::HashMap;
use std::num::NonZeroUsize;
use std::sync::Mutex;

use lru::LruCache;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

/// Queries kept per trust, most recently used first.
const PER_TRUST: NonZeroUsize = NonZeroUsize::MIN.saturating_add(499);

/// Longest query text kept, in bytes; longer ones run but are not kept.
const MAX_TEXT: usize = 16 * 1024;

/// Why a persisted query cannot run.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Refusal {
    /// The hash is not known: send the query with it once.
    NotFound,
    /// The extension is not `{ "version": 1, "sha256Hash": "<hex>" }`, or
    /// the hash is not the query's.
    Invalid(String),
}

/// A query text to keep once its request has run.
pub(super) struct Pending {
    trust: String,
    hash: String,
    text: String,
}

#[derive(Default)]
pub struct PersistedQueries(Mutex<HashMap<String, LruCache<String, String>>>);

pub(crate) fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl PersistedQueries {
    /// Fills in `query` from the trust's store when the request names a
    /// persisted query without its text; when the text comes with its hash,
    /// checks the hash and returns the text to keep if the request runs.
    /// Requests without the extension pass unchanged.
    pub(super) fn apply(
        &self,
        trust: &str,
        params: &mut Map<String, Value>,
    ) -> Result<Option<Pending>, Refusal> {
        let Some(extension) = params
            .get("extensions")
            .and_then(|e| e.get("persistedQuery"))
        else {
            return Ok(None);
        };
        let invalid = |why: &str| Refusal::Invalid(why.to_owned());
        if extension.get("version") != Some(&Value::from(1)) {
            return Err(invalid("persistedQuery needs version 1"));
        }
        let hash = (extension.get("sha256Hash").and_then(Value::as_str))
            .filter(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()))
            .ok_or_else(|| invalid("persistedQuery needs a sha256Hash of 64 hex digits"))?
            .to_ascii_lowercase();
        match params.get("query") {
            None | Some(Value::Null) => {}
            Some(Value::String(text)) if text.is_empty() => {}
            Some(Value::String(text)) if sha256_hex(text) == hash => {
                let keep = text.len() <= MAX_TEXT;
                let text = text.clone();
                let trust = trust.to_owned();
                return Ok(keep.then_some(Pending { trust, hash, text }));
            }
            Some(Value::String(_)) => return Err(invalid("the sha256Hash is not the query's")),
            // Not a string: the request is refused as it would be anyway.
            Some(_) => return Ok(None),
        }
        let mut stores = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let text = (stores.get_mut(trust))
            .and_then(|store| store.get(&hash).cloned())
            .ok_or(Refusal::NotFound)?;
        params.insert("query".to_owned(), Value::String(text));
        Ok(None)
    }

    /// Keeps a query text whose request ran.
    pub(super) fn keep(&self, pending: Pending) {
        let mut stores = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let store = (stores.entry(pending.trust)).or_insert_with(|| LruCache::new(PER_TRUST));
        store.put(pending.hash, pending.text);
    }
}
