//! Opening the database and bringing its schema up to date.

pub mod tenant;

use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::SqliteJournalMode;
use sea_orm::{ConnectOptions, Database, DatabaseConnection};

use crate::config::Config;

/// Secrets in a database URL: the password of `scheme://user:password@…`
/// and any `password=` parameter. Read by hand, so that a URL the `url`
/// crate rejects is still masked.
fn secrets_of(url: &str) -> Vec<&str> {
    let mut secrets = Vec::new();
    if let Some((_, rest)) = url.split_once("://")
        && let Some((user_info, _)) = rest.rsplit_once('@')
        && let Some((_, password)) = user_info.split_once(':')
    {
        secrets.push(password);
    }
    for pair in url.split(['?', '&']).skip(1) {
        if let Some(password) = pair.strip_prefix("password=") {
            secrets.push(password);
        }
    }
    secrets.retain(|secret| !secret.is_empty());
    secrets
}

/// `text` with every secret of `url` masked.
pub fn masked(text: &str, url: &str) -> String {
    let mut secrets = secrets_of(url);
    secrets.sort_by_key(|secret| std::cmp::Reverse(secret.len()));
    secrets
        .into_iter()
        .fold(text.to_owned(), |text, secret| text.replace(secret, "***"))
}

/// Connects within the configured timeout and runs pending migrations, as
/// the connecting user (migrations create the role requests run as).
pub async fn connect(config: &Config) -> anyhow::Result<DatabaseConnection> {
    tenant::as_admin(open(config)).await
}

async fn open(config: &Config) -> anyhow::Result<DatabaseConnection> {
    let timeout = Duration::from_secs(config.database_connect_timeout);
    let mut options = ConnectOptions::new(config.database_url.clone());
    options
        .max_connections(config.database_max_connections)
        .connect_timeout(timeout)
        .acquire_timeout(timeout)
        .sqlx_logging(false)
        // No ping before each statement: on PostgreSQL the tenant hook below
        // already makes a round trip on every connection taken, and a
        // connection found broken is dropped and another taken. SQLite's
        // are in-process.
        .test_before_acquire(false)
        // SQLite: readers never block the writer, and a writer waits its turn.
        .map_sqlx_sqlite_opts(move |sqlite| {
            sqlite
                .journal_mode(SqliteJournalMode::Wal)
                .busy_timeout(timeout)
        })
        // PostgreSQL: each connection taken from the pool is bound to the
        // taking task's trust (row-level security, see `tenant`).
        .map_sqlx_postgres_before_acquire(|conn, _| {
            Box::pin(async move { tenant::apply(conn).await.map(|()| true) })
        })
        .map_sqlx_postgres_pool_opts(|pool| {
            pool.after_connect(|conn, _| Box::pin(tenant::apply(conn)))
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

#[cfg(test)]
mod tests {
    use super::masked;

    #[test]
    fn passwords_are_masked_even_in_urls_that_do_not_parse() {
        for (url, secret) in [
            ("postgres://u:hunter2@127.0.0.1:5432/db", "hunter2"),
            ("postgres://u:pw/Secr3t@127.0.0.1:99999/db", "pw/Secr3t"),
            ("postgres://u:a?b#c@127.0.0.1/db", "a?b#c"),
            (
                "postgres://u@127.0.0.1/db?password=Secr3t&sslmode=disable",
                "Secr3t",
            ),
        ] {
            let text = format!("cannot parse '{url}'");
            let shown = masked(&text, url);
            assert!(!shown.contains(secret), "{shown}");
            assert!(shown.contains("***"), "{shown}");
        }
    }
}
