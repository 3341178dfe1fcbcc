//! Debriefs of walks and the actions agreed in them.

use sea_orm_migration::prelude::*;

use crate::helpers::{iden3, ix, tenant_fk};
use crate::m20261204_000003_create_walks::Walks;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Debriefs {
    Table,
    TrustId,
    WalkId,
    HeldOn,
    Participants,
    Strengths,
    Reflections,
    RecordedBy,
    RecordedAt,
}

#[derive(DeriveIden)]
enum Actions {
    Table,
    TrustId,
    Id,
    WalkId,
    SchoolUrn,
    Description,
    OwnerRole,
    DueOn,
    Status,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use Actions as A;
        use Debriefs as D;
        let walk = || iden3(Walks::Table, Walks::TrustId, Walks::Id);
        manager
            .create_table(
                Table::create()
                    .table(D::Table)
                    .col(ColumnDef::new(D::TrustId).string().not_null())
                    .col(ColumnDef::new(D::WalkId).uuid().not_null())
                    .col(ColumnDef::new(D::HeldOn).date().not_null())
                    .col(ColumnDef::new(D::Participants).text().not_null())
                    .col(ColumnDef::new(D::Strengths).text().not_null())
                    .col(ColumnDef::new(D::Reflections).text().not_null())
                    .col(ColumnDef::new(D::RecordedBy).string().not_null())
                    .col(
                        ColumnDef::new(D::RecordedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .primary_key(Index::create().col(D::TrustId).col(D::WalkId))
                    .foreign_key(&mut tenant_fk(
                        "fk_debriefs_walk",
                        iden3(D::Table, D::TrustId, D::WalkId),
                        walk(),
                        true,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(A::Table)
                    .col(ColumnDef::new(A::TrustId).string().not_null())
                    .col(ColumnDef::new(A::Id).uuid().not_null())
                    .col(ColumnDef::new(A::WalkId).uuid().not_null())
                    .col(ColumnDef::new(A::SchoolUrn).integer().not_null())
                    .col(ColumnDef::new(A::Description).text().not_null())
                    .col(ColumnDef::new(A::OwnerRole).string_len(32).not_null())
                    .col(ColumnDef::new(A::DueOn).date().not_null())
                    .col(ColumnDef::new(A::Status).string_len(16).not_null())
                    .col(
                        ColumnDef::new(A::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(A::UpdatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .primary_key(Index::create().col(A::TrustId).col(A::Id))
                    .foreign_key(&mut tenant_fk(
                        "fk_actions_walk",
                        iden3(A::Table, A::TrustId, A::WalkId),
                        walk(),
                        true,
                    ))
                    .to_owned(),
            )
            .await?;
        let by_walk = vec![A::TrustId.into_iden(), A::WalkId.into_iden()];
        manager
            .create_index(ix("ix_actions_walk", A::Table, by_walk))
            .await?;
        let due = vec![
            A::TrustId.into_iden(),
            A::SchoolUrn.into_iden(),
            A::DueOn.into_iden(),
        ];
        manager
            .create_index(ix("ix_actions_school_due", A::Table, due))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [Actions::Table.into_iden(), Debriefs::Table.into_iden()] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
