//! One cell of figures, and the key that says what it covers.

use async_graphql::{Context, Object, Result, SimpleObject};
use entity::Lens as StoredLens;
use sea_orm::ActiveEnum;

use super::super::protocol::Lens;
use super::super::school::School;
use super::super::{loaders, one};
use super::Term;
use crate::analytics::report::GroupCell;
use crate::data::variation::Key;
use crate::metrics::Cell;
use crate::metrics::terms::{self, Term as AcademicTerm};

/// How many ratings gave one level.
#[derive(SimpleObject)]
pub struct LevelCount {
    pub level: i32,
    pub count: i64,
}

/// Figures for one cell: the whole selection, a school, a group, or a school
/// within a group. Only the walk lead's ratings count.
pub struct VariationCell(pub GroupCell);

impl VariationCell {
    pub fn whole(cell: Cell) -> VariationCell {
        VariationCell(GroupCell {
            school_urn: None,
            key: Key::default(),
            cell,
        })
    }

    fn cell(&self) -> &Cell {
        &self.0.cell
    }

    /// A count, withheld from a school-scoped caller when the cell includes
    /// other schools.
    fn count(&self, value: i64) -> Option<i64> {
        (!self.cell().pattern_only).then_some(value)
    }
}

/// A readable name for a group, e.g. "English · KS3" or "Autumn 2025/26".
fn label(key: &Key) -> String {
    let year = key.academic_year.map(terms::year_label);
    let term = key
        .term
        .and_then(AcademicTerm::from_number)
        .map(AcademicTerm::name);
    let key_stage = key.key_stage.as_ref().map(|k| match k.as_str() {
        "" => "key stage not recorded",
        k => k,
    });
    let lens = key.lens.as_deref().map(|lens| match lens {
        "consistency" => "Consistency",
        "fidelity" => "Fidelity",
        "pupil_experience" => "Pupil experience",
        "safeguarding_routines" => "Safeguarding and routines",
        other => other,
    });
    let parts = [
        lens.map(str::to_owned),
        key.focus_area.clone(),
        key.indicator.clone(),
        key.subject.clone(),
        key_stage.map(str::to_owned),
        match (term, year) {
            (Some(term), Some(year)) => Some(format!("{term} {year}")),
            (None, year) => year,
            (Some(term), None) => Some(term.to_owned()),
        },
    ];
    let parts: Vec<String> = parts.into_iter().flatten().collect();
    match parts.is_empty() {
        true => "All".to_owned(),
        false => parts.join(" · "),
    }
}

#[Object]
impl VariationCell {
    /// The school; null unless the cells are per school.
    async fn school(&self, ctx: &Context<'_>) -> Result<Option<School>> {
        let Some(urn) = self.0.school_urn else {
            return Ok(None);
        };
        Ok(Some(School(
            one(&loaders(ctx).school, urn, "school of a cell").await?,
        )))
    }

    /// What the cell covers besides the school, e.g. "English · KS3".
    async fn label(&self) -> String {
        label(&self.0.key)
    }

    /// Set when grouped by lens.
    async fn lens(&self) -> Option<Lens> {
        let stored = self.0.key.lens.as_ref()?;
        StoredLens::try_from_value(stored).ok().map(Into::into)
    }

    /// Focus area key, matched across versions; set when grouped by focus area.
    async fn focus_area(&self) -> Option<&str> {
        self.0.key.focus_area.as_deref()
    }

    /// Indicator code, matched across versions; set when grouped by indicator.
    async fn indicator_code(&self) -> Option<&str> {
        self.0.key.indicator.as_deref()
    }

    /// Set when grouped by subject.
    async fn subject(&self) -> Option<&str> {
        self.0.key.subject.as_deref()
    }

    /// Set when grouped by key stage; empty when visits did not record one.
    async fn key_stage(&self) -> Option<&str> {
        self.0.key.key_stage.as_deref()
    }

    /// Academic year by the calendar year it starts in (2025 for 2025/26);
    /// set when grouped by term or academic year.
    async fn academic_year(&self) -> Option<i32> {
        self.0.key.academic_year
    }

    /// Set when grouped by term.
    async fn term(&self) -> Option<Term> {
        self.0
            .key
            .term
            .and_then(AcademicTerm::from_number)
            .map(Into::into)
    }

    /// Ratings with a level. Null, like the other counts, when the cell
    /// includes schools a school-scoped caller may not see: such a caller
    /// gets the trust pattern as rates rounded to two places.
    async fn n(&self) -> Option<i64> {
        self.count(self.cell().counts.n)
    }

    /// Visits with at least one level counted here; cells with fewer than
    /// the trust's minimum are suppressed.
    async fn visits(&self) -> Option<i64> {
        self.count(self.cell().counts.visits)
    }

    /// Schools with at least one visit counted here.
    async fn schools(&self) -> Option<i64> {
        self.count(self.cell().schools)
    }

    /// Indicators marked not observed; they do not enter rates.
    async fn not_observed(&self) -> Option<i64> {
        self.count(self.cell().counts.not_observed)
    }

    /// Indicators marked not applicable; they do not enter rates.
    async fn not_applicable(&self) -> Option<i64> {
        self.count(self.cell().counts.not_applicable)
    }

    /// Mean level; null when suppressed or without levels.
    async fn mean(&self) -> Option<f64> {
        self.cell().mean
    }

    /// Share of levels at or above the secure threshold; null when
    /// suppressed or without levels.
    async fn secure_rate(&self) -> Option<f64> {
        self.cell().secure_rate
    }

    /// Ratings per level of the scale, lowest first; null when suppressed.
    async fn levels(&self) -> Option<Vec<LevelCount>> {
        let levels = self.cell().levels.as_ref()?;
        Some(
            (levels.iter())
                .map(|&(level, count)| LevelCount { level, count })
                .collect(),
        )
    }

    /// True when the cell's values are withheld so a small group cannot be
    /// singled out.
    async fn suppressed(&self) -> bool {
        self.cell().suppressed
    }

    /// Why the values are withheld, when they are.
    async fn suppression_reason(&self) -> Option<&str> {
        self.cell().suppression_reason.as_deref()
    }
}
