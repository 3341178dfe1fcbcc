//! A walk's status: open for visits and ratings until it is submitted.

use chrono::Utc;
use entity::walk::{self, Column};
use entity::{WalkStatus, visit};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    TransactionTrait,
};
use uuid::Uuid;

use super::by_id;
use crate::auth::Scope;
use crate::error::{ApiError, ApiResult};

/// Fails unless the walk still takes visits and ratings.
pub fn ensure_open(walk: &walk::Model) -> ApiResult<()> {
    match walk.status {
        WalkStatus::Planned | WalkStatus::InProgress => Ok(()),
        WalkStatus::Submitted => Err(ApiError::invalid(
            "walkId",
            "the walk is SUBMITTED; its visits and ratings are locked",
        )),
    }
}

/// Marks the walk's status and last change, inside the caller's transaction.
pub async fn set_status(
    txn: &impl ConnectionTrait,
    walk: &walk::Model,
    status: WalkStatus,
) -> ApiResult<walk::Model> {
    let now = Utc::now();
    let mut update = walk::Entity::update_many()
        .col_expr(Column::Status, Expr::value(status))
        .col_expr(Column::UpdatedAt, Expr::value(now))
        .filter(Column::TrustId.eq(walk.trust_id.as_str()))
        .filter(Column::Id.eq(walk.id));
    let submitted_at = if status == WalkStatus::Submitted {
        Some(now)
    } else {
        walk.submitted_at
    };
    if status == WalkStatus::Submitted {
        update = update.col_expr(Column::SubmittedAt, Expr::value(submitted_at));
    }
    update.exec(txn).await?;
    Ok(walk::Model {
        status,
        updated_at: now,
        submitted_at,
        ..walk.clone()
    })
}

/// Submits a walk that has at least one visit; its ratings lock.
pub async fn submit(db: &DatabaseConnection, scope: &Scope, id: Uuid) -> ApiResult<walk::Model> {
    let txn = db.begin().await?;
    let Some(walk) = by_id(&txn, scope, id).await? else {
        return Err(ApiError::NotFound("No walk with this id".into()));
    };
    ensure_open(&walk)?;
    let visits = visit::Entity::find()
        .filter(visit::Column::TrustId.eq(scope.trust.as_str()))
        .filter(visit::Column::WalkId.eq(id))
        .count(&txn)
        .await?;
    if visits == 0 {
        return Err(ApiError::invalid(
            "walkId",
            format!(
                "the walk is {} with no visits; add a visit before submitting",
                status_name(walk.status)
            ),
        ));
    }
    let walk = set_status(&txn, &walk, WalkStatus::Submitted).await?;
    txn.commit().await?;
    Ok(walk)
}

/// The status as the API spells it.
pub fn status_name(status: WalkStatus) -> &'static str {
    match status {
        WalkStatus::Planned => "PLANNED",
        WalkStatus::InProgress => "IN_PROGRESS",
        WalkStatus::Submitted => "SUBMITTED",
    }
}
