//! The rows one protocol version is stored as: built from a checked file with
//! ids derived from names, read back from the store, and compared as content.

use chrono::Utc;
use entity::{ProtocolStatus, focus_area, indicator, protocol, scale_level};
use sea_orm::{ActiveEnum, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use super::file::{FocusAreaFile, IndicatorFile, LevelFile, ProtocolFile, ScaleFile};
use crate::import::store::stable_id;

/// The rows one protocol version is stored as.
#[derive(Debug)]
pub(crate) struct Rows {
    pub protocol: protocol::Model,
    pub levels: Vec<scale_level::Model>,
    pub focus_areas: Vec<focus_area::Model>,
    pub indicators: Vec<indicator::Model>,
}

impl Rows {
    /// The version as a file would say it, in a fixed order and without ids
    /// or timestamps, so two versions can be compared.
    pub(super) fn content(&self) -> ProtocolFile {
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

/// Reads and checks the file, and builds its rows for the trust.
pub(super) fn build(trust_uid: &str, json: &[u8]) -> anyhow::Result<Rows> {
    let file = ProtocolFile::read(json)?;
    let (key, scale) = (&file.key, &file.scale);

    let now = Utc::now();
    let base = format!("{trust_uid}/protocol/{key}/{}", file.version);
    let protocol = protocol::Model {
        trust_id: trust_uid.to_owned(),
        id: stable_id(&base),
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
    for (position, area) in (0..).zip(&file.focus_areas) {
        let area_id = stable_id(&format!("{base}/fa/{}", area.key));
        focus_areas.push(focus_area::Model {
            trust_id: trust_uid.to_owned(),
            id: area_id,
            protocol_id: protocol.id,
            key: area.key.clone(),
            lens: area.lens()?,
            title: area.title.clone(),
            position,
        });
        for (position, item) in (0..).zip(&area.indicators) {
            let code = &item.code;
            indicators.push(indicator::Model {
                trust_id: trust_uid.to_owned(),
                id: stable_id(&format!("{base}/ind/{code}")),
                protocol_id: protocol.id,
                focus_area_id: area_id,
                code: code.clone(),
                statement: item.statement.clone(),
                position,
            });
        }
    }

    Ok(Rows {
        protocol,
        levels,
        focus_areas,
        indicators,
    })
}

/// Reads the stored rows of a protocol version.
pub(super) async fn stored(
    db: &impl ConnectionTrait,
    protocol: protocol::Model,
) -> Result<Rows, DbErr> {
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
