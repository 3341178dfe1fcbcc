//! Idempotency keys: the first request with a key claims it, and its
//! answer is kept for 24 hours so the same request again gets the same
//! answer with no second effect.

use chrono::{TimeDelta, Utc};
use entity::idempotency_key as key;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::auth::Caller;
use crate::error::ApiResult;

/// How long a key is remembered.
pub const KEPT_FOR: TimeDelta = TimeDelta::hours(24);

/// What a key says about a request.
#[derive(Debug, PartialEq, Eq)]
pub enum Claim {
    /// Not seen in the last 24 hours: run the request.
    Fresh,
    /// Seen with the same request, which answered this JSON.
    Replay(String),
    /// Seen with another request.
    Mismatch,
    /// Seen with the same request, which has not answered yet.
    Running,
}

fn by_key<'a>(caller: &'a Caller, name: &'a str) -> impl Iterator<Item = sea_orm::Condition> + 'a {
    [
        key::Column::TrustId.eq(caller.scope.trust.as_str()),
        key::Column::Subject.eq(caller.subject.as_str()),
        key::Column::Key.eq(name),
    ]
    .into_iter()
    .map(|expr| sea_orm::Condition::all().add(expr))
}

/// Claims `name` for a request hashing to `hash`, forgetting the caller's
/// trust's keys older than 24 hours first.
pub async fn claim(
    db: &impl ConnectionTrait,
    caller: &Caller,
    name: &str,
    hash: &str,
) -> ApiResult<Claim> {
    let now = Utc::now();
    key::Entity::delete_many()
        .filter(key::Column::TrustId.eq(caller.scope.trust.as_str()))
        .filter(key::Column::CreatedAt.lt(now - KEPT_FOR))
        .exec(db)
        .await?;
    let row = key::ActiveModel {
        trust_id: Set(caller.scope.trust.clone()),
        subject: Set(caller.subject.clone()),
        key: Set(name.to_owned()),
        request_hash: Set(hash.to_owned()),
        response: Set(None),
        created_at: Set(now),
    };
    let on_conflict =
        OnConflict::columns([key::Column::TrustId, key::Column::Subject, key::Column::Key])
            .do_nothing()
            .to_owned();
    let inserted = key::Entity::insert(row)
        .on_conflict(on_conflict)
        .exec_without_returning(db)
        .await?;
    if inserted == 1 {
        return Ok(Claim::Fresh);
    }
    let mut query = key::Entity::find();
    for condition in by_key(caller, name) {
        query = query.filter(condition);
    }
    Ok(match query.one(db).await? {
        // Expired and removed by another request meanwhile: run again.
        None => Claim::Fresh,
        Some(found) if found.request_hash != hash => Claim::Mismatch,
        Some(found) => found.response.map_or(Claim::Running, Claim::Replay),
    })
}

/// Keeps the answer to the request that claimed `name`.
pub async fn answer(
    db: &impl ConnectionTrait,
    caller: &Caller,
    name: &str,
    response: String,
) -> ApiResult<()> {
    let mut update = key::Entity::update_many().col_expr(
        key::Column::Response,
        sea_orm::sea_query::Expr::value(Some(response)),
    );
    for condition in by_key(caller, name) {
        update = update.filter(condition);
    }
    update.exec(db).await?;
    Ok(())
}

/// Releases `name` after its request failed with nothing written, so a
/// retry runs.
pub async fn release(db: &impl ConnectionTrait, caller: &Caller, name: &str) -> ApiResult<()> {
    let mut delete = key::Entity::delete_many();
    for condition in by_key(caller, name) {
        delete = delete.filter(condition);
    }
    delete.exec(db).await?;
    Ok(())
}
