//! Neutral notes on a visit as a whole.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Visits {
    Table,
    Notes,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let notes = ColumnDef::new(Visits::Notes).text().to_owned();
        let alter = Table::alter()
            .table(Visits::Table)
            .add_column(notes)
            .to_owned();
        manager.alter_table(alter).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let alter = Table::alter()
            .table(Visits::Table)
            .drop_column(Visits::Notes)
            .to_owned();
        manager.alter_table(alter).await
    }
}
