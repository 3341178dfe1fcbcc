//! A version number on each walk, raised by every write, so a client can
//! refuse to overwrite changes it has not seen.

use sea_orm_migration::prelude::*;

use crate::m20261204_000003_create_walks::Walks;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Added {
    Version,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let version = ColumnDef::new(Added::Version)
            .integer()
            .not_null()
            .default(1)
            .to_owned();
        let alter = Table::alter()
            .table(Walks::Table)
            .add_column(version)
            .to_owned();
        manager.alter_table(alter).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let alter = Table::alter()
            .table(Walks::Table)
            .drop_column(Added::Version)
            .to_owned();
        manager.alter_table(alter).await
    }
}
