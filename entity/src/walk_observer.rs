//! An observer on a walk, with their walk role.

use sea_orm::entity::prelude::*;

use crate::ObserverRole;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "walk_observers")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub trust_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub walk_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub observer_id: Uuid,
    pub role: ObserverRole,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
