//! Opening the database and bringing its schema up to date.

use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::SqliteJournalMode;
use sea_orm::{ConnectOptions, Database, DatabaseConnection};

use crate::config::Config;

/// The password in `scheme://user:password@host…`, if there is one. Read by
/// hand so that a URL the `url` crate rejects is still masked.
fn password_of(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?', '#']).next()?;
    let user_info = authority.rsplit_once('@')?.0;
    user_info
        .split_once(':')
        .map(|(_, password)| password)
        .filter(|p| !p.is_empty())
}

/// `text` with the password of `url` masked wherever it appears.
pub fn masked(text: &str, url: &str) -> String {
    match password_of(url) {
        Some(password) => text.replace(password, "***"),
        None => text.to_owned(),
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

    let url = &config.database_url;
    let name = masked(url, url);
    let connecting = Database::connect(options);
    let db = match tokio::time::timeout(timeout, connecting).await {
        Ok(Ok(db)) => db,
        Ok(Err(err)) => anyhow::bail!(
            "cannot connect to database {name}: {}",
            masked(&err.to_string(), url)
        ),
        Err(_) => anyhow::bail!("cannot connect to database {name}: timed out after {timeout:?}"),
    };

    if let Err(err) = Migrator::up(&db, None).await {
        anyhow::bail!(
            "cannot migrate database {name}: {}",
            masked(&err.to_string(), url)
        );
    }
    Ok(db)
}
