//! Walks: which a caller may see, and listing and reading them. Planning
//! lives in `create`, status changes in `lifecycle`.

mod create;
mod lifecycle;
mod team;
mod upsert;

use chrono::NaiveDate;
use entity::WalkStatus;
use entity::walk::{self, Column};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Select,
};
use uuid::Uuid;

use crate::auth::Scope;
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

/// Position in the walk list, which runs newest date first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WalkCursor {
    pub date: NaiveDate,
    pub id: Uuid,
}

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

/// Up to `limit` walks after `after`, and whether more follow.
pub async fn page(
    db: &DatabaseConnection,
    scope: &Scope,
    filter: &WalkFilter,
    after: Option<WalkCursor>,
    limit: u64,
) -> ApiResult<(Vec<walk::Model>, bool)> {
    let mut query = filtered(scope, filter);
    if let Some(cursor) = after {
        query = query.filter(
            Condition::any().add(Column::WalkDate.lt(cursor.date)).add(
                Condition::all()
                    .add(Column::WalkDate.eq(cursor.date))
                    .add(Column::Id.lt(cursor.id)),
            ),
        );
    }
    let mut walks = query
        .order_by_desc(Column::WalkDate)
        .order_by_desc(Column::Id)
        .limit(limit + 1)
        .all(db)
        .await?;
    let more = walks.len() as u64 > limit;
    walks.truncate(limit as usize);
    Ok((walks, more))
}

pub async fn count(db: &DatabaseConnection, scope: &Scope, filter: &WalkFilter) -> ApiResult<u64> {
    Ok(filtered(scope, filter).count(db).await?)
}
