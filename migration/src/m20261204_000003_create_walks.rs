//! Observers of a trust, walks, and the focus areas and team of each walk.

use sea_orm_migration::prelude::*;

use crate::helpers::{iden3, ix, tenant_fk};
use crate::m20261204_000001_create_trusts_and_schools::{Schools, Trusts};
use crate::m20261204_000002_create_protocols::{FocusAreas, Protocols};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum Observers {
    Table,
    TrustId,
    Id,
    Reference,
    DisplayName,
}
#[derive(DeriveIden)]
pub enum Walks {
    Table,
    TrustId,
    Id,
    SchoolUrn,
    ProtocolId,
    WalkDate,
    Purpose,
    Status,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
    SubmittedAt,
}
#[derive(DeriveIden)]
enum WalkFocusAreas {
    Table,
    TrustId,
    WalkId,
    FocusAreaId,
}
#[derive(DeriveIden)]
enum WalkObservers {
    Table,
    TrustId,
    WalkId,
    ObserverId,
    Role,
}
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Observers::Table)
                    .col(ColumnDef::new(Observers::TrustId).string().not_null())
                    .col(ColumnDef::new(Observers::Id).uuid().not_null())
                    .col(ColumnDef::new(Observers::Reference).string().not_null())
                    .col(ColumnDef::new(Observers::DisplayName).string().not_null())
                    .primary_key(Index::create().col(Observers::TrustId).col(Observers::Id))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_observers_trust")
                            .from(Observers::Table, Observers::TrustId)
                            .to(Trusts::Table, Trusts::Uid),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                ix(
                    "uq_observers_reference",
                    Observers::Table,
                    vec![
                        Observers::TrustId.into_iden(),
                        Observers::Reference.into_iden(),
                    ],
                )
                .unique()
                .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Walks::Table)
                    .col(ColumnDef::new(Walks::TrustId).string().not_null())
                    .col(ColumnDef::new(Walks::Id).uuid().not_null())
                    .col(ColumnDef::new(Walks::SchoolUrn).integer().not_null())
                    .col(ColumnDef::new(Walks::ProtocolId).uuid().not_null())
                    .col(ColumnDef::new(Walks::WalkDate).date().not_null())
                    .col(ColumnDef::new(Walks::Purpose).text().not_null())
                    .col(ColumnDef::new(Walks::Status).string_len(16).not_null())
                    .col(ColumnDef::new(Walks::CreatedBy).string().not_null())
                    .col(
                        ColumnDef::new(Walks::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Walks::UpdatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(ColumnDef::new(Walks::SubmittedAt).timestamp_with_time_zone())
                    .primary_key(Index::create().col(Walks::TrustId).col(Walks::Id))
                    .foreign_key(&mut tenant_fk(
                        "fk_walks_school",
                        iden3(Walks::Table, Walks::TrustId, Walks::SchoolUrn),
                        iden3(Schools::Table, Schools::TrustId, Schools::Urn),
                        false,
                    ))
                    .foreign_key(&mut tenant_fk(
                        "fk_walks_protocol",
                        iden3(Walks::Table, Walks::TrustId, Walks::ProtocolId),
                        iden3(Protocols::Table, Protocols::TrustId, Protocols::Id),
                        false,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(ix(
                "ix_walks_school_date",
                Walks::Table,
                vec![
                    Walks::TrustId.into_iden(),
                    Walks::SchoolUrn.into_iden(),
                    Walks::WalkDate.into_iden(),
                ],
            ))
            .await?;
        manager
            .create_index(ix(
                "ix_walks_protocol_date",
                Walks::Table,
                vec![
                    Walks::TrustId.into_iden(),
                    Walks::ProtocolId.into_iden(),
                    Walks::WalkDate.into_iden(),
                ],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(WalkFocusAreas::Table)
                    .col(ColumnDef::new(WalkFocusAreas::TrustId).string().not_null())
                    .col(ColumnDef::new(WalkFocusAreas::WalkId).uuid().not_null())
                    .col(
                        ColumnDef::new(WalkFocusAreas::FocusAreaId)
                            .uuid()
                            .not_null(),
                    )
                    .primary_key(
                        Index::create()
                            .col(WalkFocusAreas::TrustId)
                            .col(WalkFocusAreas::WalkId)
                            .col(WalkFocusAreas::FocusAreaId),
                    )
                    .foreign_key(&mut tenant_fk(
                        "fk_walk_focus_areas_walk",
                        iden3(
                            WalkFocusAreas::Table,
                            WalkFocusAreas::TrustId,
                            WalkFocusAreas::WalkId,
                        ),
                        iden3(Walks::Table, Walks::TrustId, Walks::Id),
                        true,
                    ))
                    .foreign_key(&mut tenant_fk(
                        "fk_walk_focus_areas_focus_area",
                        iden3(
                            WalkFocusAreas::Table,
                            WalkFocusAreas::TrustId,
                            WalkFocusAreas::FocusAreaId,
                        ),
                        iden3(FocusAreas::Table, FocusAreas::TrustId, FocusAreas::Id),
                        false,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(WalkObservers::Table)
                    .col(ColumnDef::new(WalkObservers::TrustId).string().not_null())
                    .col(ColumnDef::new(WalkObservers::WalkId).uuid().not_null())
                    .col(ColumnDef::new(WalkObservers::ObserverId).uuid().not_null())
                    .col(
                        ColumnDef::new(WalkObservers::Role)
                            .string_len(16)
                            .not_null(),
                    )
                    .primary_key(
                        Index::create()
                            .col(WalkObservers::TrustId)
                            .col(WalkObservers::WalkId)
                            .col(WalkObservers::ObserverId),
                    )
                    .foreign_key(&mut tenant_fk(
                        "fk_walk_observers_walk",
                        iden3(
                            WalkObservers::Table,
                            WalkObservers::TrustId,
                            WalkObservers::WalkId,
                        ),
                        iden3(Walks::Table, Walks::TrustId, Walks::Id),
                        true,
                    ))
                    .foreign_key(&mut tenant_fk(
                        "fk_walk_observers_observer",
                        iden3(
                            WalkObservers::Table,
                            WalkObservers::TrustId,
                            WalkObservers::ObserverId,
                        ),
                        iden3(Observers::Table, Observers::TrustId, Observers::Id),
                        false,
                    ))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            WalkObservers::Table.into_iden(),
            WalkFocusAreas::Table.into_iden(),
            Walks::Table.into_iden(),
            Observers::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
