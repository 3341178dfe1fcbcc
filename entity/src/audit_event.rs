//! One change to a trust's data: who, when, what, before and after.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub trust_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub occurred_at: DateTimeUtc,
    /// The token subject that made the change.
    pub actor: String,
    /// What happened, e.g. `walk.submitted`.
    pub action: String,
    /// The kind of record changed, e.g. `Walk`.
    pub subject_type: String,
    pub subject_id: String,
    /// The walk the change belongs to, if any.
    pub walk_id: Option<Uuid>,
    /// JSON of the record before the change; `None` when it was created.
    pub before: Option<String>,
    /// JSON of the record after the change; `None` when it was removed.
    pub after: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
