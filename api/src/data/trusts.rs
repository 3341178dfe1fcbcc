//! The caller's trust.

use entity::trust;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DatabaseConnection, EntityTrait,
};

use crate::auth::{Caller, Scope};
use crate::data::audit::{self, Change};
use crate::data::feed::{self, Entry};
use crate::data::{begin_write, text};
use crate::error::{ApiError, ApiResult};

/// The trust of the scope, if it is known to this service.
pub async fn of_scope(db: &impl ConnectionTrait, scope: &Scope) -> ApiResult<Option<trust::Model>> {
    Ok(trust::Entity::find_by_id(scope.trust.clone())
        .one(db)
        .await?)
}

/// The trust's list of judgemental terms after a change.
#[derive(Debug, Clone)]
pub enum TermsChange {
    /// Use the service's default list.
    Default,
    /// Use these terms instead.
    Own(Vec<String>),
}

/// A change to how the trust records evidence; `None` keeps a setting.
#[derive(Debug, Clone, Default)]
pub struct RecordingSettings {
    pub strict_neutral_language: Option<bool>,
    pub judgemental_terms: Option<TermsChange>,
    pub min_cell_size: Option<i32>,
}

/// The smallest and largest minimum cell sizes a trust may choose: below
/// three visits a figure describes a single lesson or two.
pub const MIN_CELL_SIZES: std::ops::RangeInclusive<i32> = 3..=100;

/// The terms as stored: trimmed, lower case, unique, one per line.
fn stored_terms(terms: &[String]) -> ApiResult<String> {
    text::at_most("judgementalTerms", terms, 500)?;
    let mut kept: Vec<String> = Vec::new();
    for (i, term) in terms.iter().enumerate() {
        let term = text::required(&format!("judgementalTerms.{i}"), term, 60, false)?;
        let term = term.to_lowercase();
        if !kept.contains(&term) {
            kept.push(term);
        }
    }
    Ok(kept.join("\n"))
}

/// Changes the scope's trust's recording settings.
pub async fn update_recording_settings(
    db: &DatabaseConnection,
    caller: &Caller,
    change: RecordingSettings,
) -> ApiResult<trust::Model> {
    let scope = &caller.scope;
    let terms = match &change.judgemental_terms {
        None => None,
        Some(TermsChange::Default) => Some(None),
        Some(TermsChange::Own(terms)) => Some(Some(stored_terms(terms)?)),
    };
    if let Some(size) = change.min_cell_size
        && !MIN_CELL_SIZES.contains(&size)
    {
        return Err(ApiError::invalid(
            "minCellSize",
            "the minimum cell size is 3 to 100 visits",
        ));
    }
    let txn = begin_write(db).await?;
    let Some(before) = of_scope(&txn, scope).await? else {
        return Err(ApiError::NotFound(
            "No trust with this GIAS group UID".into(),
        ));
    };
    let mut active: trust::ActiveModel = before.clone().into();
    if let Some(strict) = change.strict_neutral_language {
        active.strict_neutral_language = Set(strict);
    }
    if let Some(terms) = terms {
        active.judgemental_terms = Set(terms);
    }
    if let Some(size) = change.min_cell_size {
        active.min_cell_size = Set(size);
    }
    let after = active.update(&txn).await?;
    let audited = Change::new(
        "trust.recording_settings_changed",
        "Trust",
        &after.uid,
        None,
    );
    audit::record(&txn, caller, audited, Some(&before), Some(&after)).await?;
    feed::publish(
        &txn,
        &caller.scope.trust,
        vec![Entry::changed("Trust", &after.uid, None)],
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}
