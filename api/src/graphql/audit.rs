//! Entries of the audit trail.

use async_graphql::{Json, Object};
use chrono::{DateTime, Utc};
use entity::audit_event;

/// One change: who made it, when, and the record before and after.
pub struct AuditEvent(pub audit_event::Model);

fn parsed(text: Option<&str>) -> Option<Json<serde_json::Value>> {
    text.and_then(|text| serde_json::from_str(text).ok())
        .map(Json)
}

#[Object]
impl AuditEvent {
    async fn occurred_at(&self) -> DateTime<Utc> {
        self.0.occurred_at
    }

    /// The token subject that made the change.
    async fn actor(&self) -> &str {
        &self.0.actor
    }

    /// What happened, e.g. `walk.submitted` or `ratings.recorded`.
    async fn action(&self) -> &str {
        &self.0.action
    }

    /// The kind of record changed, e.g. `Walk` or `Visit`.
    async fn subject_type(&self) -> &str {
        &self.0.subject_type
    }

    /// The changed record's key.
    async fn subject_id(&self) -> &str {
        &self.0.subject_id
    }

    /// The record before the change; null when the change created it.
    async fn before(&self) -> Option<Json<serde_json::Value>> {
        parsed(self.0.before.as_deref())
    }

    /// The record after the change.
    async fn after(&self) -> Option<Json<serde_json::Value>> {
        parsed(self.0.after.as_deref())
    }
}
