//! Classroom visits of a walk and the ratings recorded in them.

use sea_orm_migration::prelude::*;

use crate::helpers::{iden3, ix, tenant_fk};
use crate::m20261204_000002_create_protocols::Indicators;
use crate::m20261204_000003_create_walks::{Observers, Walks};

#[derive(DeriveMigrationName)]
pub struct Migration;

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
        for table in [Ratings::Table.into_iden(), Visits::Table.into_iden()] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
