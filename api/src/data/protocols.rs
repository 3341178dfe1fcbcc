//! Protocol versions of the caller's trust. Every school of a trust may
//! read its protocols, so school-scoped callers see them too.

use entity::{focus_area, indicator, protocol, scale_level};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::auth::Scope;
use crate::data::keyset::{self, Key, Keyset, Kind, Page, Window};
use crate::error::ApiResult;

/// The protocol list, by key and then version.
pub const LIST: Keyset<protocol::Model> = Keyset {
    list: "protocols",
    kinds: &[Kind::Text, Kind::Int],
    descending: false,
    key: |p| vec![Key::Text(p.key.clone()), Key::Int(p.version)],
};

/// One page of the protocol versions of the scope's trust.
pub async fn page(
    db: &impl ConnectionTrait,
    scope: &Scope,
    window: &Window,
) -> ApiResult<Page<protocol::Model>> {
    let query = protocol::Entity::find().filter(protocol::Column::TrustId.eq(scope.trust.as_str()));
    let columns = [protocol::Column::Key, protocol::Column::Version];
    keyset::page(db, query, &LIST, &columns, window).await
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
