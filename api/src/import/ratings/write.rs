//! Writing a file's ratings in few, large statements: on PostgreSQL one
//! `INSERT … SELECT … FROM UNNEST` of column arrays per chunk, on SQLite one
//! prepared multi-row `INSERT … VALUES` per chunk. Either way the SQL text
//! begins `INSERT INTO "ratings"`, which the durability test watches for.

use anyhow::Context;
use chrono::{DateTime, Utc};
use entity::RatingOutcome;
use sea_orm::sea_query::{ArrayType, Value};
use sea_orm::{ActiveEnum, ConnectionTrait, DatabaseBackend, Statement};
use uuid::Uuid;

/// One rating of the file, with its ids resolved.
pub(super) struct NewRating {
    pub visit_id: Uuid,
    pub indicator_id: Uuid,
    pub observer_id: Uuid,
    pub outcome: RatingOutcome,
    /// Set exactly when `outcome` is `Level`.
    pub level: Option<i32>,
}

const COLUMNS: &str = "INSERT INTO \"ratings\" (\"trust_id\", \"visit_id\", \"indicator_id\", \
     \"observer_id\", \"outcome\", \"level\", \"evidence\", \"recorded_at\")";

/// Rows per statement on PostgreSQL: large enough that statements are few,
/// small enough that one chunk's arrays stay a few hundred kilobytes.
const PG_ROWS: usize = 10_000;

/// Rows per statement on SQLite: 7 bound values a row, under its limit of
/// 32,766 bound values a statement.
const SQLITE_ROWS: usize = 4_000;

/// Writes `ratings` of `trust`, all recorded at `recorded_at`, with no
/// evidence.
pub(super) async fn insert_ratings(
    db: &impl ConnectionTrait,
    trust: &str,
    recorded_at: DateTime<Utc>,
    ratings: &[NewRating],
) -> anyhow::Result<()> {
    let backend = db.get_database_backend();
    let rows = match backend {
        DatabaseBackend::Postgres => PG_ROWS,
        _ => SQLITE_ROWS,
    };
    for chunk in ratings.chunks(rows) {
        let statement = match backend {
            DatabaseBackend::Postgres => unnest(trust, recorded_at, chunk),
            _ => values(backend, trust, recorded_at, chunk),
        };
        db.execute_raw(statement)
            .await
            .context("cannot write ratings")?;
    }
    Ok(())
}

/// One statement for the chunk on PostgreSQL: five arrays, whatever the
/// chunk's length. Arrays hold no NULLs: a level is kept only where the
/// outcome is a level.
fn unnest(trust: &str, recorded_at: DateTime<Utc>, chunk: &[NewRating]) -> Statement {
    let array = |ty: ArrayType, values: Vec<Value>| Value::Array(ty, Some(Box::new(values)));
    let uuids = |id: fn(&NewRating) -> Uuid| {
        let values = chunk.iter().map(|r| Value::from(id(r))).collect();
        array(ArrayType::Uuid, values)
    };
    let outcomes = chunk.iter().map(|r| r.outcome.to_value().into()).collect();
    let levels = chunk.iter().map(|r| r.level.unwrap_or(0).into()).collect();
    let values = vec![
        trust.into(),
        recorded_at.into(),
        RatingOutcome::Level.to_value().into(),
        uuids(|r| r.visit_id),
        uuids(|r| r.indicator_id),
        uuids(|r| r.observer_id),
        array(ArrayType::String, outcomes),
        array(ArrayType::Int, levels),
    ];
    let sql = format!(
        "{COLUMNS} SELECT $1, r.visit_id, r.indicator_id, r.observer_id, r.outcome, \
         CASE WHEN r.outcome = $3 THEN r.level END, NULL, $2 \
         FROM UNNEST($4::uuid[], $5::uuid[], $6::uuid[], $7::text[], $8::int4[]) \
         AS r(visit_id, indicator_id, observer_id, outcome, level)"
    );
    Statement::from_sql_and_values(DatabaseBackend::Postgres, sql, values)
}

/// One multi-row statement for the chunk on SQLite; chunks of the same
/// length share their SQL text, so the connection prepares it once.
fn values(
    backend: DatabaseBackend,
    trust: &str,
    recorded_at: DateTime<Utc>,
    chunk: &[NewRating],
) -> Statement {
    // Anonymous placeholders only: SQLite looks each numbered one up in a
    // list of those seen, which grows quadratic over thousands of them.
    let row = "(?, ?, ?, ?, ?, ?, NULL, ?)";
    let mut sql = String::with_capacity(COLUMNS.len() + 8 + chunk.len() * (row.len() + 2));
    sql.push_str(COLUMNS);
    sql.push_str(" VALUES ");
    let mut values: Vec<Value> = Vec::with_capacity(chunk.len() * 7);
    for (n, r) in chunk.iter().enumerate() {
        if n > 0 {
            sql.push_str(", ");
        }
        sql.push_str(row);
        values.extend([
            trust.into(),
            r.visit_id.into(),
            r.indicator_id.into(),
            r.observer_id.into(),
            r.outcome.to_value().into(),
            r.level.into(),
            recorded_at.into(),
        ]);
    }
    Statement::from_sql_and_values(backend, sql, values)
}
