//! One classroom drop-in within a walk. Context only, never a teacher.

use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "visits")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub trust_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub walk_id: Uuid,
    pub subject: String,
    pub year_group: Option<i32>,
    /// EYFS, KS1 … KS5.
    pub key_stage: Option<String>,
    pub started_at: Option<Time>,
    pub minutes: i32,
    pub created_at: DateTimeUtc,
    /// Neutral notes on the visit as a whole.
    pub notes: Option<String>,
    /// The partner's own id for it, unique within the trust.
    pub external_id: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
