//! Recording a walk: plan it, add visits, record ratings, submit.

use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};
use chrono::NaiveTime;

use super::evidence::EvidenceWarning;
use super::user_error::{UserError, payload, settle};
use super::walk::{ObserverRole, Rating, RatingOutcome, Visit, Walk};
use super::{Date, db, ids, leader, writer};
use crate::data::ratings::{self, NewRatings, RatingEntry};
use crate::data::visits::{self, NewVisit};
use crate::data::walks::{self, NewObserver, NewWalk};
use crate::error::ApiError;

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

/// The walk after a change; null with `userErrors` when nothing changed.
#[derive(SimpleObject, Default)]
pub struct WalkPayload {
    pub walk: Option<Walk>,
    /// Why nothing changed: empty when the mutation succeeded.
    pub user_errors: Vec<UserError>,
    /// The input's `clientMutationId`, echoed.
    pub client_mutation_id: Option<String>,
}

payload!(WalkPayload);

/// The new visit and its walk.
#[derive(SimpleObject)]
pub struct AddVisitPayload {
    pub visit: Visit,
    pub walk: Walk,
    /// Notes that read as a judgement or name a person.
    pub warnings: Vec<EvidenceWarning>,
    /// The input's `clientMutationId`, echoed.
    pub client_mutation_id: Option<String>,
}

/// The visit and the observer's ratings as stored.
#[derive(SimpleObject)]
pub struct RecordRatingsPayload {
    pub visit: Visit,
    pub ratings: Vec<Rating>,
    /// Evidence that reads as a judgement or names a person. Stored as
    /// sent unless the trust records strictly, when the whole request is
    /// refused instead.
    pub warnings: Vec<EvidenceWarning>,
    /// The input's `clientMutationId`, echoed.
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

/// Records or amends ratings: the common path of both mutations.
async fn record(
    ctx: &Context<'_>,
    caller: &crate::auth::Caller,
    input: RecordRatingsInput,
    amendment_reason: Option<String>,
    client_mutation_id: Option<String>,
) -> Result<RecordRatingsPayload> {
    let visit_id = ids::known(ids::VISIT, &input.visit_id)?;
    let entries = input.ratings.into_iter().map(|r| RatingEntry {
        indicator_code: r.indicator_code,
        outcome: r.outcome.map(Into::into),
        level: r.level,
        evidence: r.evidence,
    });
    let new = NewRatings {
        walk_id: ids::known(ids::WALK, &input.walk_id)?,
        visit_id,
        observer_reference: input.observer_reference,
        entries: entries.collect(),
        expected_version: input.expected_version,
        amendment_reason,
    };
    let recorded = ratings::record(db(ctx), caller, new).await?;
    Ok(RecordRatingsPayload {
        client_mutation_id,
        visit: Visit(recorded.visit),
        ratings: recorded.ratings.into_iter().map(Rating).collect(),
        warnings: recorded
            .warnings
            .into_iter()
            .map(EvidenceWarning::from)
            .collect(),
    })
}

/// The walk a create or upsert input plans.
pub(super) fn new_walk(input: CreateWalkInput) -> Result<NewWalk, ApiError> {
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
pub(super) fn new_visit(input: AddVisitInput) -> Result<NewVisit, ApiError> {
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

#[derive(Default)]
pub struct WalkMutation;

#[Object]
impl WalkMutation {
    /// Plans a walk at a school of the caller's scope.
    async fn create_walk(&self, ctx: &Context<'_>, input: CreateWalkInput) -> Result<WalkPayload> {
        let client_mutation_id = input.client_mutation_id.clone();
        let caller = writer(ctx)?;
        let outcome = async {
            let walk = walks::create(db(ctx), caller, new_walk(input)?).await?;
            Ok(WalkPayload {
                walk: Some(Walk(walk)),
                ..WalkPayload::default()
            })
        };
        settle(ctx, outcome.await, client_mutation_id)
    }

    /// Adds a classroom visit to a walk that is not yet submitted.
    async fn add_visit(&self, ctx: &Context<'_>, input: AddVisitInput) -> Result<AddVisitPayload> {
        let client_mutation_id = input.client_mutation_id.clone();
        let caller = writer(ctx)?;
        let new = new_visit(input)?;
        let (visit, walk, warnings) = visits::add(db(ctx), caller, new).await?;
        Ok(AddVisitPayload {
            client_mutation_id,
            visit: Visit(visit),
            walk: Walk(walk),
            warnings: warnings.into_iter().map(EvidenceWarning::from).collect(),
        })
    }

    /// Records one observer's ratings for a visit, all in one transaction;
    /// an entry for an indicator already rated by that observer replaces it.
    async fn record_ratings(
        &self,
        ctx: &Context<'_>,
        input: RecordRatingsInput,
    ) -> Result<RecordRatingsPayload> {
        let client_mutation_id = input.client_mutation_id.clone();
        record(ctx, writer(ctx)?, input, None, client_mutation_id).await
    }

    /// Corrects ratings of a submitted or debriefed walk, with the reason;
    /// the audit trail keeps the ratings before and after (leaders and
    /// partners).
    async fn amend_ratings(
        &self,
        ctx: &Context<'_>,
        input: AmendRatingsInput,
    ) -> Result<RecordRatingsPayload> {
        let client_mutation_id = input.client_mutation_id.clone();
        record(
            ctx,
            leader(ctx)?,
            input.ratings,
            Some(input.reason),
            client_mutation_id,
        )
        .await
    }

    /// Submits a walk with at least one visit; its ratings then lock.
    async fn submit_walk(&self, ctx: &Context<'_>, input: SubmitWalkInput) -> Result<WalkPayload> {
        let client_mutation_id = input.client_mutation_id.clone();
        let caller = writer(ctx)?;
        let outcome = async {
            let id = ids::known(ids::WALK, &input.walk_id)?;
            let walk = walks::submit(db(ctx), caller, id, input.expected_version).await?;
            Ok(WalkPayload {
                walk: Some(Walk(walk)),
                ..WalkPayload::default()
            })
        };
        settle(ctx, outcome.await, client_mutation_id)
    }
}
