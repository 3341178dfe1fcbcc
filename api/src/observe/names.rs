//! Label values a client can influence, kept to a bounded set so that a
//! hostile client cannot grow the metrics without end.

use std::collections::HashSet;
use std::sync::Mutex;

/// The label value that stands for every name past the bound.
pub const OTHER: &str = "other";

/// Whether `name` is a GraphQL name of at most 64 characters:
/// `[A-Za-z_][A-Za-z0-9_]{0,63}`.
pub fn is_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    let first_ok = bytes
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_');
    first_ok && name.len() <= 64 && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// The first `limit` distinct names seen; later ones fold into [`OTHER`].
// Known limit: slots go first come, first served until restart, so a
// client that fills them early leaves later legitimate names in `other`.
pub struct BoundedNames {
    limit: usize,
    seen: Mutex<HashSet<String>>,
}

impl BoundedNames {
    pub fn new(limit: usize) -> BoundedNames {
        BoundedNames {
            limit,
            seen: Mutex::default(),
        }
    }

    /// `name` itself while it is a valid name among the first `limit`
    /// distinct ones, else [`OTHER`].
    pub fn label(&self, name: &str) -> String {
        if !is_name(name) {
            return OTHER.to_owned();
        }
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        if seen.contains(name) {
            return name.to_owned();
        }
        if seen.len() < self.limit {
            seen.insert(name.to_owned());
            return name.to_owned();
        }
        OTHER.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_graphql_grammar_up_to_64_characters() {
        assert!(is_name("WalksPage"));
        assert!(is_name("_x9"));
        assert!(is_name(&"a".repeat(64)));
        assert!(!is_name(&"a".repeat(65)));
        assert!(!is_name(""));
        assert!(!is_name("9lives"));
        assert!(!is_name("walks page"));
        assert!(!is_name("naïve"));
    }

    #[test]
    fn names_past_the_limit_fold_into_other() {
        let names = BoundedNames::new(2);
        assert_eq!(names.label("A"), "A");
        assert_eq!(names.label("B"), "B");
        assert_eq!(names.label("C"), OTHER);
        assert_eq!(names.label("A"), "A");
        assert_eq!(names.label("not a name"), OTHER);
    }
}
