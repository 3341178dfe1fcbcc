//! Inter-rater agreement from a table of level pairs: exact and adjacent
//! agreement and Cohen's kappa with quadratic weights.

use std::collections::BTreeMap;

/// How often each pair of levels was given, first observer's level first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table(BTreeMap<(i32, i32), i64>);

/// Agreement over a table's pairs; ratios are null without pairs, kappa
/// also when every rating had one level.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Agreement {
    pub pairs: i64,
    pub exact: Option<f64>,
    /// Within one level, exact included.
    pub adjacent: Option<f64>,
    pub weighted_kappa: Option<f64>,
}

impl Table {
    pub fn add(&mut self, first: i32, second: i32, count: i64) {
        *self.0.entry((first, second)).or_default() += count;
    }

    pub fn merge(&mut self, other: &Table) {
        for (&(first, second), &count) in &other.0 {
            self.add(first, second, count);
        }
    }

    pub fn agreement(&self) -> Agreement {
        let pairs: i64 = self.0.values().sum();
        if pairs == 0 {
            return Agreement {
                pairs,
                exact: None,
                adjacent: None,
                weighted_kappa: None,
            };
        }
        let total = pairs as f64;
        let share = |keep: fn(i64) -> bool| {
            let hits: i64 = (self.0.iter())
                .filter(|((a, b), _)| keep(i64::from(*a) - i64::from(*b)))
                .map(|(_, count)| count)
                .sum();
            hits as f64 / total
        };

        let mut firsts: BTreeMap<i32, i64> = BTreeMap::new();
        let mut seconds: BTreeMap<i32, i64> = BTreeMap::new();
        for (&(a, b), &count) in &self.0 {
            *firsts.entry(a).or_default() += count;
            *seconds.entry(b).or_default() += count;
        }
        let weight = |a: i32, b: i32| f64::from(a - b).powi(2);
        let observed: f64 = (self.0.iter())
            .map(|(&(a, b), &count)| weight(a, b) * count as f64)
            .sum::<f64>()
            / total;
        let expected: f64 = (firsts.iter())
            .flat_map(|(&a, &ra)| {
                (seconds.iter()).map(move |(&b, &cb)| weight(a, b) * (ra * cb) as f64)
            })
            .sum::<f64>()
            / (total * total);
        Agreement {
            pairs,
            exact: Some(share(|d| d == 0)),
            adjacent: Some(share(|d| d.abs() <= 1)),
            weighted_kappa: (expected > 0.0).then(|| 1.0 - observed / expected),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kappa_matches_a_worked_example() {
        // Levels (1,1) ×2, (2,2), (1,2), (3,1): observed mean weight
        // (0+0+0+1+4)/5 = 1; marginals first {1:3,2:1,3:1}, second {1:3,2:2};
        // expected Σ r·c·w / 25 = (3·2·1 + 1·3·1 + 1·3·4 + 1·2·1) / 25 = 0.92.
        let mut table = Table::default();
        table.add(1, 1, 2);
        table.add(2, 2, 1);
        table.add(1, 2, 1);
        table.add(3, 1, 1);
        let agreement = table.agreement();
        assert_eq!(agreement.pairs, 5);
        assert_eq!(agreement.exact, Some(0.6));
        assert_eq!(agreement.adjacent, Some(0.8));
        let kappa = agreement.weighted_kappa.expect("varied levels");
        assert!((kappa - (1.0 - 1.0 / 0.92)).abs() < 1e-12);
    }

    #[test]
    fn one_level_throughout_has_no_kappa() {
        let mut table = Table::default();
        table.add(3, 3, 4);
        assert_eq!(table.agreement().weighted_kappa, None);
    }
}
