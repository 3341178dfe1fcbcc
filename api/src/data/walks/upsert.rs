//! Create-or-update of a walk by the partner's own id, so a partner can
//! replay its outbox: the same plan again changes nothing, a new plan
//! replaces the old one while the walk is still planned.

use chrono::Utc;
use entity::{WalkStatus, walk, walk_focus_area, walk_observer};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait};
use sea_orm::{DatabaseConnection, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::create::{Plan, create_in, insert_team, observers_json, plan};
use super::status_name;
use super::{NewWalk, upsert_observers};
use crate::auth::{Caller, Scope};
use crate::data::audit::{self, Change};
use crate::data::feed;
use crate::data::{begin_write, text};
use crate::error::{ApiError, ApiResult};

/// The longest external id a partner may use.
pub const MAX_EXTERNAL_ID: usize = 200;

/// Checks a partner's id: 1 to 200 characters on one line.
pub fn external_id(value: &str) -> ApiResult<String> {
    text::required("externalId", value, MAX_EXTERNAL_ID, false)
}

/// The stored focus areas and team of a walk, sorted, to compare plans.
async fn stored_team(
    txn: &impl ConnectionTrait,
    walk: &walk::Model,
) -> ApiResult<(Vec<Uuid>, Vec<(Uuid, String)>)> {
    let mut areas: Vec<Uuid> = walk_focus_area::Entity::find()
        .filter(walk_focus_area::Column::TrustId.eq(walk.trust_id.as_str()))
        .filter(walk_focus_area::Column::WalkId.eq(walk.id))
        .all(txn)
        .await?
        .into_iter()
        .map(|row| row.focus_area_id)
        .collect();
    areas.sort();
    let mut team: Vec<(Uuid, String)> = walk_observer::Entity::find()
        .filter(walk_observer::Column::TrustId.eq(walk.trust_id.as_str()))
        .filter(walk_observer::Column::WalkId.eq(walk.id))
        .all(txn)
        .await?
        .into_iter()
        .map(|row| (row.observer_id, format!("{:?}", row.role)))
        .collect();
    team.sort();
    Ok((areas, team))
}

/// Whether `plan` for `input` is what `walk` already holds.
async fn unchanged(
    txn: &impl ConnectionTrait,
    scope: &Scope,
    walk: &walk::Model,
    input: &NewWalk,
    plan: &Plan,
) -> ApiResult<bool> {
    if (walk.walk_date, walk.purpose.as_str()) != (input.date, plan.purpose.as_str()) {
        return Ok(false);
    }
    let (areas, team) = stored_team(txn, walk).await?;
    let mut wanted_areas = plan.focus_area_ids.clone();
    wanted_areas.sort();
    let ids = upsert_observers(txn, scope, &plan.observers).await?;
    let mut wanted_team: Vec<(Uuid, String)> = (ids.into_iter())
        .zip(&plan.observers)
        .map(|(id, o)| (id, format!("{:?}", o.role)))
        .collect();
    wanted_team.sort();
    Ok(areas == wanted_areas && team == wanted_team)
}

/// Creates the walk `external_id` names, or brings it to `input`. The
/// walk, and whether it was created. One transaction.
pub async fn upsert(
    db: &DatabaseConnection,
    caller: &Caller,
    external_id: &str,
    input: NewWalk,
) -> ApiResult<(walk::Model, bool)> {
    let external_id = self::external_id(external_id)?;
    let scope = &caller.scope;
    let txn = begin_write(db).await?;
    let found = walk::Entity::find()
        .filter(walk::Column::TrustId.eq(scope.trust.as_str()))
        .filter(walk::Column::ExternalId.eq(external_id.as_str()))
        .one(&txn)
        .await?;
    let Some(before) = found else {
        let walk = create_in(&txn, caller, &input, Some(external_id)).await?;
        txn.commit().await?;
        return Ok((walk, true));
    };
    // Known leak within a trust: external ids are unique trust-wide, so a
    // school-scoped caller whose id is taken at another school learns that
    // much from this CONFLICT (never which school, nor anything of it).
    if !scope.sees_school(before.school_urn)
        || (before.school_urn, before.protocol_id) != (input.school_urn, input.protocol_id)
    {
        let message = "this externalId names a walk at another school or on another protocol";
        return Err(ApiError::Conflict(message.into()));
    }
    let plan = plan(&txn, caller, &input).await?;
    if unchanged(&txn, scope, &before, &input, &plan).await? {
        return Ok((before, false));
    }
    if before.status != WalkStatus::Planned {
        let status = status_name(before.status);
        let message = format!("the walk is {status}; its plan changes only while PLANNED");
        return Err(ApiError::Conflict(message));
    }
    let mut row: walk::ActiveModel = before.clone().into();
    row.walk_date = Set(input.date);
    row.purpose = Set(plan.purpose.clone());
    row.version = Set(before.version + 1);
    row.updated_at = Set(Utc::now());
    let after = row.update(&txn).await?;
    walk_focus_area::Entity::delete_many()
        .filter(walk_focus_area::Column::TrustId.eq(scope.trust.as_str()))
        .filter(walk_focus_area::Column::WalkId.eq(after.id))
        .exec(&txn)
        .await?;
    walk_observer::Entity::delete_many()
        .filter(walk_observer::Column::TrustId.eq(scope.trust.as_str()))
        .filter(walk_observer::Column::WalkId.eq(after.id))
        .exec(&txn)
        .await?;
    let entries = insert_team(&txn, scope, &after, &plan).await?;
    let change = Change::to_walk("walk.replanned", after.id);
    let audited =
        serde_json::json!({ "walk": after, "observers": observers_json(&plan.observers) });
    audit::record(&txn, caller, change, Some(&before), Some(&audited)).await?;
    feed::publish(&txn, &scope.trust, entries).await?;
    txn.commit().await?;
    Ok((after, false))
}
