//! Partners' own ids on walks, visits and actions, unique per trust, and
//! the idempotency keys that make a replayed write safe.

use sea_orm_migration::prelude::*;

use crate::helpers::ix;
use crate::m20261204_000001_create_trusts_and_schools::Trusts;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum IdempotencyKeys {
    Table,
    TrustId,
    Subject,
    Key,
    RequestHash,
    Response,
    CreatedAt,
}

/// The tables that take an external id, and their unique index.
const TABLES: [(&str, &str); 3] = [
    ("walks", "ux_walks_external_id"),
    ("visits", "ux_visits_external_id"),
    ("actions", "ux_actions_external_id"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, index) in TABLES {
            let column = ColumnDef::new(Alias::new("external_id"))
                .string_len(200)
                .to_owned();
            let alter = Table::alter()
                .table(Alias::new(table))
                .add_column(column)
                .to_owned();
            manager.alter_table(alter).await?;
            let columns = vec![
                Alias::new("trust_id").into_iden(),
                Alias::new("external_id").into_iden(),
            ];
            let unique = ix(index, Alias::new(table), columns).unique().to_owned();
            manager.create_index(unique).await?;
        }
        use IdempotencyKeys as K;
        manager
            .create_table(
                Table::create()
                    .table(K::Table)
                    .col(ColumnDef::new(K::TrustId).string().not_null())
                    .col(ColumnDef::new(K::Subject).string().not_null())
                    .col(ColumnDef::new(K::Key).string_len(200).not_null())
                    .col(ColumnDef::new(K::RequestHash).string_len(64).not_null())
                    .col(ColumnDef::new(K::Response).text())
                    .col(
                        ColumnDef::new(K::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .primary_key(Index::create().col(K::TrustId).col(K::Subject).col(K::Key))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_idempotency_keys_trust")
                            .from(K::Table, K::TrustId)
                            .to(Trusts::Table, Trusts::Uid),
                    )
                    .to_owned(),
            )
            .await?;
        let columns = vec![K::TrustId.into_iden(), K::CreatedAt.into_iden()];
        manager
            .create_index(ix("ix_idempotency_keys_age", K::Table, columns))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let drop = Table::drop().table(IdempotencyKeys::Table).to_owned();
        manager.drop_table(drop).await?;
        for (table, index) in TABLES {
            let drop = Index::drop()
                .name(index)
                .table(Alias::new(table))
                .to_owned();
            manager.drop_index(drop).await?;
            let alter = Table::alter()
                .table(Alias::new(table))
                .drop_column(Alias::new("external_id"))
                .to_owned();
            manager.alter_table(alter).await?;
        }
        Ok(())
    }
}
