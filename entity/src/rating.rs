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

/// A rating's indicator, within the rating's trust.
impl Related<super::indicator::Entity> for Entity {
    fn to() -> RelationDef {
        use super::indicator::{Column as To, Entity as Indicator};
        Entity::belongs_to(Indicator)
            .from((Column::TrustId, Column::IndicatorId))
            .to((To::TrustId, To::Id))
            .into()
    }
}

/// A rating's observer, within the rating's trust.
impl Related<super::observer::Entity> for Entity {
    fn to() -> RelationDef {
        use super::observer::{Column as To, Entity as Observer};
        Entity::belongs_to(Observer)
            .from((Column::TrustId, Column::ObserverId))
            .to((To::TrustId, To::Id))
            .into()
    }
}
