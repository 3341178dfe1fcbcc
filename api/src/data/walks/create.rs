//! Planning a walk: its school, protocol version, focus areas and team.

use chrono::{NaiveDate, Utc};
use entity::{ObserverRole, WalkStatus, observer, walk, walk_focus_area, walk_observer};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
};
use uuid::Uuid;

use crate::auth::{Caller, Scope};
use crate::data::audit::{self, Change};
use crate::data::feed::{self, Entry};
use crate::data::{begin_write, protocols, schools, text};
use crate::error::{ApiError, ApiResult};

/// A person to put on a new walk, found or created by their reference.
#[derive(Debug, Clone)]
pub struct NewObserver {
    pub reference: String,
    pub display_name: String,
    pub role: ObserverRole,
}

/// A walk to plan.
#[derive(Debug, Clone)]
pub struct NewWalk {
    pub school_urn: i32,
    pub protocol_id: Uuid,
    pub date: NaiveDate,
    pub purpose: String,
    /// Keys of the protocol's focus areas; `None` covers them all.
    pub focus_area_keys: Option<Vec<String>>,
    pub observers: Vec<NewObserver>,
}

fn check_observers(observers: &[NewObserver]) -> ApiResult<()> {
    let leads = observers
        .iter()
        .filter(|o| o.role == ObserverRole::Lead)
        .count();
    text::at_most("observers", observers, 20)?;
    if leads != 1 {
        return Err(ApiError::invalid(
            "observers",
            format!("a walk has exactly one lead observer; {leads} given"),
        ));
    }
    for (i, observer) in observers.iter().enumerate() {
        text::required(
            &format!("observers.{i}.reference"),
            &observer.reference,
            100,
            false,
        )?;
        text::required(
            &format!("observers.{i}.displayName"),
            &observer.display_name,
            200,
            false,
        )?;
        if observers[..i]
            .iter()
            .any(|o| o.reference == observer.reference)
        {
            return Err(ApiError::invalid(
                format!("observers.{i}.reference"),
                "each observer may appear once on a walk",
            ));
        }
    }
    Ok(())
}

/// A walk's plan checked against the trust: what to store.
pub(super) struct Plan {
    pub purpose: String,
    pub observers: Vec<NewObserver>,
    pub focus_area_ids: Vec<Uuid>,
}

/// Checks `input` for `caller`: text, team, school, protocol version and
/// focus areas.
pub(super) async fn plan(
    txn: &impl ConnectionTrait,
    caller: &Caller,
    input: &NewWalk,
) -> ApiResult<Plan> {
    let scope = &caller.scope;
    let purpose = text::required("purpose", &input.purpose, 2000, true)?;
    let observers: Vec<NewObserver> = (input.observers.iter())
        .map(|o| NewObserver {
            reference: o.reference.trim().to_owned(),
            display_name: o.display_name.trim().to_owned(),
            role: o.role,
        })
        .collect();
    check_observers(&observers)?;
    if caller.observer_only() && !observers.iter().any(|o| o.reference == caller.subject) {
        let message = "observers plan only walks they are on";
        return Err(ApiError::Forbidden(message.into()));
    }
    text::at_most(
        "focusAreaKeys",
        input.focus_area_keys.as_deref().unwrap_or_default(),
        50,
    )?;
    if schools::by_urn(txn, scope, input.school_urn)
        .await?
        .is_none()
    {
        return Err(ApiError::NotFound("No school with this URN".into()));
    }
    let Some(rules) = protocols::rules(txn, scope, input.protocol_id).await? else {
        return Err(ApiError::NotFound("No protocol with this id".into()));
    };
    if rules.protocol.status != entity::ProtocolStatus::Published {
        return Err(ApiError::invalid(
            "protocolId",
            "walks use published protocol versions only",
        ));
    }
    let mut focus_area_ids = Vec::new();
    for (i, key) in input.focus_area_keys.iter().flatten().enumerate() {
        let Some(area) = rules.focus_areas.iter().find(|area| &area.key == key) else {
            return Err(ApiError::invalid(
                format!("focusAreaKeys.{i}"),
                format!("the protocol has no focus area '{key}'"),
            ));
        };
        if !focus_area_ids.contains(&area.id) {
            focus_area_ids.push(area.id);
        }
    }
    Ok(Plan {
        purpose,
        observers,
        focus_area_ids,
    })
}

/// Stores the plan's focus areas and team for `walk`; the feed entries
/// for the walk and its observers.
pub(super) async fn insert_team(
    txn: &impl ConnectionTrait,
    scope: &Scope,
    walk: &walk::Model,
    plan: &Plan,
) -> ApiResult<Vec<Entry>> {
    if !plan.focus_area_ids.is_empty() {
        let rows =
            (plan.focus_area_ids.iter()).map(|&focus_area_id| walk_focus_area::ActiveModel {
                trust_id: Set(scope.trust.clone()),
                walk_id: Set(walk.id),
                focus_area_id: Set(focus_area_id),
            });
        walk_focus_area::Entity::insert_many(rows)
            .exec_without_returning(txn)
            .await?;
    }
    let observer_ids = upsert_observers(txn, scope, &plan.observers).await?;
    let mut entries = vec![Entry::changed("Walk", walk.id, Some(walk.school_urn))];
    entries.extend((observer_ids.iter()).map(|id| Entry::changed("Observer", id, None)));
    let rows =
        (plan.observers.iter())
            .zip(observer_ids)
            .map(|(o, id)| walk_observer::ActiveModel {
                trust_id: Set(scope.trust.clone()),
                walk_id: Set(walk.id),
                observer_id: Set(id),
                role: Set(o.role),
            });
    walk_observer::Entity::insert_many(rows)
        .exec_without_returning(txn)
        .await?;
    Ok(entries)
}

/// Plans a walk inside `txn`, creating observers the trust has not seen
/// before.
pub(super) async fn create_in(
    txn: &impl ConnectionTrait,
    caller: &Caller,
    input: &NewWalk,
    external_id: Option<String>,
) -> ApiResult<walk::Model> {
    let plan = plan(txn, caller, input).await?;
    let now = Utc::now();
    let walk = walk::Model {
        trust_id: caller.scope.trust.clone(),
        id: Uuid::new_v4(),
        school_urn: input.school_urn,
        protocol_id: input.protocol_id,
        walk_date: input.date,
        purpose: plan.purpose.clone(),
        status: WalkStatus::Planned,
        created_by: caller.subject.clone(),
        created_at: now,
        updated_at: now,
        submitted_at: None,
        version: 1,
        external_id,
    };
    walk::Entity::insert(walk::ActiveModel::from(walk.clone()))
        .exec_without_returning(txn)
        .await?;
    let entries = insert_team(txn, &caller.scope, &walk, &plan).await?;
    let change = Change::to_walk("walk.created", walk.id);
    let after = serde_json::json!({ "walk": walk, "observers": observers_json(&plan.observers) });
    audit::record(txn, caller, change, None::<&walk::Model>, Some(&after)).await?;
    feed::publish(txn, &caller.scope.trust, entries).await?;
    Ok(walk)
}

/// Plans a walk, creating observers the trust has not seen before. One
/// transaction.
pub async fn create(
    db: &DatabaseConnection,
    caller: &Caller,
    input: NewWalk,
) -> ApiResult<walk::Model> {
    let txn = begin_write(db).await?;
    let walk = create_in(&txn, caller, &input, None).await?;
    txn.commit().await?;
    Ok(walk)
}

/// The team as the audit trail records it.
pub(super) fn observers_json(observers: &[NewObserver]) -> serde_json::Value {
    let team = observers.iter().map(|o| {
        serde_json::json!({ "reference": o.reference, "display_name": o.display_name, "role": o.role })
    });
    serde_json::Value::Array(team.collect())
}

/// Finds or creates each observer by reference and returns their ids in
/// input order. An observer the trust already knows keeps their display
/// name: a walk never renames a person for the whole trust.
pub async fn upsert_observers(
    txn: &impl ConnectionTrait,
    scope: &Scope,
    observers: &[NewObserver],
) -> ApiResult<Vec<Uuid>> {
    let rows = observers.iter().map(|o| observer::ActiveModel {
        trust_id: Set(scope.trust.clone()),
        id: Set(Uuid::new_v4()),
        reference: Set(o.reference.clone()),
        display_name: Set(o.display_name.trim().to_owned()),
    });
    let on_conflict = OnConflict::columns([observer::Column::TrustId, observer::Column::Reference])
        .do_nothing()
        .to_owned();
    observer::Entity::insert_many(rows)
        .on_conflict(on_conflict)
        .exec_without_returning(txn)
        .await?;

    let references: Vec<&str> = observers.iter().map(|o| o.reference.as_str()).collect();
    let stored = observer::Entity::find()
        .filter(observer::Column::TrustId.eq(scope.trust.as_str()))
        .filter(observer::Column::Reference.is_in(references))
        .all(txn)
        .await?;
    observers
        .iter()
        .map(|o| {
            stored
                .iter()
                .find(|s| s.reference == o.reference)
                .map(|s| s.id)
                .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("observer upsert lost a row")))
        })
        .collect()
}
