//! Writing generated rows, shared by the importers and the demo: ids derived
//! from names, and bulk inserts split into statements of a safe size.

use anyhow::Context;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, IntoActiveModel};
use uuid::Uuid;

/// Rows per INSERT statement, far below SQLite's and PostgreSQL's bind limits.
const CHUNK_ROWS: usize = 500;

/// A name-based (v5) id, so the same name gives the same id on every machine.
pub(crate) fn stable_id(name: &str) -> Uuid {
    Uuid::new_v5(&Uuid::NAMESPACE_OID, name.as_bytes())
}

/// Inserts rows in statements of [`CHUNK_ROWS`], with an optional upsert rule.
pub(crate) async fn insert_chunked<A, M>(
    db: &impl ConnectionTrait,
    rows: impl IntoIterator<Item = M>,
    on_conflict: Option<&OnConflict>,
) -> anyhow::Result<()>
where
    A: ActiveModelTrait,
    M: IntoActiveModel<A>,
{
    let mut rows = rows.into_iter().map(IntoActiveModel::into_active_model);
    loop {
        let chunk: Vec<A> = rows.by_ref().take(CHUNK_ROWS).collect();
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

/// Tells the query planner about a bulk load at once, instead of waiting for
/// autovacuum: before that, PostgreSQL plans the variation query as if the
/// tables were empty and runs it ten times slower. SQLite plans without it.
pub(crate) async fn refresh_statistics(db: &impl ConnectionTrait) -> anyhow::Result<()> {
    if db.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
        // Only a table's owner may analyse it; statistics hold no rows.
        crate::db::tenant::as_admin(db.execute_unprepared("ANALYZE"))
            .await
            .context("cannot refresh statistics")?;
    }
    Ok(())
}
