//! Deterministic randomness for the demo: each school draws from its own
//! seeded stream, so the demo's figures are the same on every machine.

use chrono::{Datelike, Days, NaiveDate, Weekday};

const SEED: u64 = 0x5EED_2025_0901;

/// SplitMix64, hand-written rather than taken from a crate so the demo's
/// figures are identical on every machine and independent of crate versions.
pub(super) struct SplitMix64(u64);

impl SplitMix64 {
    /// The stream of one school, so its walks do not depend on the others.
    pub(super) fn for_school(urn: i32) -> Self {
        Self(SEED ^ u64::from(urn.unsigned_abs()))
    }

    /// A stream named by `seed` and `parts`: the same parts always give the
    /// same stream, whatever was drawn elsewhere.
    pub(super) fn stream(seed: u64, parts: &[u64]) -> Self {
        let mut state = seed;
        for part in parts {
            state = Self(state ^ part.wrapping_mul(0xD1B5_4A32_D192_ED03)).next_u64();
        }
        Self(state)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A whole number in `0..n`.
    pub(super) fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    /// A number in `[0, 1)`.
    pub(super) fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Roughly standard normal: the sum of twelve uniforms, less six.
    pub(super) fn normal(&mut self) -> f64 {
        (0..12).map(|_| self.unit()).sum::<f64>() - 6.0
    }

    /// A weekday within `days` days of `from`.
    pub(super) fn school_day(&mut self, from: NaiveDate, days: u64) -> NaiveDate {
        let day = from + Days::new(self.below(days));
        match day.weekday() {
            Weekday::Sat => day + Days::new(2),
            Weekday::Sun => day + Days::new(1),
            _ => day,
        }
    }
}
