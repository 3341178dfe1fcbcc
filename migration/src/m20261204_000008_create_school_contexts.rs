//! Versioned notes of each school's context.

use sea_orm_migration::prelude::*;

use crate::helpers::{iden3, tenant_fk};
use crate::m20261204_000001_create_trusts_and_schools::Schools;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SchoolContexts {
    Table,
    TrustId,
    SchoolUrn,
    Version,
    WrittenOn,
    Note,
    WrittenBy,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use SchoolContexts as C;
        manager
            .create_table(
                Table::create()
                    .table(C::Table)
                    .col(ColumnDef::new(C::TrustId).string().not_null())
                    .col(ColumnDef::new(C::SchoolUrn).integer().not_null())
                    .col(ColumnDef::new(C::Version).integer().not_null())
                    .col(ColumnDef::new(C::WrittenOn).date().not_null())
                    .col(ColumnDef::new(C::Note).text().not_null())
                    .col(ColumnDef::new(C::WrittenBy).string().not_null())
                    .col(
                        ColumnDef::new(C::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .primary_key(
                        Index::create()
                            .col(C::TrustId)
                            .col(C::SchoolUrn)
                            .col(C::Version),
                    )
                    .foreign_key(&mut tenant_fk(
                        "fk_school_contexts_school",
                        iden3(C::Table, C::TrustId, C::SchoolUrn),
                        iden3(Schools::Table, Schools::TrustId, Schools::Urn),
                        true,
                    ))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(SchoolContexts::Table).to_owned())
            .await
    }
}
