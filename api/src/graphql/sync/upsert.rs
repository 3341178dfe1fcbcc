//! Create-or-update by the partner's own ids: replaying an outbox is safe,
//! since the same input again changes nothing.

use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};

use crate::data::{upserts, visits, walks};
use crate::graphql::debrief::{Action, ActionStatus, SchoolRole};
use crate::graphql::evidence::{self, EvidenceWarning};
use crate::graphql::user_error::{UserError, payload, settle};
use crate::graphql::walk::{Observer, Visit, Walk};
use crate::graphql::walk_mutations::{AddVisitInput, CreateWalkInput, new_visit, new_walk};
use crate::graphql::{Date, db, ids, leader, writer};

/// A walk by the partner's id: planned when new, its plan replaced while
/// it is still planned, and left alone when nothing differs.
#[derive(InputObject)]
pub struct UpsertWalkInput {
    /// The partner's own id for the walk, unique within the trust; 1 to
    /// 200 characters. The school and protocol of an existing walk never
    /// change: naming others is a `CONFLICT`.
    pub external_id: String,
    #[graphql(flatten)]
    pub walk: CreateWalkInput,
}

/// The walk as stored, and whether this call created it; null with
/// `userErrors` when refused.
#[derive(SimpleObject, Default)]
pub struct UpsertWalkPayload {
    pub walk: Option<Walk>,
    /// Whether this call created it; null when it was refused.
    pub created: Option<bool>,
    /// Why nothing changed: empty when the mutation succeeded.
    pub user_errors: Vec<UserError>,
    /// The input's `clientMutationId`, echoed.
    pub client_mutation_id: Option<String>,
}

/// A visit by the partner's id: added when new, changed while its walk is
/// open, and left alone when nothing differs.
#[derive(InputObject)]
pub struct UpsertVisitInput {
    /// The partner's own id for the visit, unique within the trust; 1 to
    /// 200 characters. A visit never moves to another walk.
    pub external_id: String,
    #[graphql(flatten)]
    pub visit: AddVisitInput,
}

/// The visit and its walk as stored, and whether this call created it;
/// null with `userErrors` when refused.
#[derive(SimpleObject, Default)]
pub struct UpsertVisitPayload {
    pub visit: Option<Visit>,
    pub walk: Option<Walk>,
    /// Whether this call created it; null when it was refused.
    pub created: Option<bool>,
    /// Notes that read as a judgement or name a person.
    pub warnings: Vec<EvidenceWarning>,
    /// Why nothing changed: empty when the mutation succeeded.
    pub user_errors: Vec<UserError>,
    /// The input's `clientMutationId`, echoed.
    pub client_mutation_id: Option<String>,
}

/// An observer by the trust's reference for them (leaders and partners).
#[derive(InputObject)]
pub struct UpsertObserverInput {
    /// The trust's own id for the person, as walk teams name them; 1 to
    /// 200 characters.
    pub external_id: String,
    pub display_name: String,
    /// Any text of the client's, echoed in the payload, to match a
    /// response to its request.
    pub client_mutation_id: Option<String>,
    /// Makes the write safe to retry: the same key with the same input
    /// within 24 hours returns the first answer and writes nothing again;
    /// the same key with other input is a `CONFLICT`. Keys are the
    /// caller's own, 1 to 200 characters.
    pub idempotency_key: Option<String>,
}

/// The observer as stored, and whether this call created them; null with
/// `userErrors` when refused.
#[derive(SimpleObject, Default)]
pub struct UpsertObserverPayload {
    pub observer: Option<Observer>,
    /// Whether this call created them; null when it was refused.
    pub created: Option<bool>,
    /// Why nothing changed: empty when the mutation succeeded.
    pub user_errors: Vec<UserError>,
    /// The input's `clientMutationId`, echoed.
    pub client_mutation_id: Option<String>,
}

/// An agreed action by the partner's id (leaders and partners): created on
/// a debriefed walk when new, changed otherwise.
#[derive(InputObject)]
pub struct UpsertActionInput {
    /// The partner's own id for the action, unique within the trust; 1 to
    /// 200 characters. An action never moves to another walk.
    pub external_id: String,
    pub walk_id: ID,
    /// The next step, in neutral words.
    pub description: String,
    pub owner_role: SchoolRole,
    pub due_on: Date,
    /// `OPEN` for a new action; an existing one keeps its status when
    /// omitted.
    pub status: Option<ActionStatus>,
    /// Any text of the client's, echoed in the payload, to match a
    /// response to its request.
    pub client_mutation_id: Option<String>,
    /// Makes the write safe to retry: the same key with the same input
    /// within 24 hours returns the first answer and writes nothing again;
    /// the same key with other input is a `CONFLICT`. Keys are the
    /// caller's own, 1 to 200 characters.
    pub idempotency_key: Option<String>,
}

/// The action as stored, and whether this call created it; null with
/// `userErrors` when refused.
#[derive(SimpleObject, Default)]
pub struct UpsertActionPayload {
    pub action: Option<Action>,
    /// Whether this call created it; null when it was refused.
    pub created: Option<bool>,
    /// Wording that reads as a judgement or names a person.
    pub warnings: Vec<EvidenceWarning>,
    /// Why nothing changed: empty when the mutation succeeded.
    pub user_errors: Vec<UserError>,
    /// The input's `clientMutationId`, echoed.
    pub client_mutation_id: Option<String>,
}

payload!(
    UpsertWalkPayload,
    UpsertVisitPayload,
    UpsertObserverPayload,
    UpsertActionPayload,
);

#[derive(Default)]
pub struct UpsertMutation;

#[Object]
impl UpsertMutation {
    /// Plans the walk with this `externalId`, or brings it up to date.
    async fn upsert_walk(
        &self,
        ctx: &Context<'_>,
        input: UpsertWalkInput,
    ) -> Result<UpsertWalkPayload> {
        let client_mutation_id = input.walk.client_mutation_id.clone();
        let caller = writer(ctx)?;
        let outcome = async {
            let new = new_walk(input.walk)?;
            let (walk, created) = walks::upsert(db(ctx), caller, &input.external_id, new).await?;
            Ok(UpsertWalkPayload {
                walk: Some(Walk(walk)),
                created: Some(created),
                ..UpsertWalkPayload::default()
            })
        };
        settle(ctx, outcome.await, client_mutation_id)
    }

    /// Adds the visit with this `externalId`, or brings it up to date.
    async fn upsert_visit(
        &self,
        ctx: &Context<'_>,
        input: UpsertVisitInput,
    ) -> Result<UpsertVisitPayload> {
        let client_mutation_id = input.visit.client_mutation_id.clone();
        let caller = writer(ctx)?;
        let outcome = async {
            let new = new_visit(input.visit)?;
            let ((visit, walk, warnings), created) =
                visits::upsert(db(ctx), caller, &input.external_id, new).await?;
            Ok(UpsertVisitPayload {
                visit: Some(Visit(visit)),
                walk: Some(Walk(walk)),
                created: Some(created),
                warnings: evidence::shown(warnings),
                ..UpsertVisitPayload::default()
            })
        };
        settle(ctx, outcome.await, client_mutation_id)
    }

    /// Creates the observer with this `externalId`, or renames them.
    async fn upsert_observer(
        &self,
        ctx: &Context<'_>,
        input: UpsertObserverInput,
    ) -> Result<UpsertObserverPayload> {
        let caller = leader(ctx)?;
        let (external_id, name) = (&input.external_id, &input.display_name);
        let upserted = upserts::observer(db(ctx), caller, external_id, name).await;
        let outcome = upserted.map(|(observer, created)| UpsertObserverPayload {
            observer: Some(Observer(observer)),
            created: Some(created),
            ..UpsertObserverPayload::default()
        });
        settle(ctx, outcome, input.client_mutation_id)
    }

    /// Creates the action with this `externalId`, or brings it up to date.
    async fn upsert_action(
        &self,
        ctx: &Context<'_>,
        input: UpsertActionInput,
    ) -> Result<UpsertActionPayload> {
        let client_mutation_id = input.client_mutation_id.clone();
        let caller = leader(ctx)?;
        let outcome = async {
            let new = upserts::ActionInput {
                walk_id: ids::known(ids::WALK, &input.walk_id)?,
                description: input.description,
                owner_role: input.owner_role.into(),
                due_on: input.due_on.0,
                status: input.status.map(Into::into),
            };
            let (action, warnings, created) =
                upserts::action(db(ctx), caller, &input.external_id, new).await?;
            Ok(UpsertActionPayload {
                action: Some(Action(action)),
                created: Some(created),
                warnings: evidence::shown(warnings),
                ..UpsertActionPayload::default()
            })
        };
        settle(ctx, outcome.await, client_mutation_id)
    }
}
