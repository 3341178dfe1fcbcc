//! What the walk-recording mutations take, and the data layer's form of
//! it.

use async_graphql::{ID, InputObject};
use chrono::NaiveTime;

use crate::data::ratings::{NewRatings, RatingEntry};
use crate::data::visits::NewVisit;
use crate::data::walks::{NewObserver, NewWalk};
use crate::error::ApiError;
use crate::graphql::walk::{ObserverRole, RatingOutcome};
use crate::graphql::{Date, ids};

/// A person on a new walk, found or created by the trust's reference.
#[derive(InputObject)]
pub struct WalkObserverInput {
    /// The trust's own opaque id for the person.
    pub reference: String,
    pub display_name: String,
    pub role: ObserverRole,
}

/// A walk to plan.
#[derive(InputObject)]
pub struct CreateWalkInput {
    /// URN of the school visited.
    pub school_urn: i32,
    /// A published protocol version of the trust.
    pub protocol_id: ID,
    pub date: Date,
    /// What the walk looks for and why; the school reads it beforehand.
    pub purpose: String,
    /// Keys of the focus areas the walk is limited to; all when omitted.
    pub focus_area_keys: Option<Vec<String>>,
    /// The team, with exactly one lead.
    pub observers: Vec<WalkObserverInput>,
    /// Any text of the client's, echoed in the payload, to match a
    /// response to its request.
    pub client_mutation_id: Option<String>,
    /// Makes the write safe to retry: the same key with the same input
    /// within 24 hours returns the first answer and writes nothing again;
    /// the same key with other input is a `CONFLICT`. Keys are the
    /// caller's own, 1 to 200 characters.
    pub idempotency_key: Option<String>,
}

/// A classroom visit to add to a walk.
#[derive(InputObject)]
pub struct AddVisitInput {
    pub walk_id: ID,
    pub subject: String,
    /// Year group; 0 is Reception.
    pub year_group: Option<i32>,
    /// EYFS, KS1 … KS5; derived from the year group when omitted.
    pub key_stage: Option<String>,
    /// Local start time, `HH:MM`.
    pub started_at: Option<String>,
    /// Length of the visit, 1 to 120.
    pub minutes: i32,
    /// Neutral notes on the visit as a whole, checked like evidence.
    pub notes: Option<String>,
    /// The walk's `version` as last read: the visit is refused with
    /// `CONFLICT` if the walk has changed since.
    pub expected_version: Option<i32>,
    /// Any text of the client's, echoed in the payload, to match a
    /// response to its request.
    pub client_mutation_id: Option<String>,
    /// Makes the write safe to retry: the same key with the same input
    /// within 24 hours returns the first answer and writes nothing again;
    /// the same key with other input is a `CONFLICT`. Keys are the
    /// caller's own, 1 to 200 characters.
    pub idempotency_key: Option<String>,
}

/// One indicator's entry.
#[derive(InputObject)]
pub struct RatingInput {
    /// The indicator's code in the walk's protocol, e.g. "RL1".
    pub indicator_code: String,
    /// `LEVEL` when omitted.
    pub outcome: Option<RatingOutcome>,
    /// Required for `LEVEL`; a value of the protocol's scale.
    pub level: Option<i32>,
    /// Neutral evidence: what was seen, not a judgement of a person.
    pub evidence: Option<String>,
}

/// An observer's ratings for one visit, written together or not at all.
#[derive(InputObject)]
pub struct RecordRatingsInput {
    /// The walk the visit belongs to.
    pub walk_id: ID,
    pub visit_id: ID,
    /// Reference of the observer rating; the walk's lead when omitted.
    pub observer_reference: Option<String>,
    pub ratings: Vec<RatingInput>,
    /// The walk's `version` as last read: the ratings are refused with
    /// `CONFLICT` if the walk has changed since.
    pub expected_version: Option<i32>,
    /// Any text of the client's, echoed in the payload, to match a
    /// response to its request.
    pub client_mutation_id: Option<String>,
    /// Makes the write safe to retry: the same key with the same input
    /// within 24 hours returns the first answer and writes nothing again;
    /// the same key with other input is a `CONFLICT`. Keys are the
    /// caller's own, 1 to 200 characters.
    pub idempotency_key: Option<String>,
}

/// The walk to submit.
#[derive(InputObject)]
pub struct SubmitWalkInput {
    pub walk_id: ID,
    /// The walk's `version` as last read: refused with `CONFLICT` if the
    /// walk has changed since.
    pub expected_version: Option<i32>,
    /// Any text of the client's, echoed in the payload, to match a
    /// response to its request.
    pub client_mutation_id: Option<String>,
}

/// A correction of a submitted walk's ratings.
#[derive(InputObject)]
pub struct AmendRatingsInput {
    #[graphql(flatten)]
    pub ratings: RecordRatingsInput,
    /// Why the ratings change, kept in the audit trail.
    pub reason: String,
    /// Any text of the client's, echoed in the payload, to match a
    /// response to its request.
    pub client_mutation_id: Option<String>,
}

/// The walk a create or upsert input plans.
pub(crate) fn new_walk(input: CreateWalkInput) -> Result<NewWalk, ApiError> {
    let observers = input.observers.into_iter().map(|o| NewObserver {
        reference: o.reference,
        display_name: o.display_name,
        role: o.role.into(),
    });
    Ok(NewWalk {
        school_urn: input.school_urn,
        protocol_id: ids::known(ids::PROTOCOL, &input.protocol_id)?,
        date: input.date.0,
        purpose: input.purpose,
        focus_area_keys: input.focus_area_keys,
        observers: observers.collect(),
    })
}

/// The visit an add or upsert input describes.
pub(crate) fn new_visit(input: AddVisitInput) -> Result<NewVisit, ApiError> {
    let started_at = match &input.started_at {
        None => None,
        Some(text) => Some(
            NaiveTime::parse_from_str(text, "%H:%M")
                .map_err(|_| ApiError::invalid("startedAt", "start time is HH:MM"))?,
        ),
    };
    Ok(NewVisit {
        walk_id: ids::known(ids::WALK, &input.walk_id)?,
        subject: input.subject,
        year_group: input.year_group,
        key_stage: input.key_stage,
        started_at,
        minutes: input.minutes,
        expected_version: input.expected_version,
        notes: input.notes,
    })
}

/// The ratings a record or amend input carries.
pub(super) fn new_ratings(
    input: RecordRatingsInput,
    amendment_reason: Option<String>,
) -> Result<NewRatings, ApiError> {
    let visit_id = ids::known(ids::VISIT, &input.visit_id)?;
    let entries = input.ratings.into_iter().map(|r| RatingEntry {
        indicator_code: r.indicator_code,
        outcome: r.outcome.map(Into::into),
        level: r.level,
        evidence: r.evidence,
    });
    Ok(NewRatings {
        walk_id: ids::known(ids::WALK, &input.walk_id)?,
        visit_id,
        observer_reference: input.observer_reference,
        entries: entries.collect(),
        expected_version: input.expected_version,
        amendment_reason,
    })
}
