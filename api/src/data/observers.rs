//! The people of a trust who take part in walks.

use entity::observer;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use crate::auth::Scope;
use crate::error::ApiResult;

/// The trust's observers by display name. Observers are people of the
/// trust, so school-scoped callers see them too; their walks stay scoped.
pub async fn list(db: &DatabaseConnection, scope: &Scope) -> ApiResult<Vec<observer::Model>> {
    Ok(observer::Entity::find()
        .filter(observer::Column::TrustId.eq(scope.trust.as_str()))
        .order_by_asc(observer::Column::DisplayName)
        .order_by_asc(observer::Column::Reference)
        .all(db)
        .await?)
}
