//! Protocol versions of the caller's trust. Every school of a trust may
//! read its protocols, so school-scoped callers see them too.

use entity::{ProtocolStatus, focus_area, indicator, protocol, scale_level, trust};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, JoinType, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait,
};
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

/// The versions a figure covers.
#[derive(Clone, Copy)]
pub enum Versions<'a> {
    /// One version, by id.
    Id(Uuid),
    /// Every published or retired version of the protocol with this key.
    Key(&'a str),
}

/// The versions a figure covers, oldest first, with their scale levels and
/// the trust's smallest reported cell.
pub struct Covered {
    pub versions: Vec<protocol::Model>,
    /// Each version's id beside each of its levels.
    pub levels: Vec<(Uuid, i32)>,
    pub min_cell_size: i32,
}

/// What a figure covers, in one statement: the versions joined to the
/// trust and to their levels, a row per level. `None` when no version (or
/// no trust) matches.
pub async fn covered(
    db: &impl ConnectionTrait,
    scope: &Scope,
    which: Versions<'_>,
) -> ApiResult<Option<Covered>> {
    // Join conditions, not relations of the entities.
    let of_trust = protocol::Entity::belongs_to(trust::Entity)
        .from(protocol::Column::TrustId)
        .to(trust::Column::Uid);
    let its_levels = protocol::Entity::belongs_to(scale_level::Entity)
        .from((protocol::Column::TrustId, protocol::Column::Id))
        .to((
            scale_level::Column::TrustId,
            scale_level::Column::ProtocolId,
        ));
    let query = protocol::Entity::find()
        .join(JoinType::InnerJoin, of_trust.into())
        .join(JoinType::LeftJoin, its_levels.into())
        .column_as(trust::Column::MinCellSize, "covered_min_cell_size")
        .column_as(scale_level::Column::Value, "covered_level")
        .filter(protocol::Column::TrustId.eq(scope.trust.as_str()));
    let query = match which {
        Versions::Id(id) => query.filter(protocol::Column::Id.eq(id)),
        Versions::Key(key) => query
            .filter(protocol::Column::Key.eq(key))
            .filter(protocol::Column::Status.ne(ProtocolStatus::Draft)),
    };
    let query = query.order_by_asc(protocol::Column::Version);
    let rows = db
        .query_all_raw(query.build(db.get_database_backend()))
        .await?;
    let mut covered = Covered {
        versions: Vec::new(),
        levels: Vec::new(),
        min_cell_size: 0,
    };
    for row in &rows {
        let version = protocol::Model::from_query_result(row, "")?;
        covered.min_cell_size = row.try_get("", "covered_min_cell_size")?;
        if let Some(level) = row.try_get::<Option<i32>>("", "covered_level")? {
            covered.levels.push((version.id, level));
        }
        if covered
            .versions
            .last()
            .is_none_or(|last| last.id != version.id)
        {
            covered.versions.push(version);
        }
    }
    Ok((!covered.versions.is_empty()).then_some(covered))
}
