//! A school's own note on its starting point and story, dated and
//! versioned, shown beside its figures.

use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "school_contexts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub trust_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub school_urn: i32,
    /// 1 for the first note, then one more for each new one.
    #[sea_orm(primary_key, auto_increment = false)]
    pub version: i32,
    pub written_on: Date,
    pub note: String,
    pub written_by: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
