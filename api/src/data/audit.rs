//! The audit trail: each write records who changed what, and the record
//! before and after, in the same transaction as the change.

use chrono::Utc;
use entity::audit_event;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use uuid::Uuid;

use crate::auth::{Caller, Scope};
use crate::data::keyset::{Key, Keyset, Kind};
use crate::error::{ApiError, ApiResult};

/// One change to record.
pub struct Change {
    /// What happened, e.g. `walk.submitted`.
    pub action: &'static str,
    /// The kind of record, e.g. `Walk`.
    pub subject_type: &'static str,
    pub subject_id: String,
    pub walk_id: Option<Uuid>,
}

impl Change {
    /// A change to a record, belonging to `walk_id` when it has one.
    pub fn new(
        action: &'static str,
        subject_type: &'static str,
        subject_id: impl ToString,
        walk_id: Option<Uuid>,
    ) -> Change {
        Change {
            action,
            subject_type,
            subject_id: subject_id.to_string(),
            walk_id,
        }
    }

    /// A change to the walk itself.
    pub fn to_walk(action: &'static str, walk_id: Uuid) -> Change {
        Change::new(action, "Walk", walk_id, Some(walk_id))
    }
}

fn json(value: Option<&impl Serialize>) -> ApiResult<Option<String>> {
    let text = value.map(serde_json::to_string).transpose();
    text.map_err(|err| ApiError::Internal(anyhow::anyhow!("cannot serialise for audit: {err}")))
}

/// Records `change` by `caller`, with the record `before` and `after` it.
pub async fn record(
    txn: &impl ConnectionTrait,
    caller: &Caller,
    change: Change,
    before: Option<&impl Serialize>,
    after: Option<&impl Serialize>,
) -> ApiResult<()> {
    let event = audit_event::Model {
        trust_id: caller.scope.trust.clone(),
        id: Uuid::new_v4(),
        occurred_at: Utc::now(),
        actor: caller.subject.clone(),
        action: change.action.to_owned(),
        subject_type: change.subject_type.to_owned(),
        subject_id: change.subject_id,
        walk_id: change.walk_id,
        before: json(before)?,
        after: json(after)?,
    };
    audit_event::Entity::insert(audit_event::ActiveModel::from(event))
        .exec_without_returning(txn)
        .await?;
    Ok(())
}

/// A walk's trail, oldest first.
pub const TRAIL: Keyset<audit_event::Model> = Keyset {
    list: "auditTrail",
    kinds: &[Kind::Time, Kind::Uuid],
    descending: false,
    key: |e| vec![Key::Time(e.occurred_at), Key::Uuid(e.id)],
};

/// The trail of one walk the scope can see, oldest first.
pub async fn of_walk(
    db: &impl ConnectionTrait,
    scope: &Scope,
    walk_id: Uuid,
) -> ApiResult<Vec<audit_event::Model>> {
    Ok(audit_event::Entity::find()
        .filter(audit_event::Column::TrustId.eq(scope.trust.as_str()))
        .filter(audit_event::Column::WalkId.eq(walk_id))
        .order_by_asc(audit_event::Column::OccurredAt)
        .order_by_asc(audit_event::Column::Id)
        .all(db)
        .await?)
}
