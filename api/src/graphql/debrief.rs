//! Debriefs and the actions agreed in them: types, the action list and the
//! mutations that close a walk's cycle.

use async_graphql::{Context, Enum, ID, InputObject, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};
use entity::{action, debrief};

use super::evidence::EvidenceWarning;
use super::walk::Walk;
use super::{Date, caller, db, ids, leader};
use crate::data::debriefs::{self, ActionChange, ActionFilter, NewAction, NewDebrief};
use crate::data::walks;
use crate::error::ApiError;

/// A role in a school or trust. Debriefs and actions name roles, never
/// people.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::SchoolRole")]
pub enum SchoolRole {
    Head,
    SeniorLeader,
    CurriculumLead,
    SubjectLead,
    Senco,
    SchoolImprovementPartner,
    TrustLeader,
    Observer,
}

/// Where an agreed next step is.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::ActionStatus")]
pub enum ActionStatus {
    Open,
    InProgress,
    Done,
    /// Agreed no longer to pursue.
    Dropped,
}

/// The conversation after a walk.
pub struct Debrief(pub debrief::Model);

#[Object]
impl Debrief {
    async fn held_on(&self) -> Date {
        Date(self.0.held_on)
    }

    /// Who took part, by role.
    async fn participants(&self) -> Vec<SchoolRole> {
        let roles: Vec<entity::SchoolRole> =
            serde_json::from_str(&self.0.participants).unwrap_or_default();
        roles.into_iter().map(Into::into).collect()
    }

    async fn strengths(&self) -> &str {
        &self.0.strengths
    }

    async fn reflections(&self) -> &str {
        &self.0.reflections
    }

    async fn recorded_at(&self) -> DateTime<Utc> {
        self.0.recorded_at
    }
}

/// A next step agreed in a debrief.
pub struct Action(pub action::Model);

#[Object]
impl Action {
    /// Opaque global id.
    async fn id(&self) -> ID {
        ids::encode(ids::ACTION, self.0.id)
    }

    async fn description(&self) -> &str {
        &self.0.description
    }

    async fn owner_role(&self) -> SchoolRole {
        self.0.owner_role.into()
    }

    async fn due_on(&self) -> Date {
        Date(self.0.due_on)
    }

    async fn status(&self) -> ActionStatus {
        self.0.status.into()
    }

    /// URN of the school the action belongs to.
    async fn school_urn(&self) -> i32 {
        self.0.school_urn
    }

    /// The walk whose debrief agreed it.
    async fn walk_id(&self) -> ID {
        ids::encode(ids::WALK, self.0.walk_id)
    }
}

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
}

/// The walk, now debriefed, with its debrief and actions.
#[derive(SimpleObject)]
pub struct RecordDebriefPayload {
    pub walk: Walk,
    pub debrief: Debrief,
    pub actions: Vec<Action>,
    /// Text that reads as a judgement or names a person.
    pub warnings: Vec<EvidenceWarning>,
}

/// A change to an action; omitted fields stay as they are.
#[derive(InputObject)]
pub struct UpdateActionInput {
    pub action_id: ID,
    pub status: Option<ActionStatus>,
    pub due_on: Option<Date>,
}

/// The action after the change.
#[derive(SimpleObject)]
pub struct UpdateActionPayload {
    pub action: Action,
}

/// The walk to close or cancel.
#[derive(InputObject)]
pub struct CloseWalkInput {
    pub walk_id: ID,
    /// The walk's `version` as last read.
    pub expected_version: Option<i32>,
}

/// The walk to call off, and why.
#[derive(InputObject)]
pub struct CancelWalkInput {
    pub walk_id: ID,
    pub reason: String,
    /// The walk's `version` as last read.
    pub expected_version: Option<i32>,
}

/// The walk after the change.
#[derive(SimpleObject)]
pub struct WalkStatusPayload {
    pub walk: Walk,
}

fn walk_id(id: &ID) -> Result<uuid::Uuid, ApiError> {
    ids::decode_uuid(ids::WALK, id).ok_or_else(|| ApiError::NotFound("No walk with this id".into()))
}

#[derive(Default)]
pub struct DebriefQuery;

#[Object]
impl DebriefQuery {
    /// Actions in the caller's scope, soonest due first.
    async fn actions(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only this school's actions.")] school_urn: Option<i32>,
        status: Option<ActionStatus>,
        #[graphql(desc = "Only actions still open or in progress and due before this date.")]
        overdue_on: Option<Date>,
    ) -> Result<Vec<Action>> {
        let filter = ActionFilter {
            school_urn,
            status: status.map(Into::into),
            overdue_on: overdue_on.map(|d| d.0),
        };
        let rows = debriefs::list(db(ctx), &caller(ctx)?.scope, &filter).await?;
        Ok(rows.into_iter().map(Action).collect())
    }
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
        let caller = leader(ctx)?;
        let actions = input.actions.into_iter().map(|a| NewAction {
            description: a.description,
            owner_role: a.owner_role.into(),
            due_on: a.due_on.0,
        });
        let new = NewDebrief {
            walk_id: walk_id(&input.walk_id)?,
            held_on: input.held_on.0,
            participants: input.participants.into_iter().map(Into::into).collect(),
            strengths: input.strengths,
            reflections: input.reflections,
            actions: actions.collect(),
            expected_version: input.expected_version,
        };
        let done = debriefs::record(db(ctx), caller, new).await?;
        Ok(RecordDebriefPayload {
            walk: Walk(done.walk),
            debrief: Debrief(done.debrief),
            actions: done.actions.into_iter().map(Action).collect(),
            warnings: done
                .warnings
                .into_iter()
                .map(EvidenceWarning::from)
                .collect(),
        })
    }

    /// Changes an action's status or due date.
    async fn update_action(
        &self,
        ctx: &Context<'_>,
        input: UpdateActionInput,
    ) -> Result<UpdateActionPayload> {
        let caller = leader(ctx)?;
        let id = ids::decode_uuid(ids::ACTION, &input.action_id)
            .ok_or_else(|| ApiError::NotFound("No action with this id".into()))?;
        let change = ActionChange {
            id,
            status: input.status.map(Into::into),
            due_on: input.due_on.map(|d| d.0),
        };
        let action = debriefs::update(db(ctx), caller, change).await?;
        Ok(UpdateActionPayload {
            action: Action(action),
        })
    }

    /// Closes a debriefed walk.
    async fn close_walk(
        &self,
        ctx: &Context<'_>,
        input: CloseWalkInput,
    ) -> Result<WalkStatusPayload> {
        let caller = leader(ctx)?;
        let walk = walks::close(
            db(ctx),
            caller,
            walk_id(&input.walk_id)?,
            input.expected_version,
        )
        .await?;
        Ok(WalkStatusPayload { walk: Walk(walk) })
    }

    /// Calls off a walk that has not been submitted.
    async fn cancel_walk(
        &self,
        ctx: &Context<'_>,
        input: CancelWalkInput,
    ) -> Result<WalkStatusPayload> {
        let caller = leader(ctx)?;
        let id = walk_id(&input.walk_id)?;
        let walk =
            walks::cancel(db(ctx), caller, id, &input.reason, input.expected_version).await?;
        Ok(WalkStatusPayload { walk: Walk(walk) })
    }
}
