//! What gives a trust's data away: every value of its rows that no row of
//! the other trust holds (uuids, numbers such as URNs, texts), looked for
//! in every string of a response and in what those strings decode to
//! (global ids and cursors are base64).

use std::collections::BTreeSet;

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::Value;

use super::tables::Dump;

#[derive(Debug, Default)]
pub struct Markers {
    uuids: BTreeSet<String>,
    /// Whole numbers of four digits or more, matched as whole tokens.
    tokens: BTreeSet<String>,
    /// Texts of six characters or more, matched anywhere in a string.
    texts: BTreeSet<String>,
}

fn values(dump: &Dump) -> impl Iterator<Item = &String> {
    dump.values().flatten().flatten().flatten()
}

impl Markers {
    /// The values of `theirs` found nowhere in `ours`.
    pub fn between(theirs: &Dump, ours: &Dump) -> Markers {
        let shared: BTreeSet<&String> = values(ours).collect();
        let mut markers = Markers::default();
        for value in values(theirs).filter(|v| !shared.contains(v)) {
            let date_like = value.len() >= 5
                && value.as_bytes()[4] == b'-'
                && value[..4].bytes().all(|b| b.is_ascii_digit());
            if let Ok(uuid) = uuid::Uuid::parse_str(value) {
                markers.uuids.insert(uuid.to_string());
            } else if value.len() >= 4 && value.bytes().all(|b| b.is_ascii_digit()) {
                markers.tokens.insert(value.clone());
            } else if value.starts_with(['{', '[']) || date_like || value.len() < 6 {
                continue;
            } else {
                markers.texts.insert(value.clone());
            }
        }
        markers
    }

    pub fn len(&self) -> usize {
        self.uuids.len() + self.tokens.len() + self.texts.len()
    }

    /// Where `response` shows a marker. A text the request itself carries
    /// may come back (a key the caller chose, say), and any marker the
    /// request carries may be quoted in an error message; ids and
    /// numbers in data may not.
    pub fn found(&self, response: &Value, request: &Value) -> Vec<String> {
        let request = request.to_string();
        let mut found = Vec::new();
        self.walk("", response, &request, &mut found);
        found
    }

    fn walk(&self, path: &str, value: &Value, request: &str, found: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                for (key, value) in map {
                    self.walk(&format!("{path}.{key}"), value, request, found);
                }
            }
            Value::Array(items) => {
                for (i, value) in items.iter().enumerate() {
                    self.walk(&format!("{path}[{i}]"), value, request, found);
                }
            }
            Value::String(text) => {
                let message = path.ends_with(".message");
                for shown in decodings(text) {
                    for marker in self.in_text(&shown) {
                        let echo = request.contains(marker.as_str());
                        let quoted = message || self.texts.contains(&marker);
                        if !(echo && quoted) {
                            found.push(format!("{path}: {marker:?} in {text:?}"));
                        }
                    }
                }
            }
            Value::Number(n) if self.tokens.contains(&n.to_string()) => {
                found.push(format!("{path}: {n}"));
            }
            _ => {}
        }
    }

    /// The markers `text` holds.
    fn in_text(&self, text: &str) -> Vec<String> {
        let lower = text.to_lowercase();
        let uuids = self.uuids.iter().filter(|u| lower.contains(u.as_str()));
        let words = text.split(|c: char| !c.is_ascii_alphanumeric());
        let tokens = words
            .filter(|w| self.tokens.contains(*w))
            .map(str::to_owned);
        let texts = self.texts.iter().filter(|t| text.contains(t.as_str()));
        (uuids.chain(texts).cloned()).chain(tokens).collect()
    }
}

/// The text itself and, when it is base64 of UTF-8 text, what it decodes to.
fn decodings(text: &str) -> Vec<String> {
    let mut shown = vec![text.to_owned()];
    for engine in [&URL_SAFE_NO_PAD, &STANDARD] {
        if let Ok(bytes) = engine.decode(text)
            && let Ok(decoded) = String::from_utf8(bytes)
        {
            shown.push(decoded);
        }
    }
    shown
}
