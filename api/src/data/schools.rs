//! Schools visible to the caller.

use entity::school::{self, Column};
use sea_orm::sea_query::{Expr, ExprTrait, Func};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    Select,
};

use crate::auth::Scope;
use crate::data::keyset::{self, Key, Keyset, Kind, Page, Window};
use crate::error::ApiResult;

/// Optional filters on the school list; text matches ignore case.
#[derive(Debug, Default)]
pub struct SchoolFilter {
    pub phase: Option<String>,
    pub local_authority: Option<String>,
}

/// The schools of the scope: its trust, narrowed to its schools if it has any.
pub fn in_scope(scope: &Scope) -> Condition {
    let trust = Condition::all().add(Column::TrustId.eq(scope.trust.as_str()));
    match &scope.schools {
        Some(urns) => trust.add(Column::Urn.is_in(urns.iter().copied())),
        None => trust,
    }
}

/// The schools of the scope, as a query.
pub fn visible(scope: &Scope) -> Select<school::Entity> {
    school::Entity::find().filter(in_scope(scope))
}

/// The school list, by name and then URN.
pub const LIST: Keyset<school::Model> = Keyset {
    list: "schools",
    kinds: &[Kind::Text, Kind::Int],
    descending: false,
    key: |school| vec![Key::Text(school.name.clone()), Key::Int(school.urn)],
};

fn filtered(scope: &Scope, filter: &SchoolFilter) -> ApiResult<Select<school::Entity>> {
    let mut query = visible(scope);
    for (column, wanted) in [
        (Column::Phase, &filter.phase),
        (Column::LocalAuthority, &filter.local_authority),
    ] {
        if let Some(wanted) = wanted {
            crate::data::text::plain("filter", wanted, false)?;
            let lowered = Func::lower(Expr::col(column));
            query = query.filter(Expr::expr(lowered).eq(wanted.to_lowercase()));
        }
    }
    Ok(query)
}

/// Every school of the scope that matches `filter`, by name.
pub async fn list(
    db: &impl ConnectionTrait,
    scope: &Scope,
    filter: &SchoolFilter,
) -> ApiResult<Vec<school::Model>> {
    let query = filtered(scope, filter)?;
    Ok(query.order_by_asc(Column::Name).all(db).await?)
}

/// One page of the schools of the scope that match `filter`.
pub async fn page(
    db: &impl ConnectionTrait,
    scope: &Scope,
    filter: &SchoolFilter,
    window: &Window,
) -> ApiResult<Page<school::Model>> {
    let columns = [Column::Name, Column::Urn];
    keyset::page(db, filtered(scope, filter)?, &LIST, &columns, window).await
}

/// The schools of the scope, only `urns` if given (a report's schools).
pub async fn among(
    db: &impl ConnectionTrait,
    scope: &Scope,
    urns: Option<&[i32]>,
) -> ApiResult<Vec<school::Model>> {
    let mut query = visible(scope);
    if let Some(urns) = urns {
        query = query.filter(Column::Urn.is_in(urns.iter().copied()));
    }
    Ok(query.all(db).await?)
}

pub async fn by_urn(
    db: &impl ConnectionTrait,
    scope: &Scope,
    urn: i32,
) -> ApiResult<Option<school::Model>> {
    Ok(visible(scope).filter(Column::Urn.eq(urn)).one(db).await?)
}

/// Whether the scope's trust exists and every school a school-scoped
/// token names belongs to it (one statement either way).
pub async fn scope_holds(db: &impl ConnectionTrait, scope: &Scope) -> ApiResult<bool> {
    let Some(urns) = &scope.schools else {
        let trust = entity::trust::Entity::find_by_id(scope.trust.as_str());
        return Ok(trust.count(db).await? == 1);
    };
    let mut urns = urns.clone();
    urns.sort_unstable();
    urns.dedup();
    let found = school::Entity::find()
        .filter(school::Column::TrustId.eq(scope.trust.as_str()))
        .filter(school::Column::Urn.is_in(urns.iter().copied()))
        .count(db)
        .await?;
    Ok(found == urns.len() as u64)
}
