//! Recording a walk: plan it, add visits, record ratings, submit.

mod inputs;

use async_graphql::{Context, Object, Result, SimpleObject};

use super::evidence::{self, EvidenceWarning};
use super::user_error::{UserError, payload, settle};
use super::walk::{Rating, Visit, Walk};
use super::{db, ids, leader, writer};
use crate::auth::Caller;
use crate::data::{ratings, visits, walks};

pub(crate) use inputs::{AddVisitInput, CreateWalkInput, new_visit, new_walk};
use inputs::{AmendRatingsInput, RecordRatingsInput, SubmitWalkInput};

/// The walk after a change; null with `userErrors` when nothing changed.
#[derive(SimpleObject, Default)]
pub struct WalkPayload {
    pub walk: Option<Walk>,
    /// Why nothing changed: empty when the mutation succeeded.
    pub user_errors: Vec<UserError>,
    /// The input's `clientMutationId`, echoed.
    pub client_mutation_id: Option<String>,
}

/// The new visit and its walk; null with `userErrors` when nothing
/// changed.
#[derive(SimpleObject, Default)]
pub struct AddVisitPayload {
    pub visit: Option<Visit>,
    pub walk: Option<Walk>,
    /// Notes that read as a judgement or name a person.
    pub warnings: Vec<EvidenceWarning>,
    /// Why nothing changed: empty when the mutation succeeded.
    pub user_errors: Vec<UserError>,
    /// The input's `clientMutationId`, echoed.
    pub client_mutation_id: Option<String>,
}

/// The visit and the observer's ratings as stored; null with `userErrors`
/// when nothing changed.
#[derive(SimpleObject, Default)]
pub struct RecordRatingsPayload {
    pub visit: Option<Visit>,
    pub ratings: Option<Vec<Rating>>,
    /// Evidence that reads as a judgement or names a person. Stored as
    /// sent unless the trust records strictly, when the whole request is
    /// refused instead.
    pub warnings: Vec<EvidenceWarning>,
    /// Why nothing changed: empty when the mutation succeeded.
    pub user_errors: Vec<UserError>,
    /// The input's `clientMutationId`, echoed.
    pub client_mutation_id: Option<String>,
}

payload!(WalkPayload, AddVisitPayload, RecordRatingsPayload);

/// Records or amends ratings: the common path of both mutations.
async fn record(
    ctx: &Context<'_>,
    caller: &Caller,
    input: RecordRatingsInput,
    amendment_reason: Option<String>,
    client_mutation_id: Option<String>,
) -> Result<RecordRatingsPayload> {
    let outcome = async {
        let new = inputs::new_ratings(input, amendment_reason)?;
        let recorded = ratings::record(db(ctx), caller, new).await?;
        Ok(RecordRatingsPayload {
            visit: Some(Visit(recorded.visit)),
            ratings: Some(recorded.ratings.into_iter().map(Rating::bare).collect()),
            warnings: evidence::shown(recorded.warnings),
            ..RecordRatingsPayload::default()
        })
    };
    settle(ctx, outcome.await, client_mutation_id)
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
        let outcome = async {
            let (visit, walk, warnings) = visits::add(db(ctx), caller, new_visit(input)?).await?;
            Ok(AddVisitPayload {
                visit: Some(Visit(visit)),
                walk: Some(Walk(walk)),
                warnings: evidence::shown(warnings),
                ..AddVisitPayload::default()
            })
        };
        settle(ctx, outcome.await, client_mutation_id)
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
        let reason = Some(input.reason);
        record(ctx, leader(ctx)?, input.ratings, reason, client_mutation_id).await
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
