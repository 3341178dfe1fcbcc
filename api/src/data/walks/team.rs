//! Who is on a walk's team, for callers who write only as observers.

use entity::{observer, walk_observer};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};

/// Fails when the caller writes only as an observer and is not on the walk.
pub async fn ensure_on_team(
    txn: &impl ConnectionTrait,
    caller: &Caller,
    walk_id: Uuid,
) -> ApiResult<()> {
    if !caller.observer_only() {
        return Ok(());
    }
    let trust = caller.scope.trust.as_str();
    let me = observer::Entity::find()
        .filter(observer::Column::TrustId.eq(trust))
        .filter(observer::Column::Reference.eq(caller.subject.as_str()))
        .one(txn)
        .await?;
    let on_walk = match me {
        None => false,
        Some(me) => walk_observer::Entity::find()
            .filter(walk_observer::Column::TrustId.eq(trust))
            .filter(walk_observer::Column::WalkId.eq(walk_id))
            .filter(walk_observer::Column::ObserverId.eq(me.id))
            .one(txn)
            .await?
            .is_some(),
    };
    if on_walk {
        Ok(())
    } else {
        Err(ApiError::Forbidden(
            "observers record only on walks they are on".into(),
        ))
    }
}
