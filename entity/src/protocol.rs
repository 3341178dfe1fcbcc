//! One version of a trust's shared framework for walks.

use sea_orm::entity::prelude::*;
use serde::Serialize;

use crate::ProtocolStatus;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "protocols")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub trust_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Stable key shared by every version, e.g. "trust-core".
    pub key: String,
    pub version: i32,
    pub name: String,
    pub purpose: String,
    pub status: ProtocolStatus,
    /// Levels at or above this value count as secure.
    pub secure_threshold: i32,
    pub allows_not_observed: bool,
    pub published_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
