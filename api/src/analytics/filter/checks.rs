//! Checks of a filter against the protocol versions it covers.

use entity::{focus_area, indicator, protocol};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::Filter;
use crate::auth::Scope;
use crate::error::{ApiError, ApiResult};

/// Key stages a visit may record.
const KEY_STAGES: [&str; 6] = ["EYFS", "KS1", "KS2", "KS3", "KS4", "KS5"];

/// The levels of the versions' shared scale. Versions whose scales or
/// secure thresholds differ are refused: their means and level counts would
/// not mean the same thing.
pub(super) fn same_scale(
    rows: &[(Uuid, i32)],
    versions: &[protocol::Model],
) -> ApiResult<Vec<i32>> {
    let scale_of = |version: &protocol::Model| {
        let mut levels: Vec<i32> = (rows.iter())
            .filter(|(id, _)| *id == version.id)
            .map(|(_, level)| *level)
            .collect();
        levels.sort_unstable();
        (levels, version.secure_threshold)
    };
    let first = versions.first().map(scale_of).unwrap_or_default();
    if let Some(other) = versions.iter().find(|v| scale_of(v) != first) {
        return Err(ApiError::invalid(
            "protocolKey",
            format!(
                "version {} of {} has another scale or secure threshold; ask for one \
                 version at a time with protocolId",
                other.version, other.key
            ),
        ));
    }
    Ok(first.0)
}

impl Filter {
    /// Refuses indicator codes, focus area keys and key stages that no
    /// version covered has, so a typo is an error rather than empty figures.
    pub(super) async fn known_codes(
        &self,
        db: &impl ConnectionTrait,
        scope: &Scope,
        versions: &[Uuid],
    ) -> ApiResult<()> {
        if let Some(stage) = (self.key_stages.iter()).find(|k| !KEY_STAGES.contains(&k.as_str())) {
            return Err(ApiError::invalid(
                "keyStages",
                format!("{stage:?} is not a key stage: EYFS, KS1, KS2, KS3, KS4 or KS5"),
            ));
        }
        if !self.indicator_codes.is_empty() {
            let known: Vec<String> = indicator::Entity::find()
                .filter(indicator::Column::TrustId.eq(scope.trust.as_str()))
                .filter(indicator::Column::ProtocolId.is_in(versions.to_vec()))
                .all(db)
                .await?
                .into_iter()
                .map(|i| i.code)
                .collect();
            if let Some(code) = self.indicator_codes.iter().find(|c| !known.contains(c)) {
                return Err(ApiError::invalid(
                    "indicatorCodes",
                    format!("no version covered has an indicator {code:?}"),
                ));
            }
        }
        if let Some(key) = &self.focus_area {
            let found = focus_area::Entity::find()
                .filter(focus_area::Column::TrustId.eq(scope.trust.as_str()))
                .filter(focus_area::Column::ProtocolId.is_in(versions.to_vec()))
                .filter(focus_area::Column::Key.eq(key.as_str()))
                .one(db)
                .await?;
            if found.is_none() {
                return Err(ApiError::invalid(
                    "focusArea",
                    format!("no version covered has a focus area {key:?}"),
                ));
            }
        }
        Ok(())
    }
}
