//! One observer's entry for one indicator in one visit.

use sea_orm::entity::prelude::*;
use serde::Serialize;

use crate::RatingOutcome;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "ratings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub trust_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub visit_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub indicator_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub observer_id: Uuid,
    pub outcome: RatingOutcome,
    /// Set exactly when `outcome` is `level`.
    pub level: Option<i32>,
    pub evidence: Option<String>,
    pub recorded_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
