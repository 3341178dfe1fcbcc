//! The variation report: counts from SQL folded into cells under the scope's
//! rules, with the school comparison beside them.

use std::collections::BTreeMap;

use sea_orm::ConnectionTrait;

use super::filter::Resolved;
use crate::auth::Scope;
use crate::data::variation::{self, Dimension, Key, Row};
use crate::error::ApiResult;
use crate::metrics::funnel::{self, Placement, Spread};
use crate::metrics::{Cell, Counts, trust_cell_for_scope};

/// What cells the report is split into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grouping {
    /// One cell for everything selected.
    Trust,
    School,
    By(Dimension),
    /// School × a dimension.
    SchoolBy(Dimension),
}

/// One cell: a school and/or a group of the dimension.
#[derive(Debug, Clone)]
pub struct GroupCell {
    pub school_urn: Option<i32>,
    pub key: Key,
    pub cell: Cell,
}

/// One school against the trust pattern.
#[derive(Debug, Clone)]
pub struct SchoolPlace {
    pub school_urn: i32,
    pub cell: Cell,
    /// Null when the school or the trust figure is suppressed.
    pub placement: Option<Placement>,
}

/// Schools against the trust's secure rate.
#[derive(Debug, Clone)]
pub struct Comparison {
    pub trust_rate: Option<f64>,
    /// The schools the caller may name.
    pub schools: Vec<SchoolPlace>,
    /// Between-school spread; `None` for school-scoped callers, for whom
    /// the extremes would name another school's figure.
    pub spread: Option<Spread>,
}

#[derive(Debug, Clone)]
pub struct Report {
    pub resolved: Resolved,
    /// The whole selection; `None` when not asked for.
    pub trust: Option<Cell>,
    pub cells: Vec<GroupCell>,
    /// `None` when not asked for.
    pub comparison: Option<Comparison>,
}

/// Sums rows (all of one group) into counts and per-level counts.
fn sum(rows: &[&Row], levels: &[i32]) -> (Counts, Vec<(i32, i64)>) {
    let counts = crate::metrics::total(rows.iter().map(|r| &r.counts));
    let per_level = (levels.iter().enumerate())
        .map(|(i, level)| (*level, rows.iter().map(|r| r.levels[i]).sum()))
        .collect();
    (counts, per_level)
}

/// The cell of a group of rows across schools, under the scope's rules.
fn across_schools(rows: &[&Row], scope: &Scope, resolved: &Resolved) -> Cell {
    let levels = &resolved.selection.levels;
    let min = resolved.min_cell_size;
    let (counts, per_level) = sum(rows, levels);
    let counted = |rows: &[&Row]| rows.iter().filter(|r| r.counts.visits > 0).count() as i64;
    let schools = counted(rows);
    if scope.schools.is_none() {
        return Cell::new(counts, per_level, schools, min);
    }
    let others: Vec<&Row> = (rows.iter().copied())
        .filter(|r| !scope.sees_school(r.school_urn))
        .collect();
    let (rest, _) = sum(&others, levels);
    let cell = trust_cell_for_scope(counts, per_level, schools, rest, counted(&others), min);
    cell.as_pattern()
}

/// One school's own cell.
fn own(row: &Row, resolved: &Resolved) -> Cell {
    let levels = &resolved.selection.levels;
    let per_level = levels
        .iter()
        .copied()
        .zip(row.levels.iter().copied())
        .collect();
    Cell::new(row.counts, per_level, 1, resolved.min_cell_size)
}

/// The trust cell and the school comparison, from per-school counts.
fn totals(by_school: &[Row], scope: &Scope, resolved: &Resolved) -> (Cell, Comparison) {
    let all: Vec<&Row> = by_school.iter().collect();
    let trust = across_schools(&all, scope, resolved);
    let trust_rate = trust.secure_rate;
    let schools: Vec<SchoolPlace> = (by_school.iter())
        .filter(|row| scope.sees_school(row.school_urn))
        .map(|row| {
            let cell = own(row, resolved);
            let placement = match (cell.secure_rate, trust_rate) {
                (Some(rate), Some(p)) => funnel::place(rate, cell.counts.n, p),
                _ => None,
            };
            SchoolPlace {
                school_urn: row.school_urn,
                cell,
                placement,
            }
        })
        .collect();
    let spread = scope.schools.is_none().then(|| {
        let rates: Vec<f64> = schools.iter().filter_map(|s| s.cell.secure_rate).collect();
        funnel::spread(&rates)
    });
    let comparison = Comparison {
        trust_rate,
        schools,
        spread,
    };
    (trust, comparison)
}

/// The cells of a grouping by a dimension: one statement.
async fn grouped(
    db: &impl ConnectionTrait,
    scope: &Scope,
    resolved: &Resolved,
    dimension: Dimension,
    per_school: bool,
) -> ApiResult<Vec<GroupCell>> {
    let rows = variation::counts(db, scope, &resolved.selection, Some(dimension)).await?;
    if per_school {
        let cells = (rows.iter())
            .filter(|row| scope.sees_school(row.school_urn))
            .map(|row| GroupCell {
                school_urn: Some(row.school_urn),
                key: row.key.clone(),
                cell: own(row, resolved),
            })
            .collect();
        return Ok(cells);
    }
    let mut groups: BTreeMap<&Key, Vec<&Row>> = BTreeMap::new();
    for row in &rows {
        groups.entry(&row.key).or_default().push(row);
    }
    Ok((groups.into_iter())
        .map(|(key, rows)| GroupCell {
            school_urn: None,
            key: key.clone(),
            cell: across_schools(&rows, scope, resolved),
        })
        .collect())
}

/// Builds the report: one statement for the per-school counts, needed for
/// the trust cell, the comparison and per-school cells, and one more when
/// the grouping has a dimension. With `with_totals` false a grouping by a
/// dimension skips the per-school statement and has no totals.
pub async fn build(
    db: &impl ConnectionTrait,
    scope: &Scope,
    resolved: Resolved,
    grouping: Grouping,
    with_totals: bool,
) -> ApiResult<Report> {
    let dimension = match grouping {
        Grouping::By(d) | Grouping::SchoolBy(d) => Some(d),
        Grouping::Trust | Grouping::School => None,
    };
    // The two statements run side by side, each on its own connection.
    let totals = async {
        if !(with_totals || dimension.is_none()) {
            return Ok(None);
        }
        let by_school = variation::counts(db, scope, &resolved.selection, None).await?;
        Ok(Some(totals(&by_school, scope, &resolved)))
    };
    let grouped = async {
        match grouping {
            Grouping::By(d) => grouped(db, scope, &resolved, d, false).await.map(Some),
            Grouping::SchoolBy(d) => grouped(db, scope, &resolved, d, true).await.map(Some),
            Grouping::Trust | Grouping::School => Ok(None),
        }
    };
    let (totals, grouped) = tokio::try_join!(totals, grouped)?;
    let cells = match (grouped, &totals) {
        (Some(cells), _) => cells,
        (None, Some((trust, _))) if grouping == Grouping::Trust => vec![GroupCell {
            school_urn: None,
            key: Key::default(),
            cell: trust.clone(),
        }],
        (None, Some((_, comparison))) => (comparison.schools.iter())
            .map(|s| GroupCell {
                school_urn: Some(s.school_urn),
                key: Key::default(),
                cell: s.cell.clone(),
            })
            .collect(),
        (None, None) => Vec::new(),
    };
    let (trust, comparison) = totals.unzip();
    Ok(Report {
        resolved,
        trust,
        cells,
        comparison,
    })
}
