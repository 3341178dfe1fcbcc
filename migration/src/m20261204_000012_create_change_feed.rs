//! The change feed: one row per changed record, numbered per trust in
//! commit order, and the counter that numbers them.

use sea_orm_migration::prelude::*;

use crate::m20261204_000001_create_trusts_and_schools::Trusts;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Changes {
    Table,
    TrustId,
    Seq,
    NodeType,
    NodeKey,
    SchoolUrn,
    Deleted,
    ChangedAt,
}

#[derive(DeriveIden)]
enum ChangeCounters {
    Table,
    TrustId,
    LastSeq,
}

fn trust_fk(name: &str, table: impl IntoIden, col: impl IntoIden) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(table, col)
        .to(Trusts::Table, Trusts::Uid)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use ChangeCounters as K;
        use Changes as C;
        manager
            .create_table(
                Table::create()
                    .table(K::Table)
                    .col(ColumnDef::new(K::TrustId).string().not_null().primary_key())
                    .col(ColumnDef::new(K::LastSeq).big_integer().not_null())
                    .foreign_key(&mut trust_fk(
                        "fk_change_counters_trust",
                        K::Table,
                        K::TrustId,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(C::Table)
                    .col(ColumnDef::new(C::TrustId).string().not_null())
                    .col(ColumnDef::new(C::Seq).big_integer().not_null())
                    .col(ColumnDef::new(C::NodeType).string_len(32).not_null())
                    .col(ColumnDef::new(C::NodeKey).string().not_null())
                    .col(ColumnDef::new(C::SchoolUrn).integer())
                    .col(ColumnDef::new(C::Deleted).boolean().not_null())
                    .col(
                        ColumnDef::new(C::ChangedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .primary_key(Index::create().col(C::TrustId).col(C::Seq))
                    .foreign_key(&mut trust_fk("fk_changes_trust", C::Table, C::TrustId))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Changes::Table.into_iden(),
            ChangeCounters::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
