//! Trusts (the tenants) and their schools.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum Trusts {
    Table,
    Uid,
    Name,
    CompaniesHouseNumber,
    MinCellSize,
    CreatedAt,
}

#[derive(DeriveIden)]
pub enum Schools {
    Table,
    TrustId,
    Urn,
    Name,
    Phase,
    EstablishmentType,
    LocalAuthority,
    Postcode,
    JoinedOn,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Trusts::Table)
                    .col(
                        ColumnDef::new(Trusts::Uid)
                            .string()
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(Trusts::Name).string().not_null())
                    .col(ColumnDef::new(Trusts::CompaniesHouseNumber).string())
                    .col(
                        ColumnDef::new(Trusts::MinCellSize)
                            .integer()
                            .not_null()
                            .default(5),
                    )
                    .col(
                        ColumnDef::new(Trusts::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Schools::Table)
                    .col(ColumnDef::new(Schools::TrustId).string().not_null())
                    .col(ColumnDef::new(Schools::Urn).integer().not_null())
                    .col(ColumnDef::new(Schools::Name).string().not_null())
                    .col(ColumnDef::new(Schools::Phase).string())
                    .col(ColumnDef::new(Schools::EstablishmentType).string())
                    .col(ColumnDef::new(Schools::LocalAuthority).string())
                    .col(ColumnDef::new(Schools::Postcode).string())
                    .col(ColumnDef::new(Schools::JoinedOn).date())
                    .primary_key(Index::create().col(Schools::TrustId).col(Schools::Urn))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_schools_trust")
                            .from(Schools::Table, Schools::TrustId)
                            .to(Trusts::Table, Trusts::Uid),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Schools::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Trusts::Table).to_owned())
            .await
    }
}
