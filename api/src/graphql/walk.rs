//! Walks, their observers, visits and ratings, and the walk queries.

use async_graphql::connection::{Connection, Edge};
use async_graphql::{Context, Enum, ID, InputObject, Object, Result, SimpleObject};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, NaiveDate, Utc};
use entity::{observer, rating, visit, walk, walk_observer};

use super::protocol::{FocusArea, Indicator, Protocol};
use super::school::School;
use super::{Date, caller, db, ids, limits, load_failed, loaders, present};
use crate::data::walks::{self, WalkCursor, WalkFilter};
use crate::error::ApiError;

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
    async fn id(&self) -> ID {
        ids::encode(ids::WALK, self.0.id)
    }

    async fn school(&self, ctx: &Context<'_>) -> Result<School> {
        let row = loaders(ctx)
            .school
            .load_one(self.0.school_urn)
            .await
            .map_err(load_failed)?;
        Ok(School(present(row, "school of a walk")?))
    }

    /// The exact protocol version the walk uses.
    async fn protocol(&self, ctx: &Context<'_>) -> Result<Protocol> {
        let row = loaders(ctx)
            .protocol
            .load_one(self.0.protocol_id)
            .await
            .map_err(load_failed)?;
        Ok(Protocol(present(row, "protocol of a walk")?))
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

    /// Focus areas the walk is limited to; empty when it covers the whole
    /// protocol.
    async fn focus_areas(&self, ctx: &Context<'_>) -> Result<Vec<FocusArea>> {
        let links = loaders(ctx).focus_areas_of_walk.load_one(self.0.id).await;
        let ids = links.map_err(load_failed)?.unwrap_or_default();
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
    async fn observers(&self, ctx: &Context<'_>) -> Result<Vec<WalkObserver>> {
        let rows = loaders(ctx).observers_of_walk.load_one(self.0.id).await;
        let mut rows = rows.map_err(load_failed)?.unwrap_or_default();
        rows.sort_by_key(|row| row.role != entity::ObserverRole::Lead);
        Ok(rows.into_iter().map(WalkObserver).collect())
    }

    /// Classroom visits by start time; those without one last, in the
    /// order they were recorded.
    async fn visits(&self, ctx: &Context<'_>) -> Result<Vec<Visit>> {
        let rows = loaders(ctx).visits_of_walk.load_one(self.0.id).await;
        let mut rows = rows.map_err(load_failed)?.unwrap_or_default();
        rows.sort_by_key(|v| (v.started_at.is_none(), v.started_at, v.created_at, v.id));
        Ok(rows.into_iter().map(Visit).collect())
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
        let row = loaders(ctx)
            .observer
            .load_one(self.0.observer_id)
            .await
            .map_err(load_failed)?;
        Ok(Observer(present(row, "observer of a walk")?))
    }
}

/// A person of the trust who takes part in walks.
pub struct Observer(observer::Model);

#[Object]
impl Observer {
    /// Opaque global id.
    async fn id(&self) -> ID {
        ids::encode(ids::OBSERVER, self.0.id)
    }

    /// The trust's own opaque id for the person.
    async fn reference(&self) -> &str {
        &self.0.reference
    }

    async fn display_name(&self) -> &str {
        &self.0.display_name
    }
}

/// One classroom drop-in within a walk. It records context, never a
/// teacher.
pub struct Visit(pub visit::Model);

#[Object]
impl Visit {
    /// Opaque global id.
    async fn id(&self) -> ID {
        ids::encode(ids::VISIT, self.0.id)
    }

    async fn subject(&self) -> &str {
        &self.0.subject
    }

    /// Year group; 0 is Reception.
    async fn year_group(&self) -> Option<i32> {
        self.0.year_group
    }

    /// EYFS, KS1 … KS5.
    async fn key_stage(&self) -> Option<&str> {
        self.0.key_stage.as_deref()
    }

    /// Local start time, `HH:MM`.
    async fn started_at(&self) -> Option<String> {
        self.0
            .started_at
            .map(|time| time.format("%H:%M").to_string())
    }

    async fn minutes(&self) -> i32 {
        self.0.minutes
    }

    /// Every observer's ratings for this visit.
    async fn ratings(&self, ctx: &Context<'_>) -> Result<Vec<Rating>> {
        let rows = loaders(ctx).ratings_of_visit.load_one(self.0.id).await;
        Ok(rows
            .map_err(load_failed)?
            .unwrap_or_default()
            .into_iter()
            .map(Rating)
            .collect())
    }
}

/// One observer's entry for one indicator in one visit.
pub struct Rating(pub rating::Model);

#[Object]
impl Rating {
    async fn indicator(&self, ctx: &Context<'_>) -> Result<Indicator> {
        let row = loaders(ctx)
            .indicator
            .load_one(self.0.indicator_id)
            .await
            .map_err(load_failed)?;
        Ok(Indicator(present(row, "indicator of a rating")?))
    }

    async fn observer(&self, ctx: &Context<'_>) -> Result<Observer> {
        let row = loaders(ctx)
            .observer
            .load_one(self.0.observer_id)
            .await
            .map_err(load_failed)?;
        Ok(Observer(present(row, "observer of a rating")?))
    }

    async fn outcome(&self) -> RatingOutcome {
        self.0.outcome.into()
    }

    /// The level, when the outcome is `LEVEL`.
    async fn level(&self) -> Option<i32> {
        self.0.level
    }

    /// Neutral evidence noted by the observer.
    async fn evidence(&self) -> Option<&str> {
        self.0.evidence.as_deref()
    }

    async fn recorded_at(&self) -> DateTime<Utc> {
        self.0.recorded_at
    }
}

/// Narrows the walk list.
#[derive(InputObject, Default)]
pub struct WalksFilter {
    /// Only walks at this school.
    pub school_urn: Option<i32>,
    /// Only walks on this protocol version.
    pub protocol_id: Option<ID>,
    pub status: Option<WalkStatus>,
    /// Only walks on or after this date.
    pub from: Option<Date>,
    /// Only walks on or before this date.
    pub to: Option<Date>,
}

/// Totals of a walk list.
#[derive(SimpleObject)]
pub struct WalkTotals {
    /// Walks matching the filter in the caller's scope, on every page.
    pub total_count: u64,
}

fn encode_cursor(walk: &walk::Model) -> String {
    URL_SAFE_NO_PAD.encode(format!("{}|{}", walk.walk_date, walk.id))
}

fn decode_cursor(cursor: &str) -> Option<WalkCursor> {
    let text = String::from_utf8(URL_SAFE_NO_PAD.decode(cursor).ok()?).ok()?;
    let (date, id) = text.split_once('|')?;
    Some(WalkCursor {
        date: NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()?,
        id: id.parse().ok()?,
    })
}

#[derive(Default)]
pub struct WalkQuery;

#[Object]
impl WalkQuery {
    /// Walks in the caller's scope, newest first, a page at a time.
    async fn walks(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size; at most the server's maximum (100 by default).")]
        first: Option<i32>,
        #[graphql(desc = "Cursor of the last walk of the previous page.")] after: Option<String>,
        filter: Option<WalksFilter>,
    ) -> Result<Connection<String, Walk, WalkTotals>> {
        let scope = &caller(ctx)?.scope;
        let limits = limits(ctx);
        let limit = match first {
            None => limits.default_page_size,
            Some(n) if n >= 0 && n as u64 <= limits.max_page_size => n as u64,
            Some(_) => {
                let max = limits.max_page_size;
                return Err(ApiError::invalid("first", format!("first is 0 to {max}")).into());
            }
        };
        let after = match after {
            None => None,
            Some(text) => Some(
                decode_cursor(&text)
                    .ok_or_else(|| ApiError::invalid("after", "not a cursor of this list"))?,
            ),
        };
        let filter = filter.unwrap_or_default();
        // An id that cannot be a protocol matches no walk.
        let protocol_id = (filter.protocol_id.as_ref())
            .map(|id| ids::decode_uuid(ids::PROTOCOL, id).unwrap_or_default());
        let filter = WalkFilter {
            school_urn: filter.school_urn,
            protocol_id,
            status: filter.status.map(Into::into),
            from: filter.from.map(|d| d.0),
            to: filter.to.map(|d| d.0),
        };

        let (rows, more) = walks::page(db(ctx), scope, &filter, after, limit).await?;
        let total_count = walks::count(db(ctx), scope, &filter).await?;
        let mut connection =
            Connection::with_additional_fields(after.is_some(), more, WalkTotals { total_count });
        connection.edges.extend(
            rows.into_iter()
                .map(|row| Edge::new(encode_cursor(&row), Walk(row))),
        );
        Ok(connection)
    }

    /// A walk by id; null when it is not in the caller's scope.
    async fn walk(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Walk>> {
        let scope = &caller(ctx)?.scope;
        let Some(id) = ids::decode_uuid(ids::WALK, &id) else {
            return Ok(None);
        };
        Ok(walks::by_id(db(ctx), scope, id).await?.map(Walk))
    }
}
