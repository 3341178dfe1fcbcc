//! An academy of a trust, keyed by its URN.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "schools")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub trust_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub urn: i32,
    pub name: String,
    pub phase: Option<String>,
    pub establishment_type: Option<String>,
    pub local_authority: Option<String>,
    pub postcode: Option<String>,
    pub joined_on: Option<Date>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
