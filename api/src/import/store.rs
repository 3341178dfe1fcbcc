//! Writing generated rows, shared by the importers and the demo: ids derived
//! from names, and bulk inserts split into statements of a safe size.

use anyhow::Context;
use chrono::SecondsFormat;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseBackend, EntityName, EntityTrait, IdenStatic,
    IntoActiveModel, Iterable, Statement, Value,
};
use uuid::Uuid;

/// Values bound per INSERT statement, under SQLite's limit (32,766) and
/// PostgreSQL's (65,535).
const CHUNK_VALUES: usize = 30_000;

/// Rows per upsert statement: PostgreSQL refuses one that updates a row
/// twice, so upserts keep the small chunks they were written for.
const UPSERT_ROWS: usize = 500;

/// A name-based (v5) id, so the same name gives the same id on every machine.
pub(crate) fn stable_id(name: &str) -> Uuid {
    Uuid::new_v5(&Uuid::NAMESPACE_OID, name.as_bytes())
}

/// Inserts rows in statements of up to [`CHUNK_VALUES`] bound values, with
/// an optional upsert rule. Plain inserts on PostgreSQL go as one JSON
/// document per chunk instead (see [`json_rows`]).
pub async fn insert_chunked<A, M>(
    db: &impl ConnectionTrait,
    rows: impl IntoIterator<Item = M>,
    on_conflict: Option<&OnConflict>,
) -> anyhow::Result<()>
where
    A: ActiveModelTrait,
    M: IntoActiveModel<A>,
{
    let columns = <<A::Entity as EntityTrait>::Column as Iterable>::iter().count();
    let as_json = on_conflict.is_none() && db.get_database_backend() == DatabaseBackend::Postgres;
    let bound_rows = match on_conflict {
        Some(_) => UPSERT_ROWS,
        None => CHUNK_VALUES / columns.max(1),
    };
    let chunk_rows = if as_json { JSON_ROWS } else { bound_rows };
    let mut rows = rows.into_iter().map(IntoActiveModel::into_active_model);
    loop {
        let chunk: Vec<A> = rows.by_ref().take(chunk_rows).collect();
        if chunk.is_empty() {
            return Ok(());
        }
        if as_json && let Some(statement) = json_rows(&chunk) {
            db.execute_raw(statement)
                .await
                .context("cannot write rows")?;
            continue;
        }
        // Bound value by value, in statements under the bound-value limit.
        let mut chunk = chunk.into_iter();
        loop {
            let part: Vec<A> = chunk.by_ref().take(bound_rows).collect();
            if part.is_empty() {
                break;
            }
            let mut insert = <A::Entity as EntityTrait>::insert_many(part);
            if let Some(rule) = on_conflict {
                insert = insert.on_conflict(rule.clone());
            }
            insert
                .exec_without_returning(db)
                .await
                .context("cannot write rows")?;
        }
    }
}

/// Rows per JSON document on PostgreSQL.
const JSON_ROWS: usize = 5_000;

/// One `INSERT … SELECT … FROM json_populate_recordset` for the chunk, with
/// the whole chunk bound as a single JSON value: PostgreSQL binds and plans
/// thousands of separate values several times slower than it reads them
/// from one document. `None` when a row leaves a column unset (the column's
/// default would be lost) or holds a value JSON cannot carry exactly; the
/// caller then writes the chunk the ordinary way.
fn json_rows<A: ActiveModelTrait>(chunk: &[A]) -> Option<Statement> {
    let columns: Vec<_> = <<A::Entity as EntityTrait>::Column as Iterable>::iter().collect();
    let names: Vec<&str> = columns.iter().map(|c| c.as_str()).collect();
    let mut rows = Vec::with_capacity(chunk.len());
    for model in chunk {
        let mut row = serde_json::Map::with_capacity(columns.len());
        for (column, name) in columns.iter().zip(&names) {
            let value = model.get(*column).into_value()?;
            row.insert((*name).to_owned(), json_value(value)?);
        }
        rows.push(serde_json::Value::Object(row));
    }
    let table = <A::Entity as Default>::default();
    let table = table.table_name();
    let list = names
        .iter()
        .map(|name| format!("\"{name}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "INSERT INTO \"{table}\" ({list}) SELECT {list} \
         FROM json_populate_recordset(NULL::\"{table}\", $1::json)"
    );
    let document = serde_json::Value::Array(rows).to_string();
    Some(Statement::from_sql_and_values(
        DatabaseBackend::Postgres,
        sql,
        [document.into()],
    ))
}

/// A bound value as PostgreSQL reads it from JSON text, for the value kinds
/// the entities use; `None` for any other.
fn json_value(value: Value) -> Option<serde_json::Value> {
    use serde_json::Value as Json;
    Some(match value {
        Value::Bool(v) => v.map_or(Json::Null, Json::Bool),
        Value::Int(v) => v.map_or(Json::Null, Json::from),
        Value::BigInt(v) => v.map_or(Json::Null, Json::from),
        Value::String(v) => v.map_or(Json::Null, Json::String),
        Value::Uuid(v) => v.map_or(Json::Null, |v| Json::String(v.to_string())),
        Value::ChronoDate(v) => v.map_or(Json::Null, |v| Json::String(v.to_string())),
        Value::ChronoTime(v) => v.map_or(Json::Null, |v| {
            Json::String(v.format("%H:%M:%S%.6f").to_string())
        }),
        Value::ChronoDateTimeUtc(v) => v.map_or(Json::Null, |v| {
            Json::String(v.to_rfc3339_opts(SecondsFormat::Micros, true))
        }),
        Value::Json(v) => v.map_or(Json::Null, |v| *v),
        _ => return None,
    })
}

/// Tells the query planner about a bulk load into `tables` (all of them
/// when empty) at once, instead of waiting for autovacuum: before that,
/// PostgreSQL plans the variation query as if the tables were empty and
/// runs it ten times slower. SQLite plans without it.
pub(crate) async fn refresh_statistics(
    db: &impl ConnectionTrait,
    tables: &[&str],
) -> anyhow::Result<()> {
    if db.get_database_backend() == DatabaseBackend::Postgres {
        let sql = format!("ANALYZE {}", tables.join(", "));
        // Only a table's owner may analyse it; statistics hold no rows.
        crate::db::tenant::as_admin(db.execute_unprepared(sql.trim_end()))
            .await
            .context("cannot refresh statistics")?;
    }
    Ok(())
}

/// [`refresh_statistics`] when `rows` just written to `table` are more than
/// a quarter of what its statistics last counted, or it has none. A smaller
/// load is left to autovacuum, which analyses a table once a tenth of it
/// has changed: at 1.5 million ratings, analysing after every import took
/// a third of a term's import time.
pub(crate) async fn refresh_stale_statistics(
    db: &impl ConnectionTrait,
    tables: &[&str],
    table: &str,
    rows: usize,
) -> anyhow::Result<bool> {
    if db.get_database_backend() != DatabaseBackend::Postgres {
        return Ok(false);
    }
    let sql = "SELECT CAST(reltuples AS DOUBLE PRECISION) FROM pg_class \
               WHERE oid = to_regclass($1)";
    let statement = Statement::from_sql_and_values(DatabaseBackend::Postgres, sql, [table.into()]);
    let counted = db
        .query_one_raw(statement)
        .await
        .context("cannot read the table's statistics")?
        .map(|row| row.try_get_by_index::<f64>(0))
        .transpose()?
        .unwrap_or(-1.0);
    // -1 means never analysed.
    let stale = counted < 0.0 || rows as f64 > counted / 4.0;
    if stale {
        refresh_statistics(db, tables).await?;
    }
    Ok(stale)
}
