//! The data layer. All SQL lives here, and every function takes the
//! caller's [`Scope`](crate::auth::Scope) so no query can forget the tenant.

pub mod audit;
pub mod contexts;
pub mod debriefs;
pub mod evidence;
pub mod feed;
pub mod highlights;
pub mod idempotency;
pub mod keyset;
pub mod loaders;
pub mod observers;
pub mod protocol_drafts;
pub mod protocols;
pub mod ratings;
pub mod schools;
pub mod text;
pub mod trusts;
pub mod upserts;
pub mod variation;
pub mod visits;
pub mod walks;

use sea_orm::{
    DatabaseConnection, DatabaseTransaction, DbErr, SqliteTransactionMode, TransactionOptions,
    TransactionTrait,
};

/// Begins a transaction that will write. On SQLite it takes the write lock
/// at once (BEGIN IMMEDIATE), so two writers queue on the busy timeout
/// instead of failing when a reader tries to become a writer.
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    let options = TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..TransactionOptions::default()
    };
    db.begin_with_options(options).await
}
