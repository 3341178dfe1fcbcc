//! A next step agreed in a debrief, owned by a role.

use sea_orm::entity::prelude::*;
use serde::Serialize;

use crate::{ActionStatus, SchoolRole};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "actions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub trust_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub walk_id: Uuid,
    /// The walk's school, kept here so per-school lists need no join.
    pub school_urn: i32,
    pub description: String,
    pub owner_role: SchoolRole,
    pub due_on: Date,
    pub status: ActionStatus,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// The partner's own id for it, unique within the trust.
    pub external_id: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
