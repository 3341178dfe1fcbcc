//! Protocol versions with their scale, focus areas and indicators.

use sea_orm_migration::prelude::*;

use crate::helpers::{iden3, tenant_fk};
use crate::m20261204_000001_create_trusts_and_schools::Trusts;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum Protocols {
    Table,
    TrustId,
    Id,
    Key,
    Version,
    Name,
    Purpose,
    Status,
    SecureThreshold,
    AllowsNotObserved,
    PublishedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ScaleLevels {
    Table,
    TrustId,
    ProtocolId,
    Value,
    Label,
}

#[derive(DeriveIden)]
pub enum FocusAreas {
    Table,
    TrustId,
    Id,
    ProtocolId,
    Key,
    Lens,
    Title,
    Position,
}

#[derive(DeriveIden)]
pub enum Indicators {
    Table,
    TrustId,
    Id,
    ProtocolId,
    FocusAreaId,
    Code,
    Statement,
    Position,
}

fn belongs_to_protocol(
    name: &str,
    table: impl IntoIden,
    trust_col: impl IntoIden,
    protocol_col: impl IntoIden,
) -> ForeignKeyCreateStatement {
    tenant_fk(
        name,
        iden3(table, trust_col, protocol_col),
        iden3(Protocols::Table, Protocols::TrustId, Protocols::Id),
        true,
    )
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Protocols::Table)
                    .col(ColumnDef::new(Protocols::TrustId).string().not_null())
                    .col(ColumnDef::new(Protocols::Id).uuid().not_null())
                    .col(ColumnDef::new(Protocols::Key).string().not_null())
                    .col(ColumnDef::new(Protocols::Version).integer().not_null())
                    .col(ColumnDef::new(Protocols::Name).string().not_null())
                    .col(ColumnDef::new(Protocols::Purpose).text().not_null())
                    .col(ColumnDef::new(Protocols::Status).string_len(16).not_null())
                    .col(
                        ColumnDef::new(Protocols::SecureThreshold)
                            .integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Protocols::AllowsNotObserved)
                            .boolean()
                            .not_null(),
                    )
                    .col(ColumnDef::new(Protocols::PublishedAt).timestamp_with_time_zone())
                    .col(
                        ColumnDef::new(Protocols::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .primary_key(Index::create().col(Protocols::TrustId).col(Protocols::Id))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_protocols_trust")
                            .from(Protocols::Table, Protocols::TrustId)
                            .to(Trusts::Table, Trusts::Uid),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_protocols_key_version")
                    .table(Protocols::Table)
                    .col(Protocols::TrustId)
                    .col(Protocols::Key)
                    .col(Protocols::Version)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ScaleLevels::Table)
                    .col(ColumnDef::new(ScaleLevels::TrustId).string().not_null())
                    .col(ColumnDef::new(ScaleLevels::ProtocolId).uuid().not_null())
                    .col(ColumnDef::new(ScaleLevels::Value).integer().not_null())
                    .col(ColumnDef::new(ScaleLevels::Label).string().not_null())
                    .primary_key(
                        Index::create()
                            .col(ScaleLevels::TrustId)
                            .col(ScaleLevels::ProtocolId)
                            .col(ScaleLevels::Value),
                    )
                    .foreign_key(&mut belongs_to_protocol(
                        "fk_scale_levels_protocol",
                        ScaleLevels::Table,
                        ScaleLevels::TrustId,
                        ScaleLevels::ProtocolId,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(FocusAreas::Table)
                    .col(ColumnDef::new(FocusAreas::TrustId).string().not_null())
                    .col(ColumnDef::new(FocusAreas::Id).uuid().not_null())
                    .col(ColumnDef::new(FocusAreas::ProtocolId).uuid().not_null())
                    .col(ColumnDef::new(FocusAreas::Key).string().not_null())
                    .col(ColumnDef::new(FocusAreas::Lens).string_len(32).not_null())
                    .col(ColumnDef::new(FocusAreas::Title).string().not_null())
                    .col(ColumnDef::new(FocusAreas::Position).integer().not_null())
                    .primary_key(Index::create().col(FocusAreas::TrustId).col(FocusAreas::Id))
                    .foreign_key(&mut belongs_to_protocol(
                        "fk_focus_areas_protocol",
                        FocusAreas::Table,
                        FocusAreas::TrustId,
                        FocusAreas::ProtocolId,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_focus_areas_protocol_key")
                    .table(FocusAreas::Table)
                    .col(FocusAreas::TrustId)
                    .col(FocusAreas::ProtocolId)
                    .col(FocusAreas::Key)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Indicators::Table)
                    .col(ColumnDef::new(Indicators::TrustId).string().not_null())
                    .col(ColumnDef::new(Indicators::Id).uuid().not_null())
                    .col(ColumnDef::new(Indicators::ProtocolId).uuid().not_null())
                    .col(ColumnDef::new(Indicators::FocusAreaId).uuid().not_null())
                    .col(ColumnDef::new(Indicators::Code).string().not_null())
                    .col(ColumnDef::new(Indicators::Statement).text().not_null())
                    .col(ColumnDef::new(Indicators::Position).integer().not_null())
                    .primary_key(Index::create().col(Indicators::TrustId).col(Indicators::Id))
                    .foreign_key(&mut belongs_to_protocol(
                        "fk_indicators_protocol",
                        Indicators::Table,
                        Indicators::TrustId,
                        Indicators::ProtocolId,
                    ))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_indicators_focus_area")
                            .from(
                                Indicators::Table,
                                (Indicators::TrustId, Indicators::FocusAreaId),
                            )
                            .to(FocusAreas::Table, (FocusAreas::TrustId, FocusAreas::Id))
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_indicators_protocol_code")
                    .table(Indicators::Table)
                    .col(Indicators::TrustId)
                    .col(Indicators::ProtocolId)
                    .col(Indicators::Code)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_indicators_focus_area")
                    .table(Indicators::Table)
                    .col(Indicators::TrustId)
                    .col(Indicators::FocusAreaId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Indicators::Table.into_iden(),
            FocusAreas::Table.into_iden(),
            ScaleLevels::Table.into_iden(),
            Protocols::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
