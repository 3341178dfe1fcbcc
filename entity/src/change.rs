//! One entry of a trust's change feed: a record that was created, changed
//! or deleted, numbered in commit order.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "changes")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub trust_id: String,
    /// Position in the trust's feed; later commits have larger numbers.
    #[sea_orm(primary_key, auto_increment = false)]
    pub seq: i64,
    /// The GraphQL type of the record, e.g. `Walk`.
    pub node_type: String,
    /// The record's key within its type (a UUID, a URN, a trust UID).
    pub node_key: String,
    /// The school the record belongs to; `None` for records every school
    /// of the trust may read.
    pub school_urn: Option<i32>,
    /// The record was deleted: the entry is a tombstone.
    pub deleted: bool,
    pub changed_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
