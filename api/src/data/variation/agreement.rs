//! Pairs of ratings behind inter-rater agreement: two observers' levels for
//! the same indicator in the same visit, counted per observer pair and pair
//! of levels. A pair with the walk's lead puts the lead first; any other
//! pair is ordered by observer id, so each pair is counted once.

use sea_orm::ConnectionTrait;
use uuid::Uuid;

use super::Selection;
use super::sql::Sql;
use crate::auth::Scope;
use crate::error::ApiResult;

/// How often one observer pair gave one pair of levels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PairCount {
    pub first: Uuid,
    pub second: Uuid,
    /// Whether the first observer led the walk.
    pub first_leads: bool,
    /// Academic year and term, when counted by term.
    pub term: Option<(i32, i32)>,
    pub first_level: i32,
    pub second_level: i32,
    pub count: i64,
}

/// Visits in which one observer pair rated the same indicator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PairVisits {
    pub first: Uuid,
    pub second: Uuid,
    pub term: Option<(i32, i32)>,
    pub visits: i64,
}

/// Everything agreement is computed from.
#[derive(Debug, Clone, Default)]
pub struct Pairs {
    pub counts: Vec<PairCount>,
    pub visits: Vec<PairVisits>,
    /// Visits with at least one pair, all pairs together.
    pub total_visits: i64,
}

/// Rating pairs of submitted walks in the selection, by observer pair and
/// pair of levels, and by term when `by_term`. Three statements.
pub async fn pairs(
    db: &impl ConnectionTrait,
    scope: &Scope,
    selection: &Selection,
    by_term: bool,
) -> ApiResult<Pairs> {
    if selection.is_empty() {
        return Ok(Pairs::default());
    }
    let backend = db.get_database_backend();
    let statement = |select: &str, group: &str| {
        let mut sql = Sql::new(backend);
        let term = match by_term {
            true => format!(
                ", {} AS d_year, {} AS d_term",
                sql.academic_year(),
                sql.term()
            ),
            false => String::new(),
        };
        let term_group = match by_term {
            true => format!(", {}, {}", sql.academic_year(), sql.term()),
            false => String::new(),
        };
        let (select, group) = match group {
            "" => (select.to_owned(), String::new()),
            _ => (
                format!("{select}{term}"),
                format!(" GROUP BY {group}{term_group}"),
            ),
        };
        let joins = Sql::joins(selection.needs_indicators());
        let conditions = sql.conditions(scope, selection);
        let text = format!(
            "SELECT {select} \
             FROM ratings r {joins} \
             JOIN walk_observers wo ON wo.trust_id = w.trust_id AND wo.walk_id = w.id \
               AND wo.observer_id = r.observer_id \
             JOIN ratings r2 ON r2.trust_id = r.trust_id AND r2.visit_id = r.visit_id \
               AND r2.indicator_id = r.indicator_id AND r2.observer_id <> r.observer_id \
             JOIN walk_observers wo2 ON wo2.trust_id = w.trust_id AND wo2.walk_id = w.id \
               AND wo2.observer_id = r2.observer_id \
             WHERE {conditions} AND r.outcome = 'level' AND r2.outcome = 'level' \
               AND (wo.role = 'lead' OR (wo2.role <> 'lead' AND r.observer_id < r2.observer_id))\
             {group}"
        );
        sql.statement(text)
    };

    let rows = db
        .query_all_raw(statement(
            "r.observer_id AS first, r2.observer_id AS second, \
             CASE WHEN wo.role = 'lead' THEN 1 ELSE 0 END AS first_leads, \
             r.level AS first_level, r2.level AS second_level, COUNT(*) AS pairs",
            "r.observer_id, r2.observer_id, wo.role, r.level, r2.level",
        ))
        .await?;
    let term = |row: &sea_orm::QueryResult| -> ApiResult<Option<(i32, i32)>> {
        Ok(match by_term {
            true => Some((row.try_get("", "d_year")?, row.try_get("", "d_term")?)),
            false => None,
        })
    };
    let mut pairs = Pairs::default();
    for row in &rows {
        pairs.counts.push(PairCount {
            first: row.try_get("", "first")?,
            second: row.try_get("", "second")?,
            first_leads: row.try_get::<i32>("", "first_leads")? == 1,
            term: term(row)?,
            first_level: row.try_get("", "first_level")?,
            second_level: row.try_get("", "second_level")?,
            count: row.try_get("", "pairs")?,
        });
    }

    let rows = db
        .query_all_raw(statement(
            "r.observer_id AS first, r2.observer_id AS second, \
             COUNT(DISTINCT r.visit_id) AS visits",
            "r.observer_id, r2.observer_id",
        ))
        .await?;
    for row in &rows {
        pairs.visits.push(PairVisits {
            first: row.try_get("", "first")?,
            second: row.try_get("", "second")?,
            term: term(row)?,
            visits: row.try_get("", "visits")?,
        });
    }

    let total = db
        .query_one_raw(statement("COUNT(DISTINCT r.visit_id) AS visits", ""))
        .await?;
    pairs.total_visits = match total {
        Some(row) => row.try_get("", "visits")?,
        None => 0,
    };
    Ok(pairs)
}
