//! Per-trust settings for neutral recording: strict mode and the trust's
//! own list of judgemental terms.

use sea_orm_migration::prelude::*;

use crate::m20261204_000001_create_trusts_and_schools::Trusts;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Settings {
    StrictNeutralLanguage,
    JudgementalTerms,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite alters one column per statement.
        let strict = ColumnDef::new(Settings::StrictNeutralLanguage)
            .boolean()
            .not_null()
            .default(false)
            .to_owned();
        let terms = ColumnDef::new(Settings::JudgementalTerms).text().to_owned();
        for column in [strict, terms] {
            let alter = Table::alter()
                .table(Trusts::Table)
                .add_column(column)
                .to_owned();
            manager.alter_table(alter).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [Settings::JudgementalTerms, Settings::StrictNeutralLanguage] {
            let alter = Table::alter()
                .table(Trusts::Table)
                .drop_column(column)
                .to_owned();
            manager.alter_table(alter).await?;
        }
        Ok(())
    }
}
