//! Debriefs after a walk and the actions agreed in them.

use chrono::{NaiveDate, Utc};
use entity::{ActionStatus, SchoolRole, WalkStatus, action, debrief, walk};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, DatabaseConnection, EntityTrait,
    QueryFilter,
};
use uuid::Uuid;

use crate::auth::{Caller, Scope};
use crate::data::audit::{self, Change};
use crate::data::evidence::{self, EvidenceWarning};
use crate::data::feed::{self, Entry};
use crate::data::keyset::{self, Key, Keyset, Kind, Page, Window};
use crate::data::{begin_write, text, walks};
use crate::error::{ApiError, ApiResult};

/// A next step to agree.
#[derive(Debug, Clone)]
pub struct NewAction {
    pub description: String,
    pub owner_role: SchoolRole,
    pub due_on: NaiveDate,
}

/// The debrief of a submitted walk.
#[derive(Debug, Clone)]
pub struct NewDebrief {
    pub walk_id: Uuid,
    pub held_on: NaiveDate,
    pub participants: Vec<SchoolRole>,
    pub strengths: String,
    pub reflections: String,
    pub actions: Vec<NewAction>,
    /// The walk's version the caller last read, if it wants that checked.
    pub expected_version: Option<i32>,
}

/// What recording a debrief wrote.
pub struct Debriefed {
    pub walk: walk::Model,
    pub debrief: debrief::Model,
    pub actions: Vec<action::Model>,
    pub warnings: Vec<EvidenceWarning>,
}

/// Records the debrief of a submitted walk, which becomes debriefed, and
/// its actions. One transaction; the text is checked like evidence.
pub async fn record(
    db: &DatabaseConnection,
    caller: &Caller,
    input: NewDebrief,
) -> ApiResult<Debriefed> {
    let scope = &caller.scope;
    text::at_most("participants", &input.participants, 20)?;
    if input.participants.is_empty() {
        return Err(ApiError::invalid(
            "participants",
            "name at least one role that took part",
        ));
    }
    text::at_most("actions", &input.actions, 30)?;
    let strengths = text::required("strengths", &input.strengths, 4000, true)?;
    let reflections = text::required("reflections", &input.reflections, 4000, true)?;
    let mut descriptions = Vec::with_capacity(input.actions.len());
    for (i, next) in input.actions.iter().enumerate() {
        let field = format!("actions.{i}.description");
        descriptions.push(text::required(&field, &next.description, 1000, true)?);
    }

    let txn = begin_write(db).await?;
    let (_, walk) = walks::transition(
        &txn,
        scope,
        input.walk_id,
        &[WalkStatus::Submitted],
        WalkStatus::Debriefed,
        input.expected_version,
    )
    .await?;
    if input.held_on < walk.walk_date {
        return Err(ApiError::invalid(
            "heldOn",
            "a debrief is held on or after the walk",
        ));
    }
    let mut texts = vec![("strengths".to_owned(), strengths.as_str())];
    texts.push(("reflections".to_owned(), reflections.as_str()));
    for (i, description) in descriptions.iter().enumerate() {
        texts.push((format!("actions.{i}.description"), description.as_str()));
    }
    let warnings = evidence::review(&txn, scope, texts).await?;

    let now = Utc::now();
    let participants = serde_json::to_string(&input.participants)
        .map_err(|err| ApiError::Internal(anyhow::anyhow!("participants: {err}")))?;
    let debrief = debrief::Model {
        trust_id: scope.trust.clone(),
        walk_id: walk.id,
        held_on: input.held_on,
        participants,
        strengths,
        reflections,
        recorded_by: caller.subject.clone(),
        recorded_at: now,
    };
    debrief::Entity::insert(debrief::ActiveModel::from(debrief.clone()))
        .exec_without_returning(&txn)
        .await?;
    let actions: Vec<action::Model> = input
        .actions
        .iter()
        .zip(descriptions)
        .map(|(next, description)| action::Model {
            trust_id: scope.trust.clone(),
            id: Uuid::new_v4(),
            walk_id: walk.id,
            school_urn: walk.school_urn,
            description,
            owner_role: next.owner_role,
            due_on: next.due_on,
            status: ActionStatus::Open,
            created_at: now,
            updated_at: now,
            external_id: None,
        })
        .collect();
    if !actions.is_empty() {
        let rows = actions.iter().cloned().map(action::ActiveModel::from);
        action::Entity::insert_many(rows)
            .exec_without_returning(&txn)
            .await?;
    }

    let change = Change::to_walk("walk.debriefed", walk.id);
    let after = serde_json::json!({ "debrief": debrief, "actions": actions });
    audit::record(&txn, caller, change, None::<&debrief::Model>, Some(&after)).await?;
    let mut entries = vec![Entry::changed("Walk", walk.id, Some(walk.school_urn))];
    entries.extend((actions.iter()).map(|a| Entry::changed("Action", a.id, Some(a.school_urn))));
    feed::publish(&txn, &caller.scope.trust, entries).await?;
    txn.commit().await?;
    Ok(Debriefed {
        walk,
        debrief,
        actions,
        warnings,
    })
}

/// Actions of the scope: its trust, narrowed to its schools if it has any.
pub(crate) fn visible(scope: &Scope) -> Condition {
    let trust = Condition::all().add(action::Column::TrustId.eq(scope.trust.as_str()));
    match &scope.schools {
        Some(urns) => trust.add(action::Column::SchoolUrn.is_in(urns.iter().copied())),
        None => trust,
    }
}

/// Narrows the action list.
#[derive(Debug, Default)]
pub struct ActionFilter {
    pub school_urn: Option<i32>,
    pub status: Option<ActionStatus>,
    /// Only actions still open or in progress and due before this date.
    pub overdue_on: Option<NaiveDate>,
}

/// Actions soonest due first, in the scope's list and under each walk.
pub const ACTIONS: Keyset<action::Model> = Keyset {
    list: "actions",
    kinds: &[Kind::Date, Kind::Uuid],
    descending: false,
    key: |a| vec![Key::Date(a.due_on), Key::Uuid(a.id)],
};

/// One page of the actions in the scope that match `filter`.
pub async fn page(
    db: &DatabaseConnection,
    scope: &Scope,
    filter: &ActionFilter,
    window: &Window,
) -> ApiResult<Page<action::Model>> {
    let mut query = action::Entity::find().filter(visible(scope));
    if let Some(urn) = filter.school_urn {
        query = query.filter(action::Column::SchoolUrn.eq(urn));
    }
    if let Some(status) = filter.status {
        query = query.filter(action::Column::Status.eq(status));
    }
    if let Some(day) = filter.overdue_on {
        let pending = [ActionStatus::Open, ActionStatus::InProgress];
        query = query
            .filter(action::Column::Status.is_in(pending))
            .filter(action::Column::DueOn.lt(day));
    }
    let columns = [action::Column::DueOn, action::Column::Id];
    keyset::page(db, query, &ACTIONS, &columns, window).await
}

/// A change to an action; `None` keeps a field.
#[derive(Debug, Clone)]
pub struct ActionChange {
    pub id: Uuid,
    pub status: Option<ActionStatus>,
    pub due_on: Option<NaiveDate>,
}

/// Changes an action's status or due date.
pub async fn update(
    db: &DatabaseConnection,
    caller: &Caller,
    change: ActionChange,
) -> ApiResult<action::Model> {
    let txn = begin_write(db).await?;
    let found = action::Entity::find()
        .filter(visible(&caller.scope))
        .filter(action::Column::Id.eq(change.id))
        .one(&txn)
        .await?;
    let Some(before) = found else {
        return Err(ApiError::NotFound("No action with this id".into()));
    };
    let mut row: action::ActiveModel = before.clone().into();
    if let Some(status) = change.status {
        row.status = Set(status);
    }
    if let Some(due_on) = change.due_on {
        row.due_on = Set(due_on);
    }
    row.updated_at = Set(Utc::now());
    let after = row.update(&txn).await?;
    let audited = Change::new("action.updated", "Action", after.id, Some(after.walk_id));
    audit::record(&txn, caller, audited, Some(&before), Some(&after)).await?;
    feed::publish(
        &txn,
        &caller.scope.trust,
        vec![Entry::changed("Action", after.id, Some(after.school_urn))],
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}
