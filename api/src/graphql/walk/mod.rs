//! Walks and their teams. Visits and ratings are in `visit`, the walk
//! queries in `query`.

mod ahead;
pub(super) mod observer;
mod query;
mod visit;

use async_graphql::{Context, Enum, ID, Object, Result};
use chrono::{DateTime, Utc};
use entity::{walk, walk_observer};

use super::audit::AuditEvent;
use super::debrief::{Action, Debrief};
use super::highlight::Highlight;
use super::page::{self, PageArgs, Paged};
use super::protocol::{FocusArea, Protocol};
use super::school::School;
use super::{Date, caller, ids, load_failed, loaders, many, one};
use crate::data::{audit, debriefs, highlights, visits};

pub use observer::{Observer, ObserverQuery};
pub use query::WalkQuery;
pub use visit::{Rating, Visit};

/// Where a walk is in its life.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::WalkStatus")]
pub enum WalkStatus {
    /// Planned; no visit recorded yet.
    Planned,
    /// Visits are being recorded.
    InProgress,
    /// Finished; visits and ratings are locked.
    Submitted,
    /// Talked through with the school; next steps agreed.
    Debriefed,
    /// Done with: its actions live on.
    Closed,
    /// Called off before it was submitted.
    Cancelled,
}

/// A person's part on one walk.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::ObserverRole")]
pub enum ObserverRole {
    /// Leads the walk; only the lead's ratings enter the trust's figures.
    Lead,
    CoObserver,
    /// Learning to observe; their ratings feed agreement only.
    Trainee,
}

/// What an observer recorded for one indicator.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::RatingOutcome")]
pub enum RatingOutcome {
    /// A level on the protocol's scale.
    Level,
    /// Could have been seen in this lesson, and was not.
    NotObserved,
    /// Could not be seen in this lesson.
    NotApplicable,
}

/// One visit by a team to one school on one day, against one protocol
/// version.
pub struct Walk(pub walk::Model);

#[Object]
impl Walk {
    /// Opaque global id.
    pub(crate) async fn id(&self) -> ID {
        ids::encode(ids::WALK, self.0.id)
    }

    /// The partner's own id for it, if one was given through an upsert.
    async fn external_id(&self) -> Option<&str> {
        self.0.external_id.as_deref()
    }

    async fn school(&self, ctx: &Context<'_>) -> Result<School> {
        Ok(School(
            one(&loaders(ctx).school, self.0.school_urn, "school of a walk").await?,
        ))
    }

    /// The exact protocol version the walk uses.
    async fn protocol(&self, ctx: &Context<'_>) -> Result<Protocol> {
        Ok(Protocol(
            one(
                &loaders(ctx).protocol,
                self.0.protocol_id,
                "protocol of a walk",
            )
            .await?,
        ))
    }

    async fn date(&self) -> Date {
        Date(self.0.walk_date)
    }

    /// What the walk looks for and why, stated before it happens.
    async fn purpose(&self) -> &str {
        &self.0.purpose
    }

    async fn status(&self) -> WalkStatus {
        self.0.status.into()
    }

    /// Raised by every write to the walk, its visits and ratings. Send it
    /// back as `expectedVersion` so a write based on an old read is refused
    /// with `CONFLICT` instead of overwriting someone else's change.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// Focus areas the walk is limited to; empty when it covers the whole
    /// protocol.
    #[graphql(complexity = "20 * child_complexity")]
    async fn focus_areas(&self, ctx: &Context<'_>) -> Result<Vec<FocusArea>> {
        let ids = many(&loaders(ctx).focus_areas_of_walk, self.0.id).await?;
        let ids: Vec<_> = ids.into_iter().map(|link| link.focus_area_id).collect();
        let mut areas: Vec<_> = loaders(ctx)
            .focus_area
            .load_many(ids)
            .await
            .map_err(load_failed)?
            .into_values()
            .collect();
        areas.sort_by_key(|area| area.position);
        Ok(areas.into_iter().map(FocusArea).collect())
    }

    /// The team: lead first.
    #[graphql(complexity = "10 * child_complexity")]
    async fn observers(&self, ctx: &Context<'_>) -> Result<Vec<WalkObserver>> {
        let mut rows = many(&loaders(ctx).observers_of_walk, self.0.id).await?;
        rows.sort_by_key(|row| row.role != entity::ObserverRole::Lead);
        Ok(rows.into_iter().map(WalkObserver).collect())
    }

    /// Classroom visits by start time; those without one last, in the
    /// order they were recorded.
    #[graphql(complexity = "page::cost(first, last, child_complexity)")]
    async fn visits(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The first this many visits after `after`.")] first: Option<i32>,
        #[graphql(desc = "Cursor of a visit; the page starts after it.")] after: Option<String>,
        #[graphql(desc = "The last this many visits before `before`.")] last: Option<i32>,
        #[graphql(desc = "Cursor of a visit; the page ends before it.")] before: Option<String>,
    ) -> Result<Paged<Visit>> {
        let rows = many(&loaders(ctx).visits_of_walk, self.0.id).await?;
        let args = PageArgs::new(first, after, last, before);
        Ok(args.slice(ctx, rows, &visits::OF_WALK, Visit)?)
    }

    /// The conversation after the walk, once recorded.
    async fn debrief(&self, ctx: &Context<'_>) -> Result<Option<Debrief>> {
        let row = loaders(ctx).debrief_of_walk.load_one(self.0.id).await;
        Ok(row.map_err(load_failed)?.map(Debrief))
    }

    /// Next steps agreed in the debrief, soonest due first.
    #[graphql(complexity = "page::cost(first, last, child_complexity)")]
    async fn actions(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The first this many actions after `after`.")] first: Option<i32>,
        #[graphql(desc = "Cursor of an action; the page starts after it.")] after: Option<String>,
        #[graphql(desc = "The last this many actions before `before`.")] last: Option<i32>,
        #[graphql(desc = "Cursor of an action; the page ends before it.")] before: Option<String>,
    ) -> Result<Paged<Action>> {
        let rows = many(&loaders(ctx).actions_of_walk, self.0.id).await?;
        let args = PageArgs::new(first, after, last, before);
        Ok(args.slice(ctx, rows, &debriefs::ACTIONS, Action)?)
    }

    /// Strong practice recorded from this walk, newest first.
    #[graphql(complexity = "page::cost(first, last, child_complexity)")]
    async fn highlights(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The first this many highlights after `after`.")] first: Option<i32>,
        #[graphql(desc = "Cursor of a highlight; the page starts after it.")] after: Option<String>,
        #[graphql(desc = "The last this many highlights before `before`.")] last: Option<i32>,
        #[graphql(desc = "Cursor of a highlight; the page ends before it.")] before: Option<String>,
    ) -> Result<Paged<Highlight>> {
        let rows = many(&loaders(ctx).highlights_of_walk, self.0.id).await?;
        let args = PageArgs::new(first, after, last, before);
        Ok(args.slice(ctx, rows, &highlights::LIST, Highlight)?)
    }

    /// Every change to the walk, its visits and its ratings, oldest first.
    /// Trust-wide trust leaders only; null with a `FORBIDDEN` error for
    /// anyone else.
    #[graphql(complexity = "page::cost(first, last, child_complexity)")]
    async fn audit_trail(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The first this many events after `after` (1 to 100 by default).")]
        first: Option<i32>,
        #[graphql(desc = "Cursor of an event; the page starts after it.")] after: Option<String>,
        #[graphql(desc = "The last this many events before `before` (1 to 100 by default).")]
        last: Option<i32>,
        #[graphql(desc = "Cursor of an event; the page ends before it.")] before: Option<String>,
    ) -> Result<Option<Paged<AuditEvent>>> {
        caller(ctx)?.require_trust_leader()?;
        let events = many(&loaders(ctx).audit_of_walk, self.0.id).await?;
        let args = PageArgs::new(first, after, last, before);
        Ok(Some(args.slice(ctx, events, &audit::TRAIL, AuditEvent)?))
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }

    async fn submitted_at(&self) -> Option<DateTime<Utc>> {
        self.0.submitted_at
    }
}

/// An observer on a walk, with their walk role.
pub struct WalkObserver(walk_observer::Model);

#[Object]
impl WalkObserver {
    async fn role(&self) -> ObserverRole {
        self.0.role.into()
    }

    async fn observer(&self, ctx: &Context<'_>) -> Result<Observer> {
        Ok(Observer(
            one(
                &loaders(ctx).observer,
                self.0.observer_id,
                "observer of a walk",
            )
            .await?,
        ))
    }
}
