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
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
};
use uuid::Uuid;

use super::{by_id, in_scope};
use crate::auth::{Caller, Scope};
use crate::data::audit::{self, Change};
use crate::data::feed::{self, Entry};
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

/// Why a conditional update touched no row: the walk is unknown to the
/// scope, in a state not in `allowed`, or past the version the caller read.
async fn refused(
    txn: &impl ConnectionTrait,
    scope: &Scope,
    id: Uuid,
    allowed: &[WalkStatus],
    wrong_state: impl Fn(&walk::Model) -> ApiError,
) -> ApiError {
    match by_id(txn, scope, id).await {
        Ok(None) => ApiError::NotFound("No walk with this id".into()),
        Ok(Some(walk)) if !allowed.contains(&walk.status) => wrong_state(&walk),
        Ok(Some(walk)) => ApiError::Conflict(format!(
            "the walk changed since you read it (now version {}); read it again before writing",
            walk.version
        )),
        Err(err) => err,
    }
}

/// Moves a walk in `from` to `to` and raises its version, in one
/// conditional UPDATE that also holds the walk for the transaction; when
/// `expected` is given the walk must still be at that version.
async fn move_walk(
    txn: &impl ConnectionTrait,
    scope: &Scope,
    id: Uuid,
    from: &[WalkStatus],
    to: Option<WalkStatus>,
    expected: Option<i32>,
) -> ApiResult<bool> {
    let mut update = walk::Entity::update_many();
    if let Some(to) = to {
        update = update.col_expr(Column::Status, Expr::value(to));
    }
    let mut update = update
        .col_expr(Column::UpdatedAt, Expr::value(Utc::now()))
        .col_expr(Column::Version, Expr::col(Column::Version).add(1))
        .filter(in_scope(scope))
        .filter(Column::Id.eq(id))
        .filter(Column::Status.is_in(from.iter().copied()));
    if let Some(version) = expected {
        update = update.filter(Column::Version.eq(version));
    }
    Ok(update.exec(txn).await?.rows_affected == 1)
}

/// Claims an open walk for the caller's write transaction and marks it in
/// progress; fails if it is unknown to the scope, no longer open, or past
/// the `expected` version.
pub async fn claim_open(
    txn: &impl ConnectionTrait,
    scope: &Scope,
    id: Uuid,
    expected: Option<i32>,
) -> ApiResult<walk::Model> {
    if !move_walk(
        txn,
        scope,
        id,
        &OPEN,
        Some(WalkStatus::InProgress),
        expected,
    )
    .await?
    {
        return Err(refused(txn, scope, id, &OPEN, locked).await);
    }
    let walk = by_id(txn, scope, id).await?;
    walk.ok_or_else(|| ApiError::Internal(anyhow::anyhow!("claimed walk vanished")))
}

/// Claims a submitted or debriefed walk for an audited amendment of its
/// ratings, keeping its status.
pub async fn claim_for_amendment(
    txn: &impl ConnectionTrait,
    scope: &Scope,
    id: Uuid,
    expected: Option<i32>,
) -> ApiResult<walk::Model> {
    let amendable = [WalkStatus::Submitted, WalkStatus::Debriefed];
    if !move_walk(txn, scope, id, &amendable, None, expected).await? {
        let wrong_state = |walk: &walk::Model| {
            let status = status_name(walk.status);
            let message =
                format!("the walk is {status}; only a SUBMITTED or DEBRIEFED walk is amended");
            ApiError::invalid("walkId", message)
        };
        return Err(refused(txn, scope, id, &amendable, wrong_state).await);
    }
    let walk = by_id(txn, scope, id).await?;
    walk.ok_or_else(|| ApiError::Internal(anyhow::anyhow!("claimed walk vanished")))
}

/// Submits a walk that has at least one visit; its ratings lock.
pub async fn submit(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    expected: Option<i32>,
) -> ApiResult<walk::Model> {
    let scope = &caller.scope;
    let txn = begin_write(db).await?;
    let Some(before) = by_id(&txn, scope, id).await? else {
        return Err(ApiError::NotFound("No walk with this id".into()));
    };
    // Hold the walk first, so the time stamped below follows every visit and
    // rating that committed before this submit.
    claim_open(&txn, scope, id, expected).await?;
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
    let change = Change::to_walk("walk.submitted", id);
    audit::record(&txn, caller, change, Some(&before), Some(&walk)).await?;
    feed::publish(
        &txn,
        &caller.scope.trust,
        vec![Entry::changed("Walk", walk.id, Some(walk.school_urn))],
    )
    .await?;
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
    expected: Option<i32>,
) -> ApiResult<(walk::Model, walk::Model)> {
    let Some(before) = by_id(txn, scope, id).await? else {
        return Err(ApiError::NotFound("No walk with this id".into()));
    };
    if !move_walk(txn, scope, id, from, Some(to), expected).await? {
        let wrong_state = |now: &walk::Model| {
            let allowed: Vec<&str> = from.iter().map(|s| status_name(*s)).collect();
            let message = format!(
                "the walk is {}; only a {} walk can become {}",
                status_name(now.status),
                allowed.join(" or "),
                status_name(to)
            );
            ApiError::invalid("walkId", message)
        };
        return Err(refused(txn, scope, id, from, wrong_state).await);
    }
    let after = by_id(txn, scope, id).await?;
    let after = after.ok_or_else(|| ApiError::Internal(anyhow::anyhow!("moved walk vanished")))?;
    Ok((before, after))
}

/// Closes a debriefed walk; its actions live on.
pub async fn close(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    expected: Option<i32>,
) -> ApiResult<walk::Model> {
    let txn = begin_write(db).await?;
    let (before, after) = transition(
        &txn,
        &caller.scope,
        id,
        &[WalkStatus::Debriefed],
        WalkStatus::Closed,
        expected,
    )
    .await?;
    let change = Change::to_walk("walk.closed", id);
    audit::record(&txn, caller, change, Some(&before), Some(&after)).await?;
    feed::publish(
        &txn,
        &caller.scope.trust,
        vec![Entry::changed("Walk", after.id, Some(after.school_urn))],
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}

/// Calls off a walk that has not been submitted, giving the reason.
pub async fn cancel(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    reason: &str,
    expected: Option<i32>,
) -> ApiResult<walk::Model> {
    let reason = text::required("reason", reason, 500, true)?;
    let txn = begin_write(db).await?;
    let (before, after) = transition(
        &txn,
        &caller.scope,
        id,
        &OPEN,
        WalkStatus::Cancelled,
        expected,
    )
    .await?;
    let change = Change::to_walk("walk.cancelled", id);
    let audited = serde_json::json!({ "walk": after, "reason": reason });
    audit::record(&txn, caller, change, Some(&before), Some(&audited)).await?;
    feed::publish(
        &txn,
        &caller.scope.trust,
        vec![Entry::changed("Walk", after.id, Some(after.school_urn))],
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}

/// The status as the API spells it.
pub fn status_name(status: WalkStatus) -> &'static str {
    match status {
        WalkStatus::Planned => "PLANNED",
        WalkStatus::InProgress => "IN_PROGRESS",
        WalkStatus::Submitted => "SUBMITTED",
        WalkStatus::Debriefed => "DEBRIEFED",
        WalkStatus::Closed => "CLOSED",
        WalkStatus::Cancelled => "CANCELLED",
    }
}
