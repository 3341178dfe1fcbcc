//! Create-or-update of observers and actions by the partner's own ids.
//! The same input again changes nothing and writes nothing.

use chrono::{NaiveDate, Utc};
use entity::{ActionStatus, SchoolRole, WalkStatus, action, observer};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::auth::Caller;
use crate::data::audit::{self, Change};
use crate::data::evidence::{self, EvidenceWarning};
use crate::data::feed::{self, Entry};
use crate::data::{begin_write, text, walks};
use crate::error::{ApiError, ApiResult};

/// Creates the observer with this reference, or renames them. The
/// observer, and whether they were created.
pub async fn observer(
    db: &DatabaseConnection,
    caller: &Caller,
    reference: &str,
    display_name: &str,
) -> ApiResult<(observer::Model, bool)> {
    let reference = walks::external_id(reference)?;
    let display_name = text::required("displayName", display_name, 200, false)?;
    let trust = caller.scope.trust.as_str();
    let txn = begin_write(db).await?;
    let found = observer::Entity::find()
        .filter(observer::Column::TrustId.eq(trust))
        .filter(observer::Column::Reference.eq(reference.as_str()))
        .one(&txn)
        .await?;
    let (before, after) = match found {
        Some(before) if before.display_name == display_name => return Ok((before, false)),
        Some(before) => {
            let after = observer::Model {
                display_name,
                ..before.clone()
            };
            let active = observer::ActiveModel::from(after.clone()).reset_all();
            (Some(before), active.update(&txn).await?)
        }
        None => {
            let after = observer::Model {
                trust_id: trust.to_owned(),
                id: Uuid::new_v4(),
                reference,
                display_name,
            };
            let active = observer::ActiveModel::from(after.clone());
            (None, active.insert(&txn).await?)
        }
    };
    let created = before.is_none();
    let what = if created {
        "observer.created"
    } else {
        "observer.renamed"
    };
    let change = Change::new(what, "Observer", after.id, None);
    audit::record(&txn, caller, change, before.as_ref(), Some(&after)).await?;
    feed::publish(
        &txn,
        trust,
        vec![Entry::changed("Observer", after.id, None)],
    )
    .await?;
    txn.commit().await?;
    Ok((after, created))
}

/// An action as a partner holds it.
#[derive(Debug, Clone)]
pub struct ActionInput {
    pub walk_id: Uuid,
    pub description: String,
    pub owner_role: SchoolRole,
    pub due_on: NaiveDate,
    /// `OPEN` for a new action; kept for an existing one when `None`.
    pub status: Option<ActionStatus>,
}

/// Creates the action `external_id` names on a debriefed walk, or brings
/// it to `input`. The action, warnings about its wording, and whether it
/// was created. One transaction.
pub async fn action(
    db: &DatabaseConnection,
    caller: &Caller,
    external_id: &str,
    input: ActionInput,
) -> ApiResult<(action::Model, Vec<EvidenceWarning>, bool)> {
    let external_id = walks::external_id(external_id)?;
    let description = text::required("description", &input.description, 1000, true)?;
    let scope = &caller.scope;
    let txn = begin_write(db).await?;
    let found = action::Entity::find()
        .filter(action::Column::TrustId.eq(scope.trust.as_str()))
        .filter(action::Column::ExternalId.eq(external_id.as_str()))
        .one(&txn)
        .await?;
    let now = Utc::now();
    let (before, after) = match found {
        None => {
            let Some(walk) = walks::by_id(&txn, scope, input.walk_id).await? else {
                return Err(ApiError::NotFound("No walk with this id".into()));
            };
            if walk.status != WalkStatus::Debriefed {
                let status = walks::status_name(walk.status);
                let message = format!("actions are agreed in a debrief; the walk is {status}");
                return Err(ApiError::invalid("walkId", message));
            }
            let after = action::Model {
                trust_id: scope.trust.clone(),
                id: Uuid::new_v4(),
                walk_id: walk.id,
                school_urn: walk.school_urn,
                description,
                owner_role: input.owner_role,
                due_on: input.due_on,
                status: input.status.unwrap_or(ActionStatus::Open),
                created_at: now,
                updated_at: now,
                external_id: Some(external_id),
            };
            let active = action::ActiveModel::from(after.clone());
            (None, active.insert(&txn).await?)
        }
        Some(before) => {
            let visible = scope.sees_school(before.school_urn);
            if !visible || before.walk_id != input.walk_id {
                let message = "this externalId names an action of another walk";
                return Err(ApiError::Conflict(message.into()));
            }
            let mut after = before.clone();
            (after.description, after.owner_role) = (description, input.owner_role);
            after.due_on = input.due_on;
            after.status = input.status.unwrap_or(before.status);
            if after == before {
                return Ok((before, Vec::new(), false));
            }
            after.updated_at = now;
            let active = action::ActiveModel::from(after).reset_all();
            (Some(before), active.update(&txn).await?)
        }
    };
    let texts = vec![("description".to_owned(), after.description.as_str())];
    let warnings = evidence::review(&txn, scope, texts).await?;
    let created = before.is_none();
    let what = if created {
        "action.created"
    } else {
        "action.updated"
    };
    let change = Change::new(what, "Action", after.id, Some(after.walk_id));
    audit::record(&txn, caller, change, before.as_ref(), Some(&after)).await?;
    let entry = Entry::changed("Action", after.id, Some(after.school_urn));
    feed::publish(&txn, &scope.trust, vec![entry]).await?;
    txn.commit().await?;
    Ok((after, warnings, created))
}
