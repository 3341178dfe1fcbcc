//! The caller's trust.

use entity::trust;
use sea_orm::{DatabaseConnection, EntityTrait};

use crate::auth::Scope;
use crate::error::ApiResult;

/// The trust of the scope, if it is known to this service.
pub async fn of_scope(db: &DatabaseConnection, scope: &Scope) -> ApiResult<Option<trust::Model>> {
    Ok(trust::Entity::find_by_id(scope.trust.clone())
        .one(db)
        .await?)
}
