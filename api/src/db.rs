//! Opening the database and bringing its schema up to date.

use std::time::Duration;

use anyhow::Context;
use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::SqliteJournalMode;
use sea_orm::{ConnectOptions, Database, DatabaseConnection};

use crate::config::Config;

/// The database URL with any password removed, safe to print.
pub fn redacted(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        Ok(parsed) => parsed.to_string(),
        Err(_) => "(unparsable database URL)".to_owned(),
    }
}

/// Connects within the configured timeout and runs pending migrations.
pub async fn connect(config: &Config) -> anyhow::Result<DatabaseConnection> {
    let timeout = Duration::from_secs(config.database_connect_timeout);
    let mut options = ConnectOptions::new(config.database_url.clone());
    options
        .max_connections(config.database_max_connections)
        .connect_timeout(timeout)
        .acquire_timeout(timeout)
        .sqlx_logging(false)
        // SQLite: readers never block the writer, and a writer waits its turn.
        .map_sqlx_sqlite_opts(move |sqlite| {
            sqlite
                .journal_mode(SqliteJournalMode::Wal)
                .busy_timeout(timeout)
        });

    let name = redacted(&config.database_url);
    let connecting = Database::connect(options);
    let db = tokio::time::timeout(timeout, connecting)
        .await
        .map_err(|_| anyhow::anyhow!("timed out after {timeout:?}"))
        .and_then(|result| result.map_err(anyhow::Error::from))
        .with_context(|| format!("cannot connect to database {name}"))?;

    Migrator::up(&db, None)
        .await
        .with_context(|| format!("cannot migrate database {name}"))?;
    Ok(db)
}
