//! Walks: which a caller may see, and listing and reading them. Planning
//! lives in `create`, status changes in `lifecycle`.

mod create;
mod lifecycle;
mod team;
mod upsert;

use chrono::NaiveDate;
use entity::walk::{self, Column};
use entity::{ObserverRole, WalkStatus};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, Select,
};
use uuid::Uuid;

use crate::auth::Scope;
use crate::data::keyset::{self, Key, Keyset, Kind, Page, Window};
use crate::error::ApiResult;

pub use create::{NewObserver, NewWalk, create, upsert_observers};
pub use lifecycle::{
    cancel, claim_for_amendment, claim_open, close, status_name, submit, transition,
};
pub use team::ensure_on_team;
pub use upsert::{MAX_EXTERNAL_ID, external_id, upsert};

/// Optional filters on the walk list.
#[derive(Debug, Default)]
pub struct WalkFilter {
    pub school_urn: Option<i32>,
    pub protocol_id: Option<Uuid>,
    pub status: Option<WalkStatus>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

fn newest_first(walk: &walk::Model) -> Vec<Key> {
    vec![Key::Date(walk.walk_date), Key::Uuid(walk.id)]
}

/// The walk list, newest date first.
pub const LIST: Keyset<walk::Model> = Keyset {
    list: "walks",
    kinds: &[Kind::Date, Kind::Uuid],
    descending: true,
    key: newest_first,
};

/// An observer's walks, each with their role on it, newest date first.
pub const OF_OBSERVER: Keyset<(ObserverRole, walk::Model)> = Keyset {
    list: LIST.list,
    kinds: LIST.kinds,
    descending: LIST.descending,
    key: |(_, walk)| newest_first(walk),
};

/// Walks of the scope: its trust, narrowed to its schools if it has any.
pub fn in_scope(scope: &Scope) -> Condition {
    let trust = Condition::all().add(Column::TrustId.eq(scope.trust.as_str()));
    match &scope.schools {
        Some(urns) => trust.add(Column::SchoolUrn.is_in(urns.iter().copied())),
        None => trust,
    }
}

/// The walks of the scope.
pub fn visible(scope: &Scope) -> Select<walk::Entity> {
    walk::Entity::find().filter(in_scope(scope))
}

fn filtered(scope: &Scope, filter: &WalkFilter) -> Select<walk::Entity> {
    let mut query = visible(scope);
    if let Some(urn) = filter.school_urn {
        query = query.filter(Column::SchoolUrn.eq(urn));
    }
    if let Some(id) = filter.protocol_id {
        query = query.filter(Column::ProtocolId.eq(id));
    }
    if let Some(status) = filter.status {
        query = query.filter(Column::Status.eq(status));
    }
    if let Some(from) = filter.from {
        query = query.filter(Column::WalkDate.gte(from));
    }
    if let Some(to) = filter.to {
        query = query.filter(Column::WalkDate.lte(to));
    }
    query
}

pub async fn by_id(
    db: &impl ConnectionTrait,
    scope: &Scope,
    id: Uuid,
) -> ApiResult<Option<walk::Model>> {
    Ok(visible(scope).filter(Column::Id.eq(id)).one(db).await?)
}

/// One page of the walks of the scope that match `filter`.
pub async fn page(
    db: &DatabaseConnection,
    scope: &Scope,
    filter: &WalkFilter,
    window: &Window,
) -> ApiResult<Page<walk::Model>> {
    let columns = [Column::WalkDate, Column::Id];
    keyset::page(db, filtered(scope, filter), &LIST, &columns, window).await
}
