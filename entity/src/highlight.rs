//! Strong practice seen on a walk, worth sharing; published, every school
//! of the trust can read it.

use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "highlights")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub trust_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub walk_id: Uuid,
    /// The walk's school, kept here so scoped lists need no join.
    pub school_urn: i32,
    pub focus_area_id: Uuid,
    pub title: String,
    pub description: String,
    pub published_at: Option<DateTimeUtc>,
    pub created_by: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
