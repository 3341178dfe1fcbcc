//! Writing generated rows, shared by the importers and the demo: ids derived
//! from names, and bulk inserts split into statements of a safe size.

use anyhow::Context;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, IntoActiveModel, Iterable};
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
/// an optional upsert rule.
pub(crate) async fn insert_chunked<A, M>(
    db: &impl ConnectionTrait,
    rows: impl IntoIterator<Item = M>,
    on_conflict: Option<&OnConflict>,
) -> anyhow::Result<()>
where
    A: ActiveModelTrait,
    M: IntoActiveModel<A>,
{
    let columns = <<A::Entity as EntityTrait>::Column as Iterable>::iter().count();
    let chunk_rows = match on_conflict {
        Some(_) => UPSERT_ROWS,
        None => CHUNK_VALUES / columns.max(1),
    };
    let mut rows = rows.into_iter().map(IntoActiveModel::into_active_model);
    loop {
        let chunk: Vec<A> = rows.by_ref().take(chunk_rows).collect();
        if chunk.is_empty() {
            return Ok(());
        }

        let mut insert = <A::Entity as EntityTrait>::insert_many(chunk);
        if let Some(rule) = on_conflict {
            insert = insert.on_conflict(rule.clone());
        }
        insert
            .exec_without_returning(db)
            .await
            .context("cannot write rows")?;
    }
}

/// Tells the query planner about a bulk load into `tables` (all of them
/// when empty) at once, instead of waiting for autovacuum: before that,
/// PostgreSQL plans the variation query as if the tables were empty and
/// runs it ten times slower. SQLite plans without it.
pub(crate) async fn refresh_statistics(
    db: &impl ConnectionTrait,
    tables: &[&str],
) -> anyhow::Result<()> {
    if db.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
        let sql = format!("ANALYZE {}", tables.join(", "));
        // Only a table's owner may analyse it; statistics hold no rows.
        crate::db::tenant::as_admin(db.execute_unprepared(sql.trim_end()))
            .await
            .context("cannot refresh statistics")?;
    }
    Ok(())
}
