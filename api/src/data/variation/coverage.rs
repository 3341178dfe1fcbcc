//! Counts behind coverage: visits per school, term, subject and key stage,
//! the focus areas rated, and what the trust has recorded at any time.

use sea_orm::ConnectionTrait;

use super::Selection;
use super::sql::{COUNTED_STATES, Sql};
use crate::auth::Scope;
use crate::error::ApiResult;

/// Visits of one school in one term, subject and key stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisitCount {
    pub school_urn: i32,
    pub academic_year: i32,
    pub term: i32,
    pub subject: String,
    /// Empty when not recorded.
    pub key_stage: String,
    pub visits: i64,
}

/// Visits of submitted walks in the selection (its lens, focus area and
/// indicator filters do not apply to visits).
pub async fn visits(
    db: &impl ConnectionTrait,
    scope: &Scope,
    selection: &Selection,
) -> ApiResult<Vec<VisitCount>> {
    let selection = Selection {
        lens: None,
        focus_area: None,
        indicator_codes: Vec::new(),
        ..selection.clone()
    };
    if selection.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new(db.get_database_backend());
    let (year, term) = (sql.academic_year(), sql.term());
    let conditions = sql.conditions(scope, &selection);
    let text = format!(
        "SELECT w.school_urn AS school_urn, {year} AS d_year, {term} AS d_term, \
           v.subject AS subject, COALESCE(v.key_stage, '') AS key_stage, \
           COUNT(*) AS visits \
         FROM visits v JOIN walks w ON w.trust_id = v.trust_id AND w.id = v.walk_id \
         WHERE {conditions} \
         GROUP BY w.school_urn, {year}, {term}, v.subject, COALESCE(v.key_stage, '')"
    );
    let rows = db.query_all_raw(sql.statement(text)).await?;
    rows.iter()
        .map(|row| {
            Ok(VisitCount {
                school_urn: row.try_get("", "school_urn")?,
                academic_year: row.try_get("", "d_year")?,
                term: row.try_get("", "d_term")?,
                subject: row.try_get("", "subject")?,
                key_stage: row.try_get("", "key_stage")?,
                visits: row.try_get("", "visits")?,
            })
        })
        .collect()
}

/// Every subject and key stage the trust has recorded on any counted walk
/// in the scope's schools, the universe coverage gaps are taken from.
pub async fn recorded(
    db: &impl ConnectionTrait,
    scope: &Scope,
) -> ApiResult<(Vec<String>, Vec<String>)> {
    if scope.schools.as_ref().is_some_and(Vec::is_empty) {
        return Ok((Vec::new(), Vec::new()));
    }
    let mut sql = Sql::new(db.get_database_backend());
    let trust = sql.bind(scope.trust.clone());
    let schools = match &scope.schools {
        None => String::new(),
        Some(urns) => {
            let marks: Vec<String> = urns.iter().map(|u| sql.bind(*u)).collect();
            format!(" AND w.school_urn IN ({})", marks.join(", "))
        }
    };
    let text = format!(
        "SELECT DISTINCT v.subject AS subject, COALESCE(v.key_stage, '') AS key_stage \
         FROM visits v JOIN walks w ON w.trust_id = v.trust_id AND w.id = v.walk_id \
         WHERE w.trust_id = {trust} AND w.status IN {COUNTED_STATES}{schools}"
    );
    let rows = db.query_all_raw(sql.statement(text)).await?;
    let mut subjects = Vec::new();
    let mut key_stages = Vec::new();
    for row in &rows {
        subjects.push(row.try_get::<String>("", "subject")?);
        key_stages.push(row.try_get::<String>("", "key_stage")?);
    }
    subjects.sort();
    subjects.dedup();
    key_stages.retain(|k| !k.is_empty());
    key_stages.sort();
    key_stages.dedup();
    Ok((subjects, key_stages))
}
