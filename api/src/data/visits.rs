//! Classroom visits within a walk: context only, never a teacher.

use chrono::{NaiveTime, Utc};
use entity::{rating, visit, walk};
use sea_orm::QueryFilter;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait};
use uuid::Uuid;

use crate::auth::{Caller, Scope};
use crate::data::audit::{self, Change};
use crate::data::evidence::{self, EvidenceWarning};
use crate::data::feed::{self, Entry};
use crate::data::keyset::{Key, Keyset, Kind};
use crate::data::{begin_write, text, walks};
use crate::error::{ApiError, ApiResult};

/// A walk's visits by start time; those without one last, in the order
/// they were recorded.
pub const OF_WALK: Keyset<visit::Model> = Keyset {
    list: "visits",
    kinds: &[Kind::Int, Kind::Text, Kind::Time, Kind::Uuid],
    descending: false,
    key: |v| {
        let start = v.started_at.map(|t| t.format("%H:%M:%S%.9f").to_string());
        vec![
            Key::Int(start.is_none().into()),
            Key::Text(start.unwrap_or_default()),
            Key::Time(v.created_at),
            Key::Uuid(v.id),
        ]
    },
};

/// Key stages a visit may be recorded against.
pub const KEY_STAGES: [&str; 6] = ["EYFS", "KS1", "KS2", "KS3", "KS4", "KS5"];

/// The key stage of a year group (0 is Reception).
pub fn key_stage_of_year(year: i32) -> Option<&'static str> {
    match year {
        0 => Some("EYFS"),
        1..=2 => Some("KS1"),
        3..=6 => Some("KS2"),
        7..=9 => Some("KS3"),
        10..=11 => Some("KS4"),
        12..=13 => Some("KS5"),
        _ => None,
    }
}

/// A visit to add to a walk.
#[derive(Debug, Clone)]
pub struct NewVisit {
    pub walk_id: Uuid,
    pub subject: String,
    pub year_group: Option<i32>,
    pub key_stage: Option<String>,
    pub started_at: Option<NaiveTime>,
    pub minutes: i32,
    /// The walk's version the caller last read, if it wants that checked.
    pub expected_version: Option<i32>,
    /// Neutral notes on the visit as a whole.
    pub notes: Option<String>,
}

/// Checks the visit's context and settles its key stage.
fn checked_key_stage(input: &NewVisit) -> ApiResult<Option<String>> {
    text::required("subject", &input.subject, 100, false)?;
    if !(1..=120).contains(&input.minutes) {
        return Err(ApiError::invalid(
            "minutes",
            "a visit lasts 1 to 120 minutes",
        ));
    }
    let from_year =
        match input.year_group {
            Some(year) => Some(key_stage_of_year(year).ok_or_else(|| {
                ApiError::invalid("yearGroup", "year group is 0 (Reception) to 13")
            })?),
            None => None,
        };
    let given = input
        .key_stage
        .as_deref()
        .map(|ks| ks.trim().to_uppercase());
    match (given, from_year) {
        (Some(ks), _) if !KEY_STAGES.contains(&ks.as_str()) => Err(ApiError::invalid(
            "keyStage",
            format!("key stage is one of {}", KEY_STAGES.join(", ")),
        )),
        (Some(ks), Some(year_ks)) if ks != year_ks => Err(ApiError::invalid(
            "keyStage",
            format!(
                "year group {} is in {year_ks}, not {ks}",
                input.year_group.unwrap_or_default()
            ),
        )),
        (Some(ks), _) => Ok(Some(ks)),
        (None, year_ks) => Ok(year_ks.map(str::to_owned)),
    }
}

/// A visit saved, its walk, and warnings about its notes.
pub type Saved = (visit::Model, walk::Model, Vec<EvidenceWarning>);

/// Adds a visit to an open walk, which is then in progress. One transaction.
pub async fn add(db: &DatabaseConnection, caller: &Caller, input: NewVisit) -> ApiResult<Saved> {
    let txn = begin_write(db).await?;
    let saved = add_in(&txn, caller, input, None).await?;
    txn.commit().await?;
    Ok(saved)
}

/// Adds a visit inside `txn`.
async fn add_in(
    txn: &impl ConnectionTrait,
    caller: &Caller,
    input: NewVisit,
    external_id: Option<String>,
) -> ApiResult<Saved> {
    let scope = &caller.scope;
    let key_stage = checked_key_stage(&input)?;
    let notes = text::optional("notes", input.notes.as_deref(), 2000, true)?;
    let walk = walks::claim_open(txn, scope, input.walk_id, input.expected_version).await?;
    walks::ensure_on_team(txn, caller, walk.id).await?;
    let texts = notes
        .iter()
        .map(|text| ("notes".to_owned(), text.as_str()))
        .collect();
    let warnings = evidence::review(txn, scope, texts).await?;

    let visit = visit::Model {
        trust_id: scope.trust.clone(),
        id: Uuid::new_v4(),
        walk_id: walk.id,
        subject: input.subject.trim().to_owned(),
        year_group: input.year_group,
        key_stage,
        started_at: input.started_at,
        minutes: input.minutes,
        created_at: Utc::now(),
        notes,
        external_id,
    };
    visit::Entity::insert(visit::ActiveModel::from(visit.clone()))
        .exec_without_returning(txn)
        .await?;
    let change = Change::new("visit.added", "Visit", visit.id, Some(walk.id));
    audit::record(txn, caller, change, None::<&visit::Model>, Some(&visit)).await?;
    let entries = vec![
        Entry::changed("Walk", walk.id, Some(walk.school_urn)),
        Entry::changed("Visit", visit.id, Some(walk.school_urn)),
    ];
    feed::publish(txn, &caller.scope.trust, entries).await?;
    Ok((visit, walk, warnings))
}

/// A visit and its walk, if the walk is visible to the scope.
pub async fn by_id(
    db: &impl ConnectionTrait,
    scope: &Scope,
    id: Uuid,
) -> ApiResult<Option<(visit::Model, walk::Model)>> {
    let visit = visit::Entity::find()
        .filter(visit::Column::TrustId.eq(scope.trust.as_str()))
        .filter(visit::Column::Id.eq(id))
        .one(db)
        .await?;
    let Some(visit) = visit else { return Ok(None) };
    Ok(walks::by_id(db, scope, visit.walk_id)
        .await?
        .map(|walk| (visit, walk)))
}

/// Deletes a visit of an open walk with its ratings. One transaction; the
/// feed gets a tombstone for the visit.
pub async fn delete(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    expected_version: Option<i32>,
) -> ApiResult<walk::Model> {
    let scope = &caller.scope;
    let txn = begin_write(db).await?;
    let Some((before, _)) = by_id(&txn, scope, id).await? else {
        return Err(ApiError::NotFound("No visit with this id".into()));
    };
    let walk = walks::claim_open(&txn, scope, before.walk_id, expected_version).await?;
    walks::ensure_on_team(&txn, caller, walk.id).await?;
    rating::Entity::delete_many()
        .filter(rating::Column::TrustId.eq(scope.trust.as_str()))
        .filter(rating::Column::VisitId.eq(id))
        .exec(&txn)
        .await?;
    visit::Entity::delete_many()
        .filter(visit::Column::TrustId.eq(scope.trust.as_str()))
        .filter(visit::Column::Id.eq(id))
        .exec(&txn)
        .await?;
    let change = Change::new("visit.deleted", "Visit", id, Some(walk.id));
    audit::record(&txn, caller, change, Some(&before), None::<&visit::Model>).await?;
    let entries = vec![
        Entry::changed("Walk", walk.id, Some(walk.school_urn)),
        Entry::deleted("Visit", id, Some(walk.school_urn)),
    ];
    feed::publish(&txn, &scope.trust, entries).await?;
    txn.commit().await?;
    Ok(walk)
}

/// Creates the visit `external_id` names, or brings it to `input` while
/// its walk is open. The visit, its walk, warnings, and whether it was
/// created. One transaction.
pub async fn upsert(
    db: &DatabaseConnection,
    caller: &Caller,
    external_id: &str,
    input: NewVisit,
) -> ApiResult<(Saved, bool)> {
    let external_id = walks::external_id(external_id)?;
    let scope = &caller.scope;
    let txn = begin_write(db).await?;
    let found = visit::Entity::find()
        .filter(visit::Column::TrustId.eq(scope.trust.as_str()))
        .filter(visit::Column::ExternalId.eq(external_id.as_str()))
        .one(&txn)
        .await?;
    let Some(before) = found else {
        let saved = add_in(&txn, caller, input, Some(external_id)).await?;
        txn.commit().await?;
        return Ok((saved, true));
    };
    let visible = by_id(&txn, scope, before.id).await?;
    let Some((_, walk)) = visible.filter(|(v, _)| v.walk_id == input.walk_id) else {
        let message = "this externalId names a visit on another walk";
        return Err(ApiError::Conflict(message.into()));
    };
    let key_stage = checked_key_stage(&input)?;
    let notes = text::optional("notes", input.notes.as_deref(), 2000, true)?;
    let mut after = before.clone();
    after.subject = input.subject.trim().to_owned();
    (after.year_group, after.key_stage) = (input.year_group, key_stage);
    (after.started_at, after.minutes, after.notes) = (input.started_at, input.minutes, notes);
    if after == before {
        return Ok(((before, walk, Vec::new()), false));
    }
    let walk = walks::claim_open(&txn, scope, walk.id, input.expected_version).await?;
    walks::ensure_on_team(&txn, caller, walk.id).await?;
    let texts = (after.notes.iter())
        .map(|text| ("notes".to_owned(), text.as_str()))
        .collect();
    let warnings = evidence::review(&txn, scope, texts).await?;
    visit::ActiveModel::from(after.clone())
        .reset_all()
        .update(&txn)
        .await?;
    let change = Change::new("visit.changed", "Visit", after.id, Some(walk.id));
    audit::record(&txn, caller, change, Some(&before), Some(&after)).await?;
    let entries = vec![
        Entry::changed("Walk", walk.id, Some(walk.school_urn)),
        Entry::changed("Visit", after.id, Some(walk.school_urn)),
    ];
    feed::publish(&txn, &scope.trust, entries).await?;
    txn.commit().await?;
    Ok(((after, walk, warnings), false))
}
