//! The mutations that close a walk's cycle: debrief, actions, close and
//! cancel.

use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};

use super::{Action, ActionStatus, Debrief, SchoolRole};
use crate::data::debriefs::{self, ActionChange, NewAction, NewDebrief};
use crate::data::walks;
use crate::error::ApiError;
use crate::graphql::evidence::{self, EvidenceWarning};
use crate::graphql::user_error::{UserError, payload, settle};
use crate::graphql::walk::Walk;
use crate::graphql::{Date, db, ids, leader};

/// A next step to agree.
#[derive(InputObject)]
pub struct ActionInput {
    pub description: String,
    pub owner_role: SchoolRole,
    pub due_on: Date,
}

/// The debrief of a submitted walk.
#[derive(InputObject)]
pub struct RecordDebriefInput {
    pub walk_id: ID,
    pub held_on: Date,
    /// Who took part, by role.
    pub participants: Vec<SchoolRole>,
    pub strengths: String,
    pub reflections: String,
    /// The agreed next steps.
    pub actions: Vec<ActionInput>,
    /// The walk's `version` as last read: refused with `CONFLICT` if the
    /// walk has changed since.
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

/// The walk, now debriefed, with its debrief and actions; null with
/// `userErrors` when nothing changed.
#[derive(SimpleObject, Default)]
pub struct RecordDebriefPayload {
    pub walk: Option<Walk>,
    pub debrief: Option<Debrief>,
    pub actions: Option<Vec<Action>>,
    /// Text that reads as a judgement or names a person.
    pub warnings: Vec<EvidenceWarning>,
    /// Why nothing changed: empty when the mutation succeeded.
    pub user_errors: Vec<UserError>,
    /// The input's `clientMutationId`, echoed.
    pub client_mutation_id: Option<String>,
}

/// A change to an action; omitted fields stay as they are.
#[derive(InputObject)]
pub struct UpdateActionInput {
    pub action_id: ID,
    pub status: Option<ActionStatus>,
    pub due_on: Option<Date>,
    /// Any text of the client's, echoed in the payload, to match a
    /// response to its request.
    pub client_mutation_id: Option<String>,
}

/// The action after the change; null with `userErrors` when nothing
/// changed.
#[derive(SimpleObject, Default)]
pub struct UpdateActionPayload {
    pub action: Option<Action>,
    /// Why nothing changed: empty when the mutation succeeded.
    pub user_errors: Vec<UserError>,
    /// The input's `clientMutationId`, echoed.
    pub client_mutation_id: Option<String>,
}

/// The walk to close or cancel.
#[derive(InputObject)]
pub struct CloseWalkInput {
    pub walk_id: ID,
    /// The walk's `version` as last read.
    pub expected_version: Option<i32>,
    /// Any text of the client's, echoed in the payload, to match a
    /// response to its request.
    pub client_mutation_id: Option<String>,
}

/// The walk to call off, and why.
#[derive(InputObject)]
pub struct CancelWalkInput {
    pub walk_id: ID,
    pub reason: String,
    /// The walk's `version` as last read.
    pub expected_version: Option<i32>,
    /// Any text of the client's, echoed in the payload, to match a
    /// response to its request.
    pub client_mutation_id: Option<String>,
}

/// The walk after the change; null with `userErrors` when nothing
/// changed.
#[derive(SimpleObject, Default)]
pub struct WalkStatusPayload {
    pub walk: Option<Walk>,
    /// Why nothing changed: empty when the mutation succeeded.
    pub user_errors: Vec<UserError>,
    /// The input's `clientMutationId`, echoed.
    pub client_mutation_id: Option<String>,
}

payload!(RecordDebriefPayload, UpdateActionPayload, WalkStatusPayload);

impl WalkStatusPayload {
    /// The payload of a close or cancel that succeeded.
    fn of(walk: entity::walk::Model) -> Self {
        WalkStatusPayload {
            walk: Some(Walk(walk)),
            ..WalkStatusPayload::default()
        }
    }
}

/// The debrief the input records.
fn new_debrief(input: RecordDebriefInput) -> Result<NewDebrief, ApiError> {
    let actions = input.actions.into_iter().map(|a| NewAction {
        description: a.description,
        owner_role: a.owner_role.into(),
        due_on: a.due_on.0,
    });
    Ok(NewDebrief {
        walk_id: ids::known(ids::WALK, &input.walk_id)?,
        held_on: input.held_on.0,
        participants: input.participants.into_iter().map(Into::into).collect(),
        strengths: input.strengths,
        reflections: input.reflections,
        actions: actions.collect(),
        expected_version: input.expected_version,
    })
}

#[derive(Default)]
pub struct DebriefMutation;

#[Object]
impl DebriefMutation {
    /// Records the debrief of a submitted walk and its agreed actions; the
    /// walk becomes debriefed.
    async fn record_debrief(
        &self,
        ctx: &Context<'_>,
        input: RecordDebriefInput,
    ) -> Result<RecordDebriefPayload> {
        let client_mutation_id = input.client_mutation_id.clone();
        let caller = leader(ctx)?;
        let outcome = async {
            let done = debriefs::record(db(ctx), caller, new_debrief(input)?).await?;
            Ok(RecordDebriefPayload {
                walk: Some(Walk(done.walk)),
                debrief: Some(Debrief(done.debrief)),
                actions: Some(done.actions.into_iter().map(Action).collect()),
                warnings: evidence::shown(done.warnings),
                ..RecordDebriefPayload::default()
            })
        };
        settle(ctx, outcome.await, client_mutation_id)
    }

    /// Changes an action's status or due date.
    async fn update_action(
        &self,
        ctx: &Context<'_>,
        input: UpdateActionInput,
    ) -> Result<UpdateActionPayload> {
        let client_mutation_id = input.client_mutation_id.clone();
        let caller = leader(ctx)?;
        let outcome = async {
            let change = ActionChange {
                id: ids::known(ids::ACTION, &input.action_id)?,
                status: input.status.map(Into::into),
                due_on: input.due_on.map(|d| d.0),
            };
            let action = debriefs::update(db(ctx), caller, change).await?;
            Ok(UpdateActionPayload {
                action: Some(Action(action)),
                ..UpdateActionPayload::default()
            })
        };
        settle(ctx, outcome.await, client_mutation_id)
    }

    /// Closes a debriefed walk.
    async fn close_walk(
        &self,
        ctx: &Context<'_>,
        input: CloseWalkInput,
    ) -> Result<WalkStatusPayload> {
        let client_mutation_id = input.client_mutation_id.clone();
        let caller = leader(ctx)?;
        let outcome = async {
            let id = ids::known(ids::WALK, &input.walk_id)?;
            walks::close(db(ctx), caller, id, input.expected_version).await
        };
        let outcome = outcome.await.map(WalkStatusPayload::of);
        settle(ctx, outcome, client_mutation_id)
    }

    /// Calls off a walk that has not been submitted.
    async fn cancel_walk(
        &self,
        ctx: &Context<'_>,
        input: CancelWalkInput,
    ) -> Result<WalkStatusPayload> {
        let client_mutation_id = input.client_mutation_id.clone();
        let caller = leader(ctx)?;
        let outcome = async {
            let id = ids::known(ids::WALK, &input.walk_id)?;
            let reason = &input.reason;
            walks::cancel(db(ctx), caller, id, reason, input.expected_version).await
        };
        let outcome = outcome.await.map(WalkStatusPayload::of);
        settle(ctx, outcome, client_mutation_id)
    }
}
