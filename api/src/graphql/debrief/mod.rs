//! Debriefs and the actions agreed in them, and the action list. The
//! mutations that close a walk's cycle are in `mutations`.

mod mutations;

use async_graphql::{Context, Enum, ID, Object, Result};
use chrono::{DateTime, Utc};
use entity::{action, debrief};

use super::page::{self, PageArgs, Paged};
use super::{Date, caller, db, ids};
use crate::data::debriefs::{self, ActionFilter};

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
    /// Opaque global id.
    pub(crate) async fn id(&self) -> ID {
        ids::encode(ids::DEBRIEF, self.0.walk_id)
    }

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
    pub(crate) async fn id(&self) -> ID {
        ids::encode(ids::ACTION, self.0.id)
    }

    /// The partner's own id for it, if one was given through an upsert.
    async fn external_id(&self) -> Option<&str> {
        self.0.external_id.as_deref()
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

#[derive(Default)]
pub struct DebriefQuery;

#[Object]
impl DebriefQuery {
    /// Actions in the caller's scope, soonest due first, a page at a time.
    #[graphql(complexity = "page::cost(first, last, child_complexity)")]
    #[allow(clippy::too_many_arguments)] // one per GraphQL argument: paging and filters
    async fn actions(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The first this many actions after `after` (1 to 100 by default).")]
        first: Option<i32>,
        #[graphql(desc = "Cursor of an action; the page starts after it.")] after: Option<String>,
        #[graphql(desc = "The last this many actions before `before` (1 to 100 by default).")]
        last: Option<i32>,
        #[graphql(desc = "Cursor of an action; the page ends before it.")] before: Option<String>,
        #[graphql(desc = "Only this school's actions.")] school_urn: Option<i32>,
        status: Option<ActionStatus>,
        #[graphql(desc = "Only actions still open or in progress and due before this date.")]
        overdue_on: Option<Date>,
    ) -> Result<Paged<Action>> {
        let window = PageArgs::new(first, after, last, before).window(ctx, &debriefs::ACTIONS)?;
        let filter = ActionFilter {
            school_urn,
            status: status.map(Into::into),
            overdue_on: overdue_on.map(|d| d.0),
        };
        let rows = debriefs::page(db(ctx), &caller(ctx)?.scope, &filter, &window).await?;
        Ok(page::connection(rows, &debriefs::ACTIONS, Action))
    }
}

pub use mutations::DebriefMutation;
