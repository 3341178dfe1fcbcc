//! The two generic batch loaders every edge uses: the rows under each key
//! (`Children`) and the one row of each key (`One`), always within one
//! trust.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Arc;

use async_graphql::dataloader::{DataLoader, HashMapCache, Loader};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder, Value,
};

/// Rows of entity `E` whose `key` column is in the batch, grouped by key.
pub struct Children<E: EntityTrait, K> {
    db: DatabaseConnection,
    trust: String,
    trust_col: E::Column,
    key_col: E::Column,
    key_of: fn(&E::Model) -> K,
    order: Vec<E::Column>,
    /// Further conditions, such as a school-scoped caller's schools.
    narrow: Condition,
}

/// The one row of entity `E` whose `key` column matches each batch key.
pub struct One<E: EntityTrait, K>(pub(super) Children<E, K>);

impl<E, K> Children<E, K>
where
    E: EntityTrait,
    K: Into<Value> + Clone + Eq + Hash + Send + Sync + 'static,
    E::Model: Sync,
{
    async fn rows(&self, keys: &[K]) -> Result<Vec<E::Model>, Arc<DbErr>> {
        let mut query = E::find()
            .filter(self.trust_col.eq(self.trust.as_str()))
            .filter(self.key_col.is_in(keys.iter().cloned()))
            .filter(self.narrow.clone());
        for column in &self.order {
            query = query.order_by_asc(*column);
        }
        query.all(&self.db).await.map_err(Arc::new)
    }
}

impl<E, K> Loader<K> for Children<E, K>
where
    E: EntityTrait + Sync,
    E::Column: Sync,
    K: Into<Value> + Clone + Eq + Hash + Send + Sync + 'static,
    E::Model: Sync,
{
    type Value = Vec<E::Model>;
    type Error = Arc<DbErr>;

    async fn load(&self, keys: &[K]) -> Result<HashMap<K, Self::Value>, Self::Error> {
        // Every key asked for gets an entry, so that a cached key without
        // rows is not asked for again.
        let mut grouped: HashMap<K, Vec<E::Model>> =
            keys.iter().map(|key| (key.clone(), Vec::new())).collect();
        for row in self.rows(keys).await? {
            grouped.entry((self.key_of)(&row)).or_default().push(row);
        }
        Ok(grouped)
    }
}

impl<E, K> Loader<K> for One<E, K>
where
    E: EntityTrait + Sync,
    E::Column: Sync,
    K: Into<Value> + Clone + Eq + Hash + Send + Sync + 'static,
    E::Model: Sync,
{
    type Value = E::Model;
    type Error = Arc<DbErr>;

    async fn load(&self, keys: &[K]) -> Result<HashMap<K, Self::Value>, Self::Error> {
        let rows = self.0.rows(keys).await?;
        Ok(rows
            .into_iter()
            .map(|row| ((self.0.key_of)(&row), row))
            .collect())
    }
}

pub type Many<E, K> = DataLoader<Children<E, K>>;
pub type Single<E, K> = DataLoader<One<E, K>>;
/// A loader that keeps what it loaded for the rest of the request, so a
/// page can load its nodes' children in one statement and feed them in.
pub type Kept<L> = DataLoader<L, HashMapCache>;

/// The most keys in one batch. A batch is one statement with a parameter
/// per key: PostgreSQL takes up to 65,535 and SQLite 32,766, and a page of
/// 100 walks with all their visits stays well below this.
const MAX_BATCH: usize = 10_000;

/// Where a request's loaders read from: one connection pool, one trust.
pub struct Source<'a> {
    pub db: &'a DatabaseConnection,
    pub trust: &'a str,
}

impl Source<'_> {
    pub fn children<E: EntityTrait, K>(
        &self,
        trust_col: E::Column,
        key_col: E::Column,
        key_of: fn(&E::Model) -> K,
        order: Vec<E::Column>,
    ) -> Children<E, K> {
        Children {
            db: self.db.clone(),
            trust: self.trust.to_owned(),
            trust_col,
            key_col,
            key_of,
            order,
            narrow: Condition::all(),
        }
    }
}

impl<E: EntityTrait, K> Children<E, K> {
    /// Also requires `condition` of every row.
    pub fn narrowed(mut self, condition: Condition) -> Self {
        self.narrow = condition;
        self
    }
}

pub fn many<E, K>(loader: Children<E, K>) -> Many<E, K>
where
    E: EntityTrait,
    Children<E, K>: Loader<K>,
    K: Send + Sync + Hash + Eq + Clone + 'static,
{
    DataLoader::new(loader, spawn).max_batch_size(MAX_BATCH)
}

pub fn one<E, K>(loader: Children<E, K>) -> Single<E, K>
where
    One<E, K>: Loader<K>,
    K: Send + Sync + Hash + Eq + Clone + 'static,
    E: EntityTrait,
{
    DataLoader::new(One(loader), spawn).max_batch_size(MAX_BATCH)
}

/// A loader that keeps its rows for the request ([`Kept`]).
pub fn kept<L: Send + Sync + 'static>(loader: L) -> Kept<L> {
    DataLoader::with_cache(loader, spawn, HashMapCache::default()).max_batch_size(MAX_BATCH)
}

/// Batches run on their own tasks, with the request's tenant access.
fn spawn<F>(batch: F) -> tokio::task::JoinHandle<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    tokio::spawn(crate::db::tenant::inherit(batch))
}
