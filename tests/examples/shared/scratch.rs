//! A scratch PostgreSQL database for a bench: created on a loopback server
//! only, dropped when the bench is done.

use anyhow::{Result, ensure};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};

/// Fails unless `url` names a loopback host.
pub fn require_loopback(url: &url::Url) -> Result<()> {
    let host = url.host_str().unwrap_or_default().trim_matches(['[', ']']);
    let ip: Option<std::net::IpAddr> = host.parse().ok();
    ensure!(
        ip.is_some_and(|ip| ip.is_loopback()),
        "the database must be on a loopback address such as 127.0.0.1"
    );
    Ok(())
}

/// A new database named `<prefix>_<uuid>` on `server`.
pub struct Scratch {
    admin: DatabaseConnection,
    pub name: String,
    pub url: url::Url,
}

impl Scratch {
    pub async fn create(server: &str, prefix: &str) -> Result<Scratch> {
        let mut url = url::Url::parse(server)?;
        require_loopback(&url)?;
        let name = format!("{prefix}_{}", uuid::Uuid::new_v4().simple());
        let admin = Database::connect(server).await?;
        admin
            .execute_unprepared(&format!("CREATE DATABASE {name}"))
            .await?;
        url.set_path(&format!("/{name}"));
        Ok(Scratch { admin, name, url })
    }

    /// Drops the database, or only closes the admin connection when `keep`.
    pub async fn finish(self, keep: bool) -> Result<()> {
        if !keep {
            let drop = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
            self.admin.execute_unprepared(&drop).await?;
        }
        self.admin.close().await?;
        Ok(())
    }
}
