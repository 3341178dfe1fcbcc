//! Loading a protocol version from JSON into a trust as a published, and so
//! immutable, version. Ids derive from the trust, key, version and codes, so
//! the same file gives the same ids on every machine.

use std::collections::BTreeSet;
use std::fmt;

use anyhow::{Context, anyhow, bail, ensure};
use chrono::Utc;
use entity::{Lens, ProtocolStatus, focus_area, indicator, protocol, scale_level, trust};
use sea_orm::{ActiveEnum, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait};
use sea_orm::{DbErr, Iterable, QueryFilter, TransactionTrait};
use serde::Deserialize;
use uuid::Uuid;

use super::gias::insert_chunked;

#[derive(Debug, PartialEq, Deserialize)]
struct ProtocolFile {
    key: String,
    name: String,
    version: i32,
    purpose: String,
    scale: ScaleFile,
    focus_areas: Vec<FocusAreaFile>,
}

#[derive(Debug, PartialEq, Deserialize)]
struct ScaleFile {
    levels: Vec<LevelFile>,
    secure_threshold: i32,
    allows_not_observed: bool,
}

#[derive(Debug, PartialEq, Deserialize)]
struct LevelFile {
    value: i32,
    label: String,
}

#[derive(Debug, PartialEq, Deserialize)]
struct FocusAreaFile {
    key: String,
    lens: String,
    title: String,
    indicators: Vec<IndicatorFile>,
}

#[derive(Debug, PartialEq, Deserialize)]
struct IndicatorFile {
    code: String,
    statement: String,
}

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

/// The rows one protocol version is stored as.
#[derive(Debug)]
struct Rows {
    protocol: protocol::Model,
    levels: Vec<scale_level::Model>,
    focus_areas: Vec<focus_area::Model>,
    indicators: Vec<indicator::Model>,
}

impl Rows {
    /// The version as a file would say it, in a fixed order and without ids
    /// or timestamps, so two versions can be compared.
    fn content(&self) -> ProtocolFile {
        let p = &self.protocol;
        let mut levels: Vec<LevelFile> = (self.levels.iter())
            .map(|l| LevelFile {
                value: l.value,
                label: l.label.clone(),
            })
            .collect();
        levels.sort_by_key(|l| l.value);
        let mut areas: Vec<&focus_area::Model> = self.focus_areas.iter().collect();
        areas.sort_by_key(|a| a.position);
        let focus_areas = (areas.into_iter())
            .map(|a| {
                let mut items: Vec<&indicator::Model> = (self.indicators.iter())
                    .filter(|i| i.focus_area_id == a.id)
                    .collect();
                items.sort_by_key(|i| i.position);
                FocusAreaFile {
                    key: a.key.clone(),
                    lens: a.lens.to_value(),
                    title: a.title.clone(),
                    indicators: (items.into_iter())
                        .map(|i| IndicatorFile {
                            code: i.code.clone(),
                            statement: i.statement.clone(),
                        })
                        .collect(),
                }
            })
            .collect();
        let scale = ScaleFile {
            levels,
            secure_threshold: p.secure_threshold,
            allows_not_observed: p.allows_not_observed,
        };
        let (key, name, purpose) = (p.key.clone(), p.name.clone(), p.purpose.clone());
        ProtocolFile {
            key,
            name,
            version: p.version,
            purpose,
            scale,
            focus_areas,
        }
    }
}

fn id(name: &str) -> Uuid {
    Uuid::new_v5(&Uuid::NAMESPACE_OID, name.as_bytes())
}

fn lens(area: &FocusAreaFile) -> anyhow::Result<Lens> {
    Lens::try_from_value(&area.lens).map_err(|_| {
        let known: Vec<String> = Lens::iter().map(|l| l.to_value()).collect();
        let (key, lens, known) = (&area.key, &area.lens, known.join(", "));
        anyhow!("focus area {key:?}: unknown lens {lens:?}; expected one of {known}")
    })
}

/// Reads and checks the file, and builds its rows for the trust.
fn build(trust_uid: &str, json: &[u8]) -> anyhow::Result<Rows> {
    let file: ProtocolFile = serde_json::from_slice(json).context("not protocol JSON")?;
    let (key, scale) = (&file.key, &file.scale);
    ensure!(
        !key.trim().is_empty() && !file.name.trim().is_empty() && file.version >= 1,
        "a protocol needs a key, a name and a version of 1 or more"
    );
    let values: BTreeSet<i32> = scale.levels.iter().map(|l| l.value).collect();
    ensure!(
        !values.is_empty(),
        "protocol {key}: the scale has no levels"
    );
    ensure!(
        values.len() == scale.levels.len(),
        "protocol {key}: scale level values must be unique"
    );
    ensure!(
        values.contains(&scale.secure_threshold),
        "protocol {key}: the secure threshold {} is not one of the levels {values:?}",
        scale.secure_threshold,
    );

    let now = Utc::now();
    let base = format!("{trust_uid}/protocol/{key}/{}", file.version);
    let protocol = protocol::Model {
        trust_id: trust_uid.to_owned(),
        id: id(&base),
        key: key.clone(),
        version: file.version,
        name: file.name.clone(),
        purpose: file.purpose.clone(),
        status: ProtocolStatus::Published,
        secure_threshold: scale.secure_threshold,
        allows_not_observed: scale.allows_not_observed,
        published_at: Some(now),
        created_at: now,
    };
    let levels = (scale.levels.iter())
        .map(|l| scale_level::Model {
            trust_id: trust_uid.to_owned(),
            protocol_id: protocol.id,
            value: l.value,
            label: l.label.clone(),
        })
        .collect();

    let (mut focus_areas, mut indicators) = (Vec::new(), Vec::new());
    let (mut area_keys, mut codes) = (BTreeSet::new(), BTreeSet::new());
    for (position, area) in (0..).zip(&file.focus_areas) {
        let area_key = &area.key;
        ensure!(
            area_keys.insert(area_key),
            "focus area key {area_key:?} appears twice"
        );
        let area_id = id(&format!("{base}/fa/{area_key}"));
        focus_areas.push(focus_area::Model {
            trust_id: trust_uid.to_owned(),
            id: area_id,
            protocol_id: protocol.id,
            key: area_key.clone(),
            lens: lens(area)?,
            title: area.title.clone(),
            position,
        });
        for (position, item) in (0..).zip(&area.indicators) {
            let code = &item.code;
            ensure!(codes.insert(code), "indicator code {code:?} appears twice");
            indicators.push(indicator::Model {
                trust_id: trust_uid.to_owned(),
                id: id(&format!("{base}/ind/{code}")),
                protocol_id: protocol.id,
                focus_area_id: area_id,
                code: code.clone(),
                statement: item.statement.clone(),
                position,
            });
        }
    }
    ensure!(
        !indicators.is_empty(),
        "protocol {key}: there are no indicators"
    );
    Ok(Rows {
        protocol,
        levels,
        focus_areas,
        indicators,
    })
}

/// Reads the stored rows of a protocol version.
async fn stored(db: &impl ConnectionTrait, protocol: protocol::Model) -> Result<Rows, DbErr> {
    let (trust_id, id) = (protocol.trust_id.as_str(), protocol.id);
    let levels = scale_level::Entity::find()
        .filter(scale_level::Column::TrustId.eq(trust_id))
        .filter(scale_level::Column::ProtocolId.eq(id))
        .all(db)
        .await?;
    let focus_areas = focus_area::Entity::find()
        .filter(focus_area::Column::TrustId.eq(trust_id))
        .filter(focus_area::Column::ProtocolId.eq(id))
        .all(db)
        .await?;
    let indicators = indicator::Entity::find()
        .filter(indicator::Column::TrustId.eq(trust_id))
        .filter(indicator::Column::ProtocolId.eq(id))
        .all(db)
        .await?;
    Ok(Rows {
        protocol,
        levels,
        focus_areas,
        indicators,
    })
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
    insert_chunked(
        &txn,
        rows.levels.into_iter().map(scale_level::ActiveModel::from),
        None,
    )
    .await?;
    insert_chunked(
        &txn,
        rows.focus_areas
            .into_iter()
            .map(focus_area::ActiveModel::from),
        None,
    )
    .await?;
    insert_chunked(
        &txn,
        rows.indicators
            .into_iter()
            .map(indicator::ActiveModel::from),
        None,
    )
    .await?;
    txn.commit().await.context("cannot commit the import")?;
    Ok(ProtocolImport {
        id,
        key,
        version,
        created: true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const CORE: &[u8] = include_bytes!("../../../data/protocol-trust-core.json");

    fn edited(from: &str, to: &str) -> Vec<u8> {
        String::from_utf8_lossy(CORE)
            .replacen(from, to, 1)
            .into_bytes()
    }

    #[test]
    fn the_trust_core_file_builds_with_stable_ids() {
        let rows = build("2516", CORE).expect("builds");
        assert_eq!((rows.levels.len(), rows.focus_areas.len()), (4, 4));
        assert_eq!(rows.indicators.len(), 15);
        assert_eq!(rows.protocol.id, id("2516/protocol/trust-core/1"));
        assert_eq!(
            rows.indicators[0].id,
            id("2516/protocol/trust-core/1/ind/RL1")
        );
        let file: ProtocolFile = serde_json::from_slice(CORE).expect("parses");
        assert_eq!(rows.content(), file);
    }

    #[test]
    fn broken_files_are_refused_with_the_reason() {
        let cases = [
            (edited("\"consistency\"", "\"vibes\""), "unknown lens"),
            (edited("\"RL2\"", "\"RL1\""), "appears twice"),
            (
                edited("\"secure_threshold\": 3", "\"secure_threshold\": 7"),
                "secure threshold",
            ),
            (edited("{ \"value\": 2,", "{ \"value\": 1,"), "unique"),
        ];
        for (file, reason) in cases {
            let err = build("2516", &file).expect_err(reason).to_string();
            assert!(err.contains(reason), "{err}");
        }
    }
}
