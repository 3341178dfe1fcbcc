//! Scopes found to hold a moment ago: the trust exists and a school-scoped
//! token's schools are the trust's. A client's requests then skip that
//! check, one statement each, for a few seconds. Only answers that held are
//! kept, so a token for a trust that does not exist is refused every time;
//! a trust removed or a school moved to another trust is honoured for at
//! most the configured seconds after the change.
//!
//! Written by hand: a map under a mutex, held for a lookup or an insert.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::Scope;

/// Scopes kept at most; past it, expired ones go, then all of them.
const CAPACITY: usize = 10_000;

pub struct HeldScopes {
    keep: Duration,
    seen: Mutex<HashMap<Key, Instant>>,
}

/// A scope, its schools sorted and without repeats.
#[derive(Hash, PartialEq, Eq)]
struct Key(String, Option<Vec<i32>>);

impl Key {
    fn of(scope: &Scope) -> Key {
        let schools = scope.schools.as_ref().map(|urns| {
            let mut urns = urns.clone();
            urns.sort_unstable();
            urns.dedup();
            urns
        });
        Key(scope.trust.clone(), schools)
    }
}

impl HeldScopes {
    /// Keeps answers for `seconds`; 0 keeps none.
    pub fn new(seconds: u64) -> HeldScopes {
        HeldScopes {
            keep: Duration::from_secs(seconds),
            seen: Mutex::default(),
        }
    }

    /// Whether `scope` held less than the kept seconds ago.
    pub fn holds(&self, scope: &Scope) -> bool {
        if self.keep.is_zero() {
            return false;
        }
        let seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        seen.get(&Key::of(scope))
            .is_some_and(|at| at.elapsed() < self.keep)
    }

    /// Notes that `scope` holds now.
    pub fn held(&self, scope: &Scope) {
        if self.keep.is_zero() {
            return;
        }
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        if seen.len() >= CAPACITY {
            seen.retain(|_, at| at.elapsed() < self.keep);
            if seen.len() >= CAPACITY {
                seen.clear();
            }
        }
        seen.insert(Key::of(scope), Instant::now());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope(trust: &str, schools: Option<Vec<i32>>) -> Scope {
        Scope {
            trust: trust.to_owned(),
            schools,
        }
    }

    #[test]
    fn only_a_scope_that_held_is_kept_and_schools_match_as_a_set() {
        let held = HeldScopes::new(60);
        let a = scope("2516", Some(vec![2, 1, 2]));
        assert!(!held.holds(&a));
        held.held(&a);
        assert!(held.holds(&scope("2516", Some(vec![1, 2]))));
        assert!(!held.holds(&scope("2516", Some(vec![1]))));
        assert!(!held.holds(&scope("2516", None)));
        assert!(!held.holds(&scope("3111", Some(vec![1, 2]))));
    }

    #[test]
    fn nothing_is_kept_at_zero_seconds() {
        let held = HeldScopes::new(0);
        let a = scope("2516", None);
        held.held(&a);
        assert!(!held.holds(&a));
    }
}
