//! Highlights of strong practice from walks.

use sea_orm_migration::prelude::*;

use crate::helpers::{iden3, ix, tenant_fk};
use crate::m20261204_000002_create_protocols::FocusAreas;
use crate::m20261204_000003_create_walks::Walks;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Highlights {
    Table,
    TrustId,
    Id,
    WalkId,
    SchoolUrn,
    FocusAreaId,
    Title,
    Description,
    PublishedAt,
    CreatedBy,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use Highlights as H;
        manager
            .create_table(
                Table::create()
                    .table(H::Table)
                    .col(ColumnDef::new(H::TrustId).string().not_null())
                    .col(ColumnDef::new(H::Id).uuid().not_null())
                    .col(ColumnDef::new(H::WalkId).uuid().not_null())
                    .col(ColumnDef::new(H::SchoolUrn).integer().not_null())
                    .col(ColumnDef::new(H::FocusAreaId).uuid().not_null())
                    .col(ColumnDef::new(H::Title).string().not_null())
                    .col(ColumnDef::new(H::Description).text().not_null())
                    .col(ColumnDef::new(H::PublishedAt).timestamp_with_time_zone())
                    .col(ColumnDef::new(H::CreatedBy).string().not_null())
                    .col(
                        ColumnDef::new(H::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .primary_key(Index::create().col(H::TrustId).col(H::Id))
                    .foreign_key(&mut tenant_fk(
                        "fk_highlights_walk",
                        iden3(H::Table, H::TrustId, H::WalkId),
                        iden3(Walks::Table, Walks::TrustId, Walks::Id),
                        true,
                    ))
                    .foreign_key(&mut tenant_fk(
                        "fk_highlights_focus_area",
                        iden3(H::Table, H::TrustId, H::FocusAreaId),
                        iden3(FocusAreas::Table, FocusAreas::TrustId, FocusAreas::Id),
                        false,
                    ))
                    .to_owned(),
            )
            .await?;
        let by_walk = vec![H::TrustId.into_iden(), H::WalkId.into_iden()];
        manager
            .create_index(ix("ix_highlights_walk", H::Table, by_walk))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Highlights::Table).to_owned())
            .await
    }
}
