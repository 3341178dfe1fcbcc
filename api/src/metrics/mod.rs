//! The arithmetic of the variation figures, kept in one place so SQLite and
//! PostgreSQL results are identical: SQL returns integer counts and sums,
//! and every ratio is taken here.

pub mod agreement;
pub mod funnel;
pub mod terms;

/// Integer counts for one cell, as SQL returns them. Only the walk lead's
/// ratings are counted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Ratings with a level.
    pub n: i64,
    /// Distinct visits with at least one level counted.
    pub visits: i64,
    /// Sum of the levels.
    pub level_sum: i64,
    /// Ratings at or above the secure threshold.
    pub secure: i64,
    pub not_observed: i64,
    pub not_applicable: i64,
}

impl std::ops::Add for Counts {
    type Output = Counts;

    fn add(self, other: Counts) -> Counts {
        Counts {
            n: self.n + other.n,
            visits: self.visits + other.visits,
            level_sum: self.level_sum + other.level_sum,
            secure: self.secure + other.secure,
            not_observed: self.not_observed + other.not_observed,
            not_applicable: self.not_applicable + other.not_applicable,
        }
    }
}

/// One cell's figures, suppressed when it has too few visits.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub counts: Counts,
    pub schools: i64,
    /// Ratings per level, lowest level first; `None` when suppressed.
    pub levels: Option<Vec<(i32, i64)>>,
    pub mean: Option<f64>,
    pub secure_rate: Option<f64>,
    pub suppressed: bool,
    pub suppression_reason: Option<String>,
    /// Counts and levels withheld, rates rounded: a cell that includes
    /// schools a school-scoped caller may not see (see [`Cell::as_pattern`]).
    pub pattern_only: bool,
}

impl Cell {
    /// Figures for `counts` over `schools` schools, suppressed below
    /// `min_cell_size` visits.
    // Known limit: a trust-wide caller can still subtract the other cells
    // of a grouping from the trust total to recover a suppressed one; such
    // callers may read the walks themselves, so only display is protected.
    pub fn new(counts: Counts, levels: Vec<(i32, i64)>, schools: i64, min_cell_size: i32) -> Cell {
        if counts.visits < i64::from(min_cell_size) {
            return Cell {
                counts,
                schools,
                levels: None,
                mean: None,
                secure_rate: None,
                suppressed: true,
                pattern_only: false,
                // No count here: a caller shown only the trust pattern
                // must not read the cell's size from its reason.
                suppression_reason: Some(format!(
                    "fewer than {min_cell_size} visits: values are withheld so a \
                     small group cannot be singled out"
                )),
            };
        }
        let ratio = |part: i64| (counts.n > 0).then(|| part as f64 / counts.n as f64);
        Cell {
            counts,
            schools,
            levels: Some(levels),
            mean: ratio(counts.level_sum),
            secure_rate: ratio(counts.secure),
            suppressed: false,
            suppression_reason: None,
            pattern_only: false,
        }
    }

    /// The cell as a school-scoped caller may see a figure that includes
    /// other schools: the trust pattern only. Counts, levels and the number
    /// of schools are withheld and rates rounded to two places, so that
    /// subtracting two answers (two filters, two groupings, or the same
    /// query before and after a new walk) cannot isolate another school.
    pub fn as_pattern(self) -> Cell {
        let round = |v: f64| (v * 100.0).round() / 100.0;
        Cell {
            levels: None,
            mean: self.mean.map(round),
            secure_rate: self.secure_rate.map(round),
            pattern_only: true,
            ..self
        }
    }
}

/// Sums counts.
pub fn total<'a>(counts: impl IntoIterator<Item = &'a Counts>) -> Counts {
    counts
        .into_iter()
        .fold(Counts::default(), |sum, c| sum + *c)
}

/// The trust-wide cell for a caller limited to some schools. Subtracting
/// their own figures from the trust's must not single out another school,
/// so the cell is withheld unless the rest of the trust is at least two
/// schools with at least `min_cell_size` visits between them.
pub fn trust_cell_for_scope(
    all: Counts,
    levels: Vec<(i32, i64)>,
    schools: i64,
    others: Counts,
    other_schools: i64,
    min_cell_size: i32,
) -> Cell {
    let cell = Cell::new(all, levels, schools, min_cell_size);
    if cell.suppressed || (other_schools >= 2 && others.visits >= i64::from(min_cell_size)) {
        return cell;
    }
    Cell {
        levels: None,
        mean: None,
        secure_rate: None,
        suppressed: true,
        suppression_reason: Some(
            "the rest of the trust is too small for its schools to stay anonymous beside \
             yours: values are withheld"
                .to_owned(),
        ),
        ..cell
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_with_enough_visits_has_its_mean_and_secure_rate() {
        let counts = Counts {
            n: 8,
            visits: 5,
            level_sum: 22,
            secure: 5,
            ..Counts::default()
        };
        let cell = Cell::new(counts, vec![(1, 3), (4, 5)], 1, 5);
        assert_eq!(cell.mean, Some(2.75));
        assert_eq!(cell.secure_rate, Some(0.625));
        assert!(!cell.suppressed);
    }

    #[test]
    fn a_cell_below_the_minimum_size_keeps_counts_and_withholds_values() {
        let counts = Counts {
            n: 8,
            visits: 4,
            level_sum: 22,
            secure: 5,
            ..Counts::default()
        };
        let cell = Cell::new(counts, vec![(1, 3), (4, 5)], 1, 5);
        assert_eq!((cell.mean, cell.secure_rate), (None, None));
        assert_eq!(cell.counts.n, 8);
        assert!(cell.suppressed);
    }
}
