//! The audit trail: every change with who, when, and before and after.

use sea_orm_migration::prelude::*;

use crate::helpers::ix;
use crate::m20261204_000001_create_trusts_and_schools::Trusts;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AuditEvents {
    Table,
    TrustId,
    Id,
    OccurredAt,
    Actor,
    Action,
    SubjectType,
    SubjectId,
    WalkId,
    Before,
    After,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use AuditEvents as A;
        manager
            .create_table(
                Table::create()
                    .table(A::Table)
                    .col(ColumnDef::new(A::TrustId).string().not_null())
                    .col(ColumnDef::new(A::Id).uuid().not_null())
                    .col(
                        ColumnDef::new(A::OccurredAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(ColumnDef::new(A::Actor).string().not_null())
                    .col(ColumnDef::new(A::Action).string_len(64).not_null())
                    .col(ColumnDef::new(A::SubjectType).string_len(32).not_null())
                    .col(ColumnDef::new(A::SubjectId).string().not_null())
                    .col(ColumnDef::new(A::WalkId).uuid())
                    .col(ColumnDef::new(A::Before).text())
                    .col(ColumnDef::new(A::After).text())
                    .primary_key(Index::create().col(A::TrustId).col(A::Id))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_audit_events_trust")
                            .from(A::Table, A::TrustId)
                            .to(Trusts::Table, Trusts::Uid),
                    )
                    .to_owned(),
            )
            .await?;
        let columns = vec![
            A::TrustId.into_iden(),
            A::WalkId.into_iden(),
            A::OccurredAt.into_iden(),
        ];
        manager
            .create_index(ix("ix_audit_events_walk", A::Table, columns))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(AuditEvents::Table).to_owned())
            .await
    }
}
