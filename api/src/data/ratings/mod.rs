//! Recording an observer's ratings for one visit.

mod check;

use chrono::Utc;
use entity::{ObserverRole, observer};
use entity::{RatingOutcome, rating, walk_focus_area, walk_observer};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder,
};
use uuid::Uuid;

use crate::auth::{Caller, Scope};
use crate::data::audit::{self, Change};
use crate::data::evidence::{self, EvidenceWarning};
use crate::data::feed::{self, Entry};
use crate::data::keyset::{Key, Keyset, Kind};
use crate::data::loaders::RatingRow;
use crate::data::{begin_write, protocols, text, visits, walks};
use crate::error::{ApiError, ApiResult};
use check::{Checked, check_entry};

/// A visit's ratings by indicator and observer: a stable order, not the
/// protocol's.
pub const OF_VISIT: Keyset<RatingRow> = Keyset {
    list: "ratings",
    kinds: &[Kind::Uuid, Kind::Uuid],
    descending: false,
    key: |r| {
        vec![
            Key::Uuid(r.rating.indicator_id),
            Key::Uuid(r.rating.observer_id),
        ]
    },
};

/// One indicator's entry.
#[derive(Debug, Clone)]
pub struct RatingEntry {
    pub indicator_code: String,
    /// Inferred from `level` when absent.
    pub outcome: Option<RatingOutcome>,
    pub level: Option<i32>,
    pub evidence: Option<String>,
}

/// An observer's entries for one visit.
#[derive(Debug, Clone)]
pub struct NewRatings {
    /// The walk the caller means to write into; must be the visit's walk.
    pub walk_id: Uuid,
    pub visit_id: Uuid,
    /// The observer's reference; the walk's lead when absent.
    pub observer_reference: Option<String>,
    pub entries: Vec<RatingEntry>,
    /// The walk's version the caller last read, if it wants that checked.
    pub expected_version: Option<i32>,
    /// Set to correct the ratings of a submitted walk: why, for the audit.
    pub amendment_reason: Option<String>,
}

/// What recording wrote, and what the caller should look at again.
pub struct Recorded {
    pub visit: entity::visit::Model,
    /// The observer's ratings for the visit as stored.
    pub ratings: Vec<rating::Model>,
    pub warnings: Vec<EvidenceWarning>,
}

/// One observer's ratings for a visit.
async fn observer_ratings(
    txn: &impl ConnectionTrait,
    scope: &Scope,
    visit_id: Uuid,
    observer_id: Uuid,
) -> ApiResult<Vec<rating::Model>> {
    Ok(rating::Entity::find()
        .filter(rating::Column::TrustId.eq(scope.trust.as_str()))
        .filter(rating::Column::VisitId.eq(visit_id))
        .filter(rating::Column::ObserverId.eq(observer_id))
        .order_by_asc(rating::Column::IndicatorId)
        .all(txn)
        .await?)
}

/// The id of the observer with `reference` on the walk, or of its lead.
async fn observer_on_walk(
    txn: &impl ConnectionTrait,
    scope: &Scope,
    walk_id: Uuid,
    reference: Option<String>,
) -> ApiResult<Uuid> {
    let on_walk = walk_observer::Entity::find()
        .filter(walk_observer::Column::TrustId.eq(scope.trust.as_str()))
        .filter(walk_observer::Column::WalkId.eq(walk_id))
        .all(txn)
        .await?;
    let found = match reference {
        None => on_walk
            .iter()
            .find(|o| o.role == ObserverRole::Lead)
            .map(|o| o.observer_id),
        Some(reference) => observer::Entity::find()
            .filter(observer::Column::TrustId.eq(scope.trust.as_str()))
            .filter(observer::Column::Reference.eq(reference))
            .one(txn)
            .await?
            .map(|o| o.id)
            .filter(|id| on_walk.iter().any(|o| o.observer_id == *id)),
    };
    found.ok_or_else(|| ApiError::invalid("observerReference", "no such observer on this walk"))
}

/// Records (or replaces) one observer's ratings for a visit of an open
/// walk: every entry is checked first, then all are written in one
/// transaction. Returns that observer's ratings for the visit.
pub async fn record(
    db: &DatabaseConnection,
    caller: &Caller,
    input: NewRatings,
) -> ApiResult<Recorded> {
    let scope = &caller.scope;
    text::at_most("ratings", &input.entries, 200)?;
    if input.entries.is_empty() {
        return Err(ApiError::invalid(
            "ratings",
            "at least one rating is required",
        ));
    }
    let txn = begin_write(db).await?;
    let Some((visit, walk)) = visits::by_id(&txn, scope, input.visit_id).await? else {
        return Err(ApiError::NotFound("No visit with this id".into()));
    };
    if walk.id != input.walk_id {
        return Err(ApiError::invalid(
            "visitId",
            "the visit belongs to another walk",
        ));
    }
    let reason = (input.amendment_reason.as_deref())
        .map(|reason| text::required("reason", reason, 500, true))
        .transpose()?;
    let walk = match &reason {
        None => walks::claim_open(&txn, scope, walk.id, input.expected_version).await?,
        Some(_) => walks::claim_for_amendment(&txn, scope, walk.id, input.expected_version).await?,
    };
    walks::ensure_on_team(&txn, caller, walk.id).await?;

    let reference = match input.observer_reference {
        // An observer rates as themselves.
        None if caller.observer_only() => Some(caller.subject.clone()),
        Some(other) if caller.observer_only() && other.trim() != caller.subject => {
            return Err(ApiError::Forbidden(
                "observers record only their own ratings".into(),
            ));
        }
        given => given,
    };
    let reference = (reference.as_deref())
        .map(|reference| text::required("observerReference", reference, 100, false))
        .transpose()?;
    let observer_id = observer_on_walk(&txn, scope, walk.id, reference).await?;

    let rules = protocols::rules(&txn, scope, walk.protocol_id)
        .await?
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("walk without its protocol")))?;
    let focus: Vec<Uuid> = walk_focus_area::Entity::find()
        .filter(walk_focus_area::Column::TrustId.eq(scope.trust.as_str()))
        .filter(walk_focus_area::Column::WalkId.eq(walk.id))
        .all(&txn)
        .await?
        .into_iter()
        .map(|row| row.focus_area_id)
        .collect();

    let mut checked: Vec<Checked> = Vec::with_capacity(input.entries.len());
    for (i, entry) in input.entries.iter().enumerate() {
        let entry = check_entry(i, entry, &rules, &focus)?;
        if checked.iter().any(|c| c.indicator_id == entry.indicator_id) {
            return Err(ApiError::invalid(
                format!("ratings.{i}.indicatorCode"),
                "each indicator may be rated once per request",
            ));
        }
        checked.push(entry);
    }
    let texts = checked
        .iter()
        .enumerate()
        .filter_map(|(i, c)| Some((format!("ratings.{i}.evidence"), c.evidence.as_deref()?)))
        .collect();
    let warnings = evidence::review(&txn, scope, texts).await?;

    let before = observer_ratings(&txn, scope, visit.id, observer_id).await?;
    let now = Utc::now();
    let rows = checked.into_iter().map(|c| rating::ActiveModel {
        trust_id: Set(scope.trust.clone()),
        visit_id: Set(visit.id),
        indicator_id: Set(c.indicator_id),
        observer_id: Set(observer_id),
        outcome: Set(c.outcome),
        level: Set(c.level),
        evidence: Set(c.evidence),
        recorded_at: Set(now),
    });
    let on_conflict = OnConflict::columns([
        rating::Column::TrustId,
        rating::Column::VisitId,
        rating::Column::IndicatorId,
        rating::Column::ObserverId,
    ])
    .update_columns([
        rating::Column::Outcome,
        rating::Column::Level,
        rating::Column::Evidence,
        rating::Column::RecordedAt,
    ])
    .to_owned();
    rating::Entity::insert_many(rows)
        .on_conflict(on_conflict)
        .exec_without_returning(&txn)
        .await?;

    let saved = observer_ratings(&txn, scope, visit.id, observer_id).await?;
    let change = Change::new(
        if reason.is_some() {
            "ratings.amended"
        } else {
            "ratings.recorded"
        },
        "Visit",
        visit.id,
        Some(walk.id),
    );
    let after = serde_json::json!({ "ratings": saved, "reason": reason });
    let after = if reason.is_some() {
        after
    } else {
        serde_json::json!(saved)
    };
    audit::record(&txn, caller, change, Some(&before), Some(&after)).await?;
    let entries = vec![
        Entry::changed("Walk", walk.id, Some(walk.school_urn)),
        Entry::changed("Visit", visit.id, Some(walk.school_urn)),
    ];
    feed::publish(&txn, &caller.scope.trust, entries).await?;
    txn.commit().await?;
    Ok(Recorded {
        visit,
        ratings: saved,
        warnings,
    })
}
