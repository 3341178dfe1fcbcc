//! Counts behind the variation figures, grouped in SQL.

use chrono::NaiveDate;
use entity::protocol;
use sea_orm::{ConnectionTrait, DatabaseBackend, Statement, Value};

use crate::auth::Scope;
use crate::error::ApiResult;
use crate::metrics::Counts;

/// Lead ratings of submitted (or since debriefed or closed) walks on `protocol`, optionally within dates,
/// counted per school of the scope's trust. Every school of the trust is
/// returned, whatever the scope's school list: trust-wide figures need
/// them, and the caller decides which schools it may name.
pub async fn counts_by_school(
    db: &impl ConnectionTrait,
    scope: &Scope,
    protocol: &protocol::Model,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> ApiResult<Vec<(i32, Counts)>> {
    let backend = db.get_database_backend();
    let mut values: Vec<Value> = vec![
        protocol.secure_threshold.into(),
        scope.trust.clone().into(),
        protocol.id.into(),
    ];
    let mut dates = String::new();
    for (bound, op) in [(from, ">="), (to, "<=")] {
        if let Some(date) = bound {
            values.push(date.into());
            dates.push_str(&format!(
                " AND w.walk_date {op} {}",
                placeholder(backend, values.len())
            ));
        }
    }
    let sql = format!(
        "SELECT w.school_urn AS school_urn, \
           COUNT(DISTINCT r.visit_id) AS visits, \
           SUM(CASE WHEN r.outcome = 'level' THEN 1 ELSE 0 END) AS n, \
           SUM(CASE WHEN r.outcome = 'level' THEN r.level ELSE 0 END) AS level_sum, \
           SUM(CASE WHEN r.outcome = 'level' AND r.level >= {threshold} THEN 1 ELSE 0 END) \
             AS secure, \
           SUM(CASE WHEN r.outcome = 'not_observed' THEN 1 ELSE 0 END) AS not_observed, \
           SUM(CASE WHEN r.outcome = 'not_applicable' THEN 1 ELSE 0 END) AS not_applicable \
         FROM ratings r \
         JOIN visits v ON v.trust_id = r.trust_id AND v.id = r.visit_id \
         JOIN walks w ON w.trust_id = v.trust_id AND w.id = v.walk_id \
         JOIN walk_observers wo ON wo.trust_id = w.trust_id AND wo.walk_id = w.id \
           AND wo.observer_id = r.observer_id \
         WHERE r.trust_id = {trust} AND w.protocol_id = {protocol} \
           AND w.status IN ('submitted', 'debriefed', 'closed') AND wo.role = 'lead'{dates} \
         GROUP BY w.school_urn ORDER BY w.school_urn",
        threshold = placeholder(backend, 1),
        trust = placeholder(backend, 2),
        protocol = placeholder(backend, 3),
    );
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(backend, sql, values))
        .await?;
    rows.iter()
        .map(|row| {
            let get = |name: &str| row.try_get::<i64>("", name);
            let counts = Counts {
                n: get("n")?,
                visits: get("visits")?,
                level_sum: get("level_sum")?,
                secure: get("secure")?,
                not_observed: get("not_observed")?,
                not_applicable: get("not_applicable")?,
            };
            Ok((row.try_get::<i32>("", "school_urn")?, counts))
        })
        .collect()
}

/// The `n`th bind placeholder in the backend's syntax.
fn placeholder(backend: DatabaseBackend, n: usize) -> String {
    match backend {
        DatabaseBackend::Postgres => format!("${n}"),
        _ => "?".to_owned(),
    }
}
