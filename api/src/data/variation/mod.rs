//! Counts behind the variation figures, grouped in SQL: one row per school
//! and value of a dimension, holding integer counts only. Only the walk
//! lead's ratings of submitted (or since debriefed or closed) walks count.

pub mod agreement;
pub mod coverage;
mod sql;

use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, QueryResult};
use uuid::Uuid;

use crate::auth::Scope;
use crate::error::ApiResult;
use crate::metrics::Counts;
use sql::Sql;

/// What the figures cover, resolved to ids and dates.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Protocol versions; one, or every version of one protocol, whose
    /// indicators then match by code.
    pub protocols: Vec<Uuid>,
    /// Levels of the versions' scales, lowest first.
    pub levels: Vec<i32>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// A lens as stored (`consistency`, `pupil_experience`…).
    pub lens: Option<String>,
    /// A focus area key.
    pub focus_area: Option<String>,
    pub indicator_codes: Vec<String>,
    pub subjects: Vec<String>,
    pub key_stages: Vec<String>,
    /// Only these schools; `None` for every school of the trust.
    pub schools: Option<Vec<i32>>,
}

impl Selection {
    /// True when nothing can match, so no statement is needed.
    fn is_empty(&self) -> bool {
        self.protocols.is_empty() || self.schools.as_ref().is_some_and(Vec::is_empty)
    }

    fn needs_indicators(&self) -> bool {
        self.lens.is_some() || self.focus_area.is_some() || !self.indicator_codes.is_empty()
    }
}

/// What figures can be grouped by, besides the school.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dimension {
    Lens,
    FocusArea,
    Indicator,
    Subject,
    KeyStage,
    Term,
    AcademicYear,
}

impl Dimension {
    fn needs_indicators(self) -> bool {
        matches!(
            self,
            Dimension::Lens | Dimension::FocusArea | Dimension::Indicator
        )
    }
}

/// The group a row of counts belongs to; fields outside the grouping are
/// `None`. A key stage that was not recorded is the empty string.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Key {
    pub lens: Option<String>,
    pub focus_area: Option<String>,
    pub indicator: Option<String>,
    pub subject: Option<String>,
    pub key_stage: Option<String>,
    pub academic_year: Option<i32>,
    /// 1 autumn, 2 spring, 3 summer.
    pub term: Option<i32>,
}

/// Counts of one school in one group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub school_urn: i32,
    pub key: Key,
    pub counts: Counts,
    /// Ratings at each level of [`Selection::levels`], in that order.
    pub levels: Vec<i64>,
}

/// Counts per school of the scope's trust, and per value of `dimension` when
/// given, ordered by school and group. Every school of the trust is
/// counted, whatever the scope's school list: trust-wide figures need them,
/// and the caller decides which schools it may name.
pub async fn counts(
    db: &impl ConnectionTrait,
    scope: &Scope,
    selection: &Selection,
    dimension: Option<Dimension>,
) -> ApiResult<Vec<Row>> {
    if selection.is_empty() {
        return Ok(Vec::new());
    }
    let statement = counts_statement(db.get_database_backend(), scope, selection, dimension);
    let rows = db.query_all_raw(statement).await?;
    let mut rows = (rows.iter())
        .map(|row| read_row(row, dimension, &selection.levels))
        .collect::<ApiResult<Vec<Row>>>()?;
    rows.sort_by(|a, b| (a.school_urn, &a.key).cmp(&(b.school_urn, &b.key)));
    Ok(rows)
}

/// The statement [`counts`] runs, for benchmarks that run it directly.
// TODO: reads both observers' ratings of each visit to keep the lead's
// (`ratings_pkey` has `indicator_id` before `observer_id`); an index on
// (trust_id, visit_id, observer_id) would halve the reads but cost every
// import (docs/plans.md).
pub fn counts_statement(
    backend: sea_orm::DatabaseBackend,
    scope: &Scope,
    selection: &Selection,
    dimension: Option<Dimension>,
) -> sea_orm::Statement {
    let indicators =
        selection.needs_indicators() || dimension.is_some_and(Dimension::needs_indicators);
    let mut sql = Sql::for_lead_ratings(backend, indicators);
    let group = match dimension {
        None => String::new(),
        Some(Dimension::Lens) => sql.indicator("lens"),
        Some(Dimension::FocusArea) => sql.indicator("key"),
        Some(Dimension::Indicator) => sql.indicator("code"),
        Some(Dimension::Subject) => "v.subject".to_owned(),
        Some(Dimension::KeyStage) => "COALESCE(v.key_stage, '')".to_owned(),
        Some(Dimension::Term) => format!("{}, {}", sql.academic_year(), sql.term()),
        Some(Dimension::AcademicYear) => sql.academic_year(),
    };
    let (select, group_by, keys) = match dimension {
        None => (String::new(), String::new(), ""),
        Some(Dimension::Term) => (
            format!(
                ", {} AS d_year, {} AS d_term",
                sql.academic_year(),
                sql.term()
            ),
            format!(", {group}"),
            ", d_year, d_term",
        ),
        Some(_) => (
            format!(", {group} AS d_key"),
            format!(", {group}"),
            ", d_key",
        ),
    };
    // No value is bound before the FROM clause, so reading it first keeps
    // the bound values in the order of the text.
    let (with, from, threshold) = sql.lead_ratings(scope, selection, indicators);
    let counted = |name: &str, when: &str| {
        let inner = format!(", SUM(CASE WHEN {when} THEN 1 ELSE 0 END) AS {name}");
        let outer = format!(", CAST(SUM({name}) AS BIGINT) AS {name}");
        (inner, outer)
    };
    let mut columns = vec![
        counted("n", "r.outcome = 'level'"),
        counted(
            "secure",
            &format!("r.outcome = 'level' AND r.level >= {threshold}"),
        ),
        counted("not_observed", "r.outcome = 'not_observed'"),
        counted("not_applicable", "r.outcome = 'not_applicable'"),
        (
            ", SUM(CASE WHEN r.outcome = 'level' THEN r.level ELSE 0 END) AS level_sum".into(),
            ", CAST(SUM(level_sum) AS BIGINT) AS level_sum".into(),
        ),
    ];
    for l in &selection.levels {
        let name = format!("level_{}", l.unsigned_abs());
        columns.push(counted(
            &name,
            &format!("r.outcome = 'level' AND r.level = {l}"),
        ));
    }
    let (inner, outer): (String, String) = columns.into_iter().unzip();
    // A group that holds whole visits (a school, subject, key stage, term or
    // year) is counted per visit first, then per group: its visits are the
    // per-visit rows with a level, with no COUNT(DISTINCT) and its sort. A
    // group that splits visits (lens, focus area, indicator) has nearly a
    // row per rating at the first step, so it counts distinct visits once.
    let text = match dimension.is_some_and(Dimension::needs_indicators) {
        false => format!(
            "{with} SELECT school_urn{keys}, \
               CAST(SUM(CASE WHEN n > 0 THEN 1 ELSE 0 END) AS BIGINT) AS visits{outer} \
             FROM (SELECT w.school_urn AS school_urn{select}, r.visit_id AS visit_id{inner} \
               {from} GROUP BY w.school_urn{group_by}, r.visit_id) per_visit \
             GROUP BY school_urn{keys}"
        ),
        true => format!(
            "{with} SELECT w.school_urn AS school_urn{select}, \
               COUNT(DISTINCT CASE WHEN r.outcome = 'level' THEN r.visit_id END) AS visits\
               {inner} \
             {from} GROUP BY w.school_urn{group_by}"
        ),
    };
    sql.statement(text)
}

fn read_row(row: &QueryResult, dimension: Option<Dimension>, levels: &[i32]) -> ApiResult<Row> {
    let count = |name: &str| row.try_get::<i64>("", name);
    let text = || row.try_get::<String>("", "d_key").map(Some);
    let mut key = Key::default();
    match dimension {
        None => {}
        Some(Dimension::Lens) => key.lens = text()?,
        Some(Dimension::FocusArea) => key.focus_area = text()?,
        Some(Dimension::Indicator) => key.indicator = text()?,
        Some(Dimension::Subject) => key.subject = text()?,
        Some(Dimension::KeyStage) => key.key_stage = text()?,
        Some(Dimension::AcademicYear) => key.academic_year = Some(row.try_get("", "d_key")?),
        Some(Dimension::Term) => {
            key.academic_year = Some(row.try_get("", "d_year")?);
            key.term = Some(row.try_get("", "d_term")?);
        }
    }
    let counts = Counts {
        n: count("n")?,
        visits: count("visits")?,
        level_sum: count("level_sum")?,
        secure: count("secure")?,
        not_observed: count("not_observed")?,
        not_applicable: count("not_applicable")?,
    };
    let levels = (levels.iter())
        .map(|l| count(&format!("level_{}", l.unsigned_abs())))
        .collect::<Result<_, _>>()?;
    Ok(Row {
        school_urn: row.try_get("", "school_urn")?,
        key,
        counts,
        levels,
    })
}
