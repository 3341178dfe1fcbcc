//! Loading a protocol version from JSON into a trust as a published, and so
//! immutable, version. Ids derive from the trust, key, version and codes, so
//! the same file gives the same ids on every machine.

mod file;
mod rows;
#[cfg(test)]
mod tests;

use std::fmt;

use anyhow::{Context, bail, ensure};
use entity::{ProtocolStatus, protocol, trust};
use sea_orm::TransactionTrait;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::store::{insert_chunked, refresh_statistics};
use crate::data::feed;
pub(crate) use rows::Rows;
use rows::{build, stored};

/// The outcome of importing one protocol version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProtocolImport {
    pub id: Uuid,
    pub key: String,
    pub version: i32,
    /// False when the identical version was already stored.
    pub created: bool,
}

impl fmt::Display for ProtocolImport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (key, version, id) = (&self.key, self.version, self.id);
        match self.created {
            true => write!(f, "protocol {key} version {version}: published (id {id})"),
            false => write!(
                f,
                "protocol {key} version {version}: already published (id {id})"
            ),
        }
    }
}

/// The rows of the version `json` describes (the file shape) as a draft of
/// the trust's: checked and built, not stored.
pub(crate) fn draft_rows(trust_uid: &str, json: &[u8]) -> anyhow::Result<Rows> {
    let mut rows = build(trust_uid, json)?;
    rows.protocol.status = ProtocolStatus::Draft;
    rows.protocol.published_at = None;
    Ok(rows)
}

/// Loads one protocol into the trust as a published version, in one
/// transaction. Importing the identical version again changes nothing;
/// different content under a stored key and version is refused.
pub async fn import_protocol(
    db: &DatabaseConnection,
    trust_uid: &str,
    json: &[u8],
) -> anyhow::Result<ProtocolImport> {
    let rows = build(trust_uid, json)?;
    let (key, version) = (rows.protocol.key.clone(), rows.protocol.version);
    let txn = db.begin().await.context("cannot begin the import")?;

    let trust = trust::Entity::find_by_id(trust_uid).one(&txn).await?;
    ensure!(trust.is_some(), "no trust with GIAS group UID {trust_uid}");
    let existing = protocol::Entity::find()
        .filter(protocol::Column::TrustId.eq(trust_uid))
        .filter(protocol::Column::Key.eq(key.as_str()))
        .filter(protocol::Column::Version.eq(version))
        .one(&txn)
        .await?;
    if let Some(existing) = existing {
        let existing = stored(&txn, existing).await?;
        let id = existing.protocol.id;
        if existing.content() == rows.content() {
            return Ok(ProtocolImport {
                id,
                key,
                version,
                created: false,
            });
        }
        if existing.protocol.status == ProtocolStatus::Draft {
            bail!("protocol {key} version {version} is a draft with other content");
        }
        bail!(
            "protocol {key} version {version} is already published with other content; \
             published versions are immutable, so import the change as a new version"
        );
    }

    let id = rows.protocol.id;
    let protocol = protocol::ActiveModel::from(rows.protocol);
    protocol::Entity::insert(protocol)
        .exec_without_returning(&txn)
        .await?;
    insert_chunked(&txn, rows.levels, None).await?;
    insert_chunked(&txn, rows.focus_areas, None).await?;
    insert_chunked(&txn, rows.indicators, None).await?;
    let entry = feed::Entry::changed("Protocol", id, None);
    feed::publish(&txn, trust_uid, vec![entry]).await?;
    txn.commit().await.context("cannot commit the import")?;
    // Without statistics the planner takes these tables for nearly empty and
    // joins the variation query's indicators by a nested scan.
    let tables = ["protocols", "scale_levels", "focus_areas", "indicators"];
    refresh_statistics(db, &tables).await?;

    Ok(ProtocolImport {
        id,
        key,
        version,
        created: true,
    })
}
