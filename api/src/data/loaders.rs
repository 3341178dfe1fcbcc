//! DataLoaders for every parent → child edge, built per request with the
//! caller's trust so a batch can never reach another tenant's rows.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Arc;

use async_graphql::dataloader::{DataLoader, Loader};
use entity::{
    action, audit_event, debrief, focus_area, indicator, observer, protocol, rating, scale_level,
    school, visit, walk_focus_area, walk_observer,
};
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder, Value,
};
use uuid::Uuid;

use crate::auth::Scope;

/// Rows of entity `E` whose `key` column is in the batch, grouped by key.
pub struct Children<E: EntityTrait, K> {
    db: DatabaseConnection,
    trust: String,
    trust_col: E::Column,
    key_col: E::Column,
    key_of: fn(&E::Model) -> K,
    order: Vec<E::Column>,
}

/// The one row of entity `E` whose `key` column matches each batch key.
pub struct One<E: EntityTrait, K>(Children<E, K>);

impl<E, K> Children<E, K>
where
    E: EntityTrait,
    K: Into<Value> + Clone + Eq + Hash + Send + Sync + 'static,
    E::Model: Sync,
{
    async fn rows(&self, keys: &[K]) -> Result<Vec<E::Model>, Arc<DbErr>> {
        let mut query = E::find()
            .filter(self.trust_col.eq(self.trust.as_str()))
            .filter(self.key_col.is_in(keys.iter().cloned()));
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
        let mut grouped: HashMap<K, Vec<E::Model>> = HashMap::new();
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

type Many<E, K> = DataLoader<Children<E, K>>;
type Single<E, K> = DataLoader<One<E, K>>;

/// Every loader of one request.
pub struct Loaders {
    pub school: Single<school::Entity, i32>,
    pub protocol: Single<protocol::Entity, Uuid>,
    pub levels_of_protocol: Many<scale_level::Entity, Uuid>,
    pub focus_areas_of_protocol: Many<focus_area::Entity, Uuid>,
    pub focus_area: Single<focus_area::Entity, Uuid>,
    pub indicators_of_focus_area: Many<indicator::Entity, Uuid>,
    pub indicator: Single<indicator::Entity, Uuid>,
    pub observer: Single<observer::Entity, Uuid>,
    pub observers_of_walk: Many<walk_observer::Entity, Uuid>,
    pub focus_areas_of_walk: Many<walk_focus_area::Entity, Uuid>,
    pub visits_of_walk: Many<visit::Entity, Uuid>,
    pub ratings_of_visit: Many<rating::Entity, Uuid>,
    pub audit_of_walk: Many<audit_event::Entity, Uuid>,
    pub debrief_of_walk: Single<debrief::Entity, Uuid>,
    pub actions_of_walk: Many<action::Entity, Uuid>,
}

impl Loaders {
    pub fn new(db: &DatabaseConnection, scope: &Scope) -> Loaders {
        let source = Source {
            db,
            trust: &scope.trust,
        };
        Loaders {
            school: one(source.children(
                school::Column::TrustId,
                school::Column::Urn,
                |row: &school::Model| row.urn,
                vec![],
            )),
            protocol: one(source.children(
                protocol::Column::TrustId,
                protocol::Column::Id,
                |row: &protocol::Model| row.id,
                vec![],
            )),
            levels_of_protocol: many(source.children(
                scale_level::Column::TrustId,
                scale_level::Column::ProtocolId,
                |row: &scale_level::Model| row.protocol_id,
                vec![scale_level::Column::Value],
            )),
            focus_areas_of_protocol: many(source.children(
                focus_area::Column::TrustId,
                focus_area::Column::ProtocolId,
                |row: &focus_area::Model| row.protocol_id,
                vec![focus_area::Column::Position],
            )),
            focus_area: one(source.children(
                focus_area::Column::TrustId,
                focus_area::Column::Id,
                |row: &focus_area::Model| row.id,
                vec![],
            )),
            indicators_of_focus_area: many(source.children(
                indicator::Column::TrustId,
                indicator::Column::FocusAreaId,
                |row: &indicator::Model| row.focus_area_id,
                vec![indicator::Column::Position],
            )),
            indicator: one(source.children(
                indicator::Column::TrustId,
                indicator::Column::Id,
                |row: &indicator::Model| row.id,
                vec![],
            )),
            observer: one(source.children(
                observer::Column::TrustId,
                observer::Column::Id,
                |row: &observer::Model| row.id,
                vec![],
            )),
            observers_of_walk: many(source.children(
                walk_observer::Column::TrustId,
                walk_observer::Column::WalkId,
                |row: &walk_observer::Model| row.walk_id,
                vec![
                    walk_observer::Column::Role,
                    walk_observer::Column::ObserverId,
                ],
            )),
            focus_areas_of_walk: many(source.children(
                walk_focus_area::Column::TrustId,
                walk_focus_area::Column::WalkId,
                |row: &walk_focus_area::Model| row.walk_id,
                vec![walk_focus_area::Column::FocusAreaId],
            )),
            visits_of_walk: many(source.children(
                visit::Column::TrustId,
                visit::Column::WalkId,
                |row: &visit::Model| row.walk_id,
                vec![visit::Column::CreatedAt, visit::Column::Id],
            )),
            ratings_of_visit: many(source.children(
                rating::Column::TrustId,
                rating::Column::VisitId,
                |row: &rating::Model| row.visit_id,
                vec![rating::Column::IndicatorId, rating::Column::ObserverId],
            )),
            audit_of_walk: many(source.children(
                audit_event::Column::TrustId,
                audit_event::Column::WalkId,
                |row: &audit_event::Model| row.walk_id.unwrap_or_default(),
                vec![audit_event::Column::OccurredAt, audit_event::Column::Id],
            )),
            debrief_of_walk: one(source.children(
                debrief::Column::TrustId,
                debrief::Column::WalkId,
                |row: &debrief::Model| row.walk_id,
                vec![],
            )),
            actions_of_walk: many(source.children(
                action::Column::TrustId,
                action::Column::WalkId,
                |row: &action::Model| row.walk_id,
                vec![action::Column::DueOn, action::Column::Id],
            )),
        }
    }
}

/// Where a request's loaders read from: one connection pool, one trust.
struct Source<'a> {
    db: &'a DatabaseConnection,
    trust: &'a str,
}

impl Source<'_> {
    fn children<E: EntityTrait, K>(
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
        }
    }
}

fn many<E, K>(loader: Children<E, K>) -> Many<E, K>
where
    E: EntityTrait,
    Children<E, K>: Loader<K>,
    K: Send + Sync + Hash + Eq + Clone + 'static,
{
    DataLoader::new(loader, tokio::spawn)
}

fn one<E, K>(loader: Children<E, K>) -> Single<E, K>
where
    One<E, K>: Loader<K>,
    K: Send + Sync + Hash + Eq + Clone + 'static,
    E: EntityTrait,
{
    DataLoader::new(One(loader), tokio::spawn)
}
