//! Classroom visits within a walk: context only, never a teacher.

use chrono::{NaiveTime, Utc};
use entity::{visit, walk};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::auth::{Caller, Scope};
use crate::data::audit::{self, Change};
use crate::data::evidence::{self, EvidenceWarning};
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

/// Adds a visit to an open walk, which is then in progress. One transaction.
pub async fn add(
    db: &DatabaseConnection,
    caller: &Caller,
    input: NewVisit,
) -> ApiResult<(visit::Model, walk::Model, Vec<EvidenceWarning>)> {
    let scope = &caller.scope;
    let key_stage = checked_key_stage(&input)?;
    let notes = text::optional("notes", input.notes.as_deref(), 2000, true)?;
    let txn = begin_write(db).await?;
    let walk = walks::claim_open(&txn, scope, input.walk_id, input.expected_version).await?;
    walks::ensure_on_team(&txn, caller, walk.id).await?;
    let texts = notes
        .iter()
        .map(|text| ("notes".to_owned(), text.as_str()))
        .collect();
    let warnings = evidence::review(&txn, scope, texts).await?;

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
    };
    visit::Entity::insert(visit::ActiveModel::from(visit.clone()))
        .exec_without_returning(&txn)
        .await?;
    let change = Change::new("visit.added", "Visit", visit.id, Some(walk.id));
    audit::record(&txn, caller, change, None::<&visit::Model>, Some(&visit)).await?;
    txn.commit().await?;
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
