//! Checking one entry against the walk's protocol version.

use entity::RatingOutcome;
use uuid::Uuid;

use super::RatingEntry;
use crate::data::protocols::ProtocolRules;
use crate::data::text;
use crate::error::{ApiError, ApiResult};

/// The checked form of one entry.
pub(super) struct Checked {
    pub(super) indicator_id: Uuid,
    pub(super) outcome: RatingOutcome,
    pub(super) level: Option<i32>,
    pub(super) evidence: Option<String>,
}

/// Entry `i` checked against the protocol version and the walk's focus areas.
pub(super) fn check_entry(
    i: usize,
    entry: &RatingEntry,
    rules: &ProtocolRules,
    focus: &[Uuid],
) -> ApiResult<Checked> {
    let field = |name: &str| format!("ratings.{i}.{name}");
    let Some(indicator) = rules
        .indicators
        .iter()
        .find(|ind| ind.code == entry.indicator_code)
    else {
        return Err(ApiError::invalid(
            field("indicatorCode"),
            format!(
                "the walk's protocol has no indicator '{}'",
                entry.indicator_code
            ),
        ));
    };
    if !focus.is_empty() && !focus.contains(&indicator.focus_area_id) {
        return Err(ApiError::invalid(
            field("indicatorCode"),
            format!(
                "indicator '{}' is outside the walk's focus areas",
                indicator.code
            ),
        ));
    }
    let outcome = entry.outcome.unwrap_or(RatingOutcome::Level);
    match (outcome, entry.level) {
        (RatingOutcome::Level, None) => {
            return Err(ApiError::invalid(field("level"), "a level is required"));
        }
        (RatingOutcome::Level, Some(level)) if !rules.levels.contains(&level) => {
            let (low, high) = (rules.levels.iter().min(), rules.levels.iter().max());
            return Err(ApiError::invalid(
                field("level"),
                format!(
                    "level {level} is outside the protocol's scale ({}–{})",
                    low.unwrap_or(&0),
                    high.unwrap_or(&0)
                ),
            ));
        }
        (RatingOutcome::NotObserved | RatingOutcome::NotApplicable, Some(_)) => {
            return Err(ApiError::invalid(
                field("level"),
                "only a LEVEL outcome carries a level",
            ));
        }
        (RatingOutcome::NotObserved, None) if !rules.protocol.allows_not_observed => {
            return Err(ApiError::invalid(
                field("outcome"),
                "this protocol does not allow NOT_OBSERVED",
            ));
        }
        _ => {}
    }
    let evidence = text::optional(&field("evidence"), entry.evidence.as_deref(), 2000, true)?;
    Ok(Checked {
        indicator_id: indicator.id,
        outcome,
        level: entry.level,
        evidence,
    })
}
