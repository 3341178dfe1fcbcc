//! A walk's status: open for visits and ratings until it is submitted.
//!
//! Every change to an open walk first claims it with one conditional
//! UPDATE. That write locks the walk's row (PostgreSQL) or the database
//! (SQLite, whose write transactions begin IMMEDIATE), so a submit and a
//! late visit or rating can never both succeed: whichever commits second
//! finds the walk no longer in the state it needs.

use chrono::Utc;
use entity::walk::{self, Column};
use entity::{WalkStatus, visit};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
};
use uuid::Uuid;

use super::{by_id, in_scope};
use crate::auth::{Caller, Scope};
use crate::data::audit::{self, Change};
use crate::data::{begin_write, text};
use crate::error::{ApiError, ApiResult};

const OPEN: [WalkStatus; 2] = [WalkStatus::Planned, WalkStatus::InProgress];

/// Why the walk cannot take visits and ratings.
fn locked(walk: &walk::Model) -> ApiError {
    ApiError::invalid(
        "walkId",
        format!(
            "the walk is {}; its visits and ratings are locked",
            status_name(walk.status)
        ),
    )
}

/// The reason a conditional update touched no row.
async fn not_claimed(txn: &impl ConnectionTrait, scope: &Scope, id: Uuid) -> ApiError {
    match by_id(txn, scope, id).await {
        Ok(Some(walk)) => locked(&walk),
        Ok(None) => ApiError::NotFound("No walk with this id".into()),
        Err(err) => err,
    }
}

/// Claims an open walk for the caller's write transaction and marks it in
/// progress; fails if it is unknown to the scope or no longer open.
pub async fn claim_open(
    txn: &impl ConnectionTrait,
    scope: &Scope,
    id: Uuid,
) -> ApiResult<walk::Model> {
    let claimed = walk::Entity::update_many()
        .col_expr(Column::Status, Expr::value(WalkStatus::InProgress))
        .col_expr(Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(in_scope(scope))
        .filter(Column::Id.eq(id))
        .filter(Column::Status.is_in(OPEN))
        .exec(txn)
        .await?;
    if claimed.rows_affected == 0 {
        return Err(not_claimed(txn, scope, id).await);
    }
    let walk = by_id(txn, scope, id).await?;
    walk.ok_or_else(|| ApiError::Internal(anyhow::anyhow!("claimed walk vanished")))
}

/// Submits a walk that has at least one visit; its ratings lock.
pub async fn submit(db: &DatabaseConnection, caller: &Caller, id: Uuid) -> ApiResult<walk::Model> {
    let scope = &caller.scope;
    let txn = begin_write(db).await?;
    let Some(before) = by_id(&txn, scope, id).await? else {
        return Err(ApiError::NotFound("No walk with this id".into()));
    };
    // Hold the walk first, so the time stamped below follows every visit and
    // rating that committed before this submit.
    claim_open(&txn, scope, id).await?;
    super::ensure_on_team(&txn, caller, id).await?;

    let visits = visit::Entity::find()
        .filter(visit::Column::TrustId.eq(scope.trust.as_str()))
        .filter(visit::Column::WalkId.eq(id))
        .count(&txn)
        .await?;
    if visits == 0 {
        let status = status_name(before.status);
        return Err(ApiError::invalid(
            "walkId",
            format!("the walk is {status} with no visits; add a visit before submitting"),
        ));
    }

    let now = Utc::now();
    walk::Entity::update_many()
        .col_expr(Column::Status, Expr::value(WalkStatus::Submitted))
        .col_expr(Column::UpdatedAt, Expr::value(now))
        .col_expr(Column::SubmittedAt, Expr::value(Some(now)))
        .filter(in_scope(scope))
        .filter(Column::Id.eq(id))
        .exec(&txn)
        .await?;
    let walk = by_id(&txn, scope, id).await?;
    let walk =
        walk.ok_or_else(|| ApiError::Internal(anyhow::anyhow!("submitted walk vanished")))?;
    let change = Change {
        action: "walk.submitted",
        subject_type: "Walk",
        subject_id: id.to_string(),
        walk_id: Some(id),
    };
    audit::record(&txn, caller, change, Some(&before), Some(&walk)).await?;
    txn.commit().await?;
    Ok(walk)
}

/// Moves a walk the scope can see from one of `from` to `to` with one
/// conditional UPDATE, inside the caller's transaction; the walk before and
/// after. Fails naming the current state when the move is not allowed.
pub async fn transition(
    txn: &impl ConnectionTrait,
    scope: &Scope,
    id: Uuid,
    from: &[WalkStatus],
    to: WalkStatus,
) -> ApiResult<(walk::Model, walk::Model)> {
    let Some(before) = by_id(txn, scope, id).await? else {
        return Err(ApiError::NotFound("No walk with this id".into()));
    };
    let moved = walk::Entity::update_many()
        .col_expr(Column::Status, Expr::value(to))
        .col_expr(Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(in_scope(scope))
        .filter(Column::Id.eq(id))
        .filter(Column::Status.is_in(from.iter().copied()))
        .exec(txn)
        .await?;
    let after = by_id(txn, scope, id).await?;
    match after {
        Some(after) if moved.rows_affected == 1 => Ok((before, after)),
        Some(now) => {
            let allowed: Vec<&str> = from.iter().map(|s| status_name(*s)).collect();
            Err(ApiError::invalid(
                "walkId",
                format!(
                    "the walk is {}; only a {} walk can become {}",
                    status_name(now.status),
                    allowed.join(" or "),
                    status_name(to)
                ),
            ))
        }
        None => Err(ApiError::NotFound("No walk with this id".into())),
    }
}

/// Closes a debriefed walk; its actions live on.
pub async fn close(db: &DatabaseConnection, caller: &Caller, id: Uuid) -> ApiResult<walk::Model> {
    let txn = begin_write(db).await?;
    let (before, after) = transition(
        &txn,
        &caller.scope,
        id,
        &[WalkStatus::Debriefed],
        WalkStatus::Closed,
    )
    .await?;
    let change = Change {
        action: "walk.closed",
        subject_type: "Walk",
        subject_id: id.to_string(),
        walk_id: Some(id),
    };
    audit::record(&txn, caller, change, Some(&before), Some(&after)).await?;
    txn.commit().await?;
    Ok(after)
}

/// Calls off a walk that has not been submitted, giving the reason.
pub async fn cancel(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    reason: &str,
) -> ApiResult<walk::Model> {
    let reason = text::required("reason", reason, 500, true)?;
    let txn = begin_write(db).await?;
    let (before, after) = transition(&txn, &caller.scope, id, &OPEN, WalkStatus::Cancelled).await?;
    let change = Change {
        action: "walk.cancelled",
        subject_type: "Walk",
        subject_id: id.to_string(),
        walk_id: Some(id),
    };
    let audited = serde_json::json!({ "walk": after, "reason": reason });
    audit::record(&txn, caller, change, Some(&before), Some(&audited)).await?;
    txn.commit().await?;
    Ok(after)
}

/// The status as the API spells it.
pub(crate) fn status_name(status: WalkStatus) -> &'static str {
    match status {
        WalkStatus::Planned => "PLANNED",
        WalkStatus::InProgress => "IN_PROGRESS",
        WalkStatus::Submitted => "SUBMITTED",
        WalkStatus::Debriefed => "DEBRIEFED",
        WalkStatus::Closed => "CLOSED",
        WalkStatus::Cancelled => "CANCELLED",
    }
}
