//! Observers, walks, the observers and focus areas of a walk, visits and
//! ratings.

use sea_orm_migration::prelude::*;

use crate::helpers::{iden3, ix, tenant_fk};
use crate::m20261204_000001_create_trusts_and_schools::{Schools, Trusts};
use crate::m20261204_000002_create_protocols::{FocusAreas, Indicators, Protocols};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Observers {
    Table,
    TrustId,
    Id,
    Reference,
    DisplayName,
}

#[derive(DeriveIden)]
enum Walks {
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

#[derive(DeriveIden)]
enum Visits {
    Table,
    TrustId,
    Id,
    WalkId,
    Subject,
    YearGroup,
    KeyStage,
    StartedAt,
    Minutes,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Ratings {
    Table,
    TrustId,
    VisitId,
    IndicatorId,
    ObserverId,
    Outcome,
    Level,
    Evidence,
    RecordedAt,
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
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Visits::Table)
                    .col(ColumnDef::new(Visits::TrustId).string().not_null())
                    .col(ColumnDef::new(Visits::Id).uuid().not_null())
                    .col(ColumnDef::new(Visits::WalkId).uuid().not_null())
                    .col(ColumnDef::new(Visits::Subject).string().not_null())
                    .col(ColumnDef::new(Visits::YearGroup).integer())
                    .col(ColumnDef::new(Visits::KeyStage).string_len(8))
                    .col(ColumnDef::new(Visits::StartedAt).time())
                    .col(ColumnDef::new(Visits::Minutes).integer().not_null())
                    .col(
                        ColumnDef::new(Visits::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .primary_key(Index::create().col(Visits::TrustId).col(Visits::Id))
                    .foreign_key(&mut tenant_fk(
                        "fk_visits_walk",
                        iden3(Visits::Table, Visits::TrustId, Visits::WalkId),
                        iden3(Walks::Table, Walks::TrustId, Walks::Id),
                        true,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(ix(
                "ix_visits_walk",
                Visits::Table,
                vec![Visits::TrustId.into_iden(), Visits::WalkId.into_iden()],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Ratings::Table)
                    .col(ColumnDef::new(Ratings::TrustId).string().not_null())
                    .col(ColumnDef::new(Ratings::VisitId).uuid().not_null())
                    .col(ColumnDef::new(Ratings::IndicatorId).uuid().not_null())
                    .col(ColumnDef::new(Ratings::ObserverId).uuid().not_null())
                    .col(ColumnDef::new(Ratings::Outcome).string_len(16).not_null())
                    .col(ColumnDef::new(Ratings::Level).integer())
                    .col(ColumnDef::new(Ratings::Evidence).text())
                    .col(
                        ColumnDef::new(Ratings::RecordedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .primary_key(
                        Index::create()
                            .col(Ratings::TrustId)
                            .col(Ratings::VisitId)
                            .col(Ratings::IndicatorId)
                            .col(Ratings::ObserverId),
                    )
                    .foreign_key(&mut tenant_fk(
                        "fk_ratings_visit",
                        iden3(Ratings::Table, Ratings::TrustId, Ratings::VisitId),
                        iden3(Visits::Table, Visits::TrustId, Visits::Id),
                        true,
                    ))
                    .foreign_key(&mut tenant_fk(
                        "fk_ratings_indicator",
                        iden3(Ratings::Table, Ratings::TrustId, Ratings::IndicatorId),
                        iden3(Indicators::Table, Indicators::TrustId, Indicators::Id),
                        false,
                    ))
                    .foreign_key(&mut tenant_fk(
                        "fk_ratings_observer",
                        iden3(Ratings::Table, Ratings::TrustId, Ratings::ObserverId),
                        iden3(Observers::Table, Observers::TrustId, Observers::Id),
                        false,
                    ))
                    .check(
                        Expr::col(Ratings::Outcome)
                            .eq("level")
                            .and(Expr::col(Ratings::Level).is_not_null())
                            .or(Expr::col(Ratings::Outcome)
                                .ne("level")
                                .and(Expr::col(Ratings::Level).is_null())),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Ratings::Table.into_iden(),
            Visits::Table.into_iden(),
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
