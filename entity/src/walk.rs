//! One visit by a team to one school on one day, against one protocol.

use sea_orm::entity::prelude::*;
use serde::Serialize;

use crate::WalkStatus;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "walks")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub trust_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub school_urn: i32,
    pub protocol_id: Uuid,
    pub walk_date: Date,
    pub purpose: String,
    pub status: WalkStatus,
    /// The token subject that created the walk.
    pub created_by: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub submitted_at: Option<DateTimeUtc>,
    /// Raised by every write to the walk.
    pub version: i32,
    /// The partner's own id for it, unique within the trust.
    pub external_id: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
