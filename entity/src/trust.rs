//! A multi-academy trust: the tenant.

use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "trusts")]
pub struct Model {
    /// GIAS group UID, e.g. "2516".
    #[sea_orm(primary_key, auto_increment = false)]
    pub uid: String,
    pub name: String,
    pub companies_house_number: Option<String>,
    /// Aggregates over fewer visits than this are suppressed.
    pub min_cell_size: i32,
    pub created_at: DateTimeUtc,
    /// Reject, rather than warn about, evidence with judgemental wording or
    /// personal names.
    pub strict_neutral_language: bool,
    /// The trust's judgemental terms, one per line; `None` uses the default
    /// list.
    pub judgemental_terms: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
