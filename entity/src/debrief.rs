//! The conversation after a walk: who took part, by role, and what was
//! said. One per walk.

use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "debriefs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub trust_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub walk_id: Uuid,
    pub held_on: Date,
    /// JSON array of `SchoolRole` values: who took part, never by name.
    pub participants: String,
    pub strengths: String,
    pub reflections: String,
    pub recorded_by: String,
    pub recorded_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
