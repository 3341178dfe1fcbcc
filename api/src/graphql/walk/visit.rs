//! Classroom visits and the ratings recorded in them.

use async_graphql::{Context, ID, Object, Result};
use chrono::{DateTime, Utc};
use entity::{rating, visit};

use super::{Observer, RatingOutcome};
use crate::data::loaders::RatingRow;
use crate::data::ratings;
use crate::graphql::page::{self, PageArgs, Paged};
use crate::graphql::protocol::Indicator;
use crate::graphql::{ids, loaders, many, one};

/// One classroom drop-in within a walk. It records context, never a
/// teacher.
pub struct Visit(pub visit::Model);

#[Object]
impl Visit {
    /// Opaque global id.
    pub(crate) async fn id(&self) -> ID {
        ids::encode(ids::VISIT, self.0.id)
    }

    /// The partner's own id for it, if one was given through an upsert.
    async fn external_id(&self) -> Option<&str> {
        self.0.external_id.as_deref()
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

    /// Neutral notes on the visit as a whole.
    async fn notes(&self) -> Option<&str> {
        self.0.notes.as_deref()
    }

    /// Every observer's ratings for this visit, in a stable order that is
    /// not the protocol's: sort by `indicator.code` to display them.
    #[graphql(complexity = "page::cost(first, last, child_complexity)")]
    async fn ratings(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The first this many ratings after `after`.")] first: Option<i32>,
        #[graphql(desc = "Cursor of a rating; the page starts after it.")] after: Option<String>,
        #[graphql(desc = "The last this many ratings before `before`.")] last: Option<i32>,
        #[graphql(desc = "Cursor of a rating; the page ends before it.")] before: Option<String>,
    ) -> Result<Paged<Rating>> {
        let rows = many(&loaders(ctx).ratings_of_visit, self.0.id).await?;
        let args = PageArgs::new(first, after, last, before);
        Ok(args.slice(ctx, rows, &ratings::OF_VISIT, Rating)?)
    }
}

/// One observer's entry for one indicator in one visit, read with its
/// indicator and observer.
pub struct Rating(pub RatingRow);

impl Rating {
    /// A rating read alone; its indicator and observer come from loaders.
    pub fn bare(rating: rating::Model) -> Rating {
        Rating(RatingRow {
            rating,
            indicator: None,
            observer: None,
        })
    }
}

#[Object]
impl Rating {
    /// Opaque global id.
    pub(crate) async fn id(&self) -> ID {
        let r = &self.0.rating;
        let key = format!("{}.{}.{}", r.visit_id, r.indicator_id, r.observer_id);
        ids::encode(ids::RATING, key)
    }

    async fn indicator(&self, ctx: &Context<'_>) -> Result<Indicator> {
        if let Some(indicator) = &self.0.indicator {
            return Ok(Indicator(indicator.as_ref().clone()));
        }
        let id = self.0.rating.indicator_id;
        let what = "indicator of a rating";
        Ok(Indicator(one(&loaders(ctx).indicator, id, what).await?))
    }

    async fn observer(&self, ctx: &Context<'_>) -> Result<Observer> {
        if let Some(observer) = &self.0.observer {
            return Ok(Observer(observer.as_ref().clone()));
        }
        let id = self.0.rating.observer_id;
        let what = "observer of a rating";
        Ok(Observer(one(&loaders(ctx).observer, id, what).await?))
    }

    async fn outcome(&self) -> RatingOutcome {
        self.0.rating.outcome.into()
    }

    /// The level, when the outcome is `LEVEL`.
    async fn level(&self) -> Option<i32> {
        self.0.rating.level
    }

    /// Neutral evidence noted by the observer.
    async fn evidence(&self) -> Option<&str> {
        self.0.rating.evidence.as_deref()
    }

    async fn recorded_at(&self) -> DateTime<Utc> {
        self.0.rating.recorded_at
    }
}
