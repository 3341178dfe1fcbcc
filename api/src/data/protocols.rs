//! Protocol versions of the caller's trust. Every school of a trust may
//! read its protocols, so school-scoped callers see them too.

use entity::{focus_area, indicator, protocol, scale_level};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::auth::Scope;
use crate::error::ApiResult;

pub async fn list(db: &impl ConnectionTrait, scope: &Scope) -> ApiResult<Vec<protocol::Model>> {
    Ok(protocol::Entity::find()
        .filter(protocol::Column::TrustId.eq(scope.trust.as_str()))
        .order_by_asc(protocol::Column::Key)
        .order_by_asc(protocol::Column::Version)
        .all(db)
        .await?)
}

pub async fn by_id(
    db: &impl ConnectionTrait,
    scope: &Scope,
    id: Uuid,
) -> ApiResult<Option<protocol::Model>> {
    Ok(protocol::Entity::find_by_id((scope.trust.clone(), id))
        .one(db)
        .await?)
}

/// A protocol version with everything needed to check ratings against it.
pub struct ProtocolRules {
    pub protocol: protocol::Model,
    pub levels: Vec<i32>,
    pub focus_areas: Vec<focus_area::Model>,
    pub indicators: Vec<indicator::Model>,
}

pub async fn rules(
    db: &impl ConnectionTrait,
    scope: &Scope,
    id: Uuid,
) -> ApiResult<Option<ProtocolRules>> {
    let Some(protocol) = by_id(db, scope, id).await? else {
        return Ok(None);
    };
    let levels = scale_level::Entity::find()
        .filter(scale_level::Column::TrustId.eq(scope.trust.as_str()))
        .filter(scale_level::Column::ProtocolId.eq(id))
        .all(db)
        .await?
        .into_iter()
        .map(|level| level.value)
        .collect();
    let focus_areas = focus_area::Entity::find()
        .filter(focus_area::Column::TrustId.eq(scope.trust.as_str()))
        .filter(focus_area::Column::ProtocolId.eq(id))
        .all(db)
        .await?;
    let indicators = indicator::Entity::find()
        .filter(indicator::Column::TrustId.eq(scope.trust.as_str()))
        .filter(indicator::Column::ProtocolId.eq(id))
        .all(db)
        .await?;
    Ok(Some(ProtocolRules {
        protocol,
        levels,
        focus_areas,
        indicators,
    }))
}
