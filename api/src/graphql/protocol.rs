//! Protocols: the trust's shared frameworks for walks.

use async_graphql::{Context, Enum, ID, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};
use entity::{focus_area, indicator, protocol};

use super::page::{self, PageArgs, Paged};
use super::{caller, db, ids, loaders, many};
use crate::data::protocols;

/// Where a protocol version is in its life.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::ProtocolStatus")]
pub enum ProtocolStatus {
    /// Being written; not yet usable for walks.
    Draft,
    /// Fixed and in use; never edited.
    Published,
    /// No longer used for new walks.
    Retired,
}

/// The question a focus area answers.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "entity::Lens")]
pub enum Lens {
    /// Are shared priorities embedded in every school?
    Consistency,
    /// Is the curriculum delivered as planned?
    Fidelity,
    /// What do pupils experience in lessons?
    PupilExperience,
    /// Are safety, behaviour and attendance routines working?
    SafeguardingRoutines,
}

/// One version of the trust's shared framework for walks.
pub struct Protocol(pub protocol::Model);

/// One level of a protocol's ordered rating scale.
#[derive(SimpleObject)]
pub struct ScaleLevel {
    /// The level's number; higher is more evident.
    pub value: i32,
    pub label: String,
}

#[Object]
impl Protocol {
    /// Opaque global id of this version.
    pub(crate) async fn id(&self) -> ID {
        ids::encode(ids::PROTOCOL, self.0.id)
    }

    /// Key shared by every version of the protocol.
    async fn key(&self) -> &str {
        &self.0.key
    }

    async fn version(&self) -> i32 {
        self.0.version
    }

    async fn name(&self) -> &str {
        &self.0.name
    }

    /// What walks on this protocol look for and why; schools read it before
    /// a walk.
    async fn purpose(&self) -> &str {
        &self.0.purpose
    }

    async fn status(&self) -> ProtocolStatus {
        self.0.status.into()
    }

    /// Levels at or above this value count as secure.
    async fn secure_threshold(&self) -> i32 {
        self.0.secure_threshold
    }

    /// Whether an indicator may be marked not observed.
    async fn allows_not_observed(&self) -> bool {
        self.0.allows_not_observed
    }

    async fn published_at(&self) -> Option<DateTime<Utc>> {
        self.0.published_at
    }

    /// The rating scale, lowest level first.
    #[graphql(complexity = "10 * child_complexity")]
    async fn scale(&self, ctx: &Context<'_>) -> Result<Vec<ScaleLevel>> {
        let levels = many(&loaders(ctx).levels_of_protocol, self.0.id).await?;
        Ok(levels
            .into_iter()
            .map(|l| ScaleLevel {
                value: l.value,
                label: l.label,
            })
            .collect())
    }

    /// Focus areas in protocol order.
    #[graphql(complexity = "20 * child_complexity")]
    async fn focus_areas(&self, ctx: &Context<'_>) -> Result<Vec<FocusArea>> {
        Ok(many(&loaders(ctx).focus_areas_of_protocol, self.0.id)
            .await?
            .into_iter()
            .map(FocusArea)
            .collect())
    }
}

/// A group of indicators under one lens.
pub struct FocusArea(pub focus_area::Model);

#[Object]
impl FocusArea {
    /// Opaque global id.
    pub(crate) async fn id(&self) -> ID {
        ids::encode(ids::FOCUS_AREA, self.0.id)
    }

    /// Key unique within the protocol version.
    async fn key(&self) -> &str {
        &self.0.key
    }

    async fn lens(&self) -> Lens {
        self.0.lens.into()
    }

    async fn title(&self) -> &str {
        &self.0.title
    }

    /// Indicators in protocol order.
    #[graphql(complexity = "20 * child_complexity")]
    async fn indicators(&self, ctx: &Context<'_>) -> Result<Vec<Indicator>> {
        Ok(many(&loaders(ctx).indicators_of_focus_area, self.0.id)
            .await?
            .into_iter()
            .map(Indicator)
            .collect())
    }
}

/// One observable look-for, phrased neutrally.
pub struct Indicator(pub indicator::Model);

#[Object]
impl Indicator {
    /// Opaque global id.
    pub(crate) async fn id(&self) -> ID {
        ids::encode(ids::INDICATOR, self.0.id)
    }

    /// Code unique within the protocol version and stable across versions.
    async fn code(&self) -> &str {
        &self.0.code
    }

    async fn statement(&self) -> &str {
        &self.0.statement
    }
}

#[derive(Default)]
pub struct ProtocolQuery;

#[Object]
impl ProtocolQuery {
    /// Every protocol version of the caller's trust, by key and version, a
    /// page at a time.
    #[graphql(complexity = "page::cost(first, last, child_complexity)")]
    async fn protocols(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The first this many versions after `after` (1 to 100 by default).")]
        first: Option<i32>,
        #[graphql(desc = "Cursor of a version; the page starts after it.")] after: Option<String>,
        #[graphql(desc = "The last this many versions before `before` (1 to 100 by default).")]
        last: Option<i32>,
        #[graphql(desc = "Cursor of a version; the page ends before it.")] before: Option<String>,
    ) -> Result<Paged<Protocol>> {
        let window = PageArgs::new(first, after, last, before).window(ctx, &protocols::LIST)?;
        let rows = protocols::page(db(ctx), &caller(ctx)?.scope, &window).await?;
        Ok(page::connection(rows, &protocols::LIST, Protocol))
    }

    /// A protocol version by id; null when unknown to the caller.
    async fn protocol(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Protocol>> {
        let scope = &caller(ctx)?.scope;
        let Some(id) = ids::decode_uuid(ids::PROTOCOL, &id) else {
            return Ok(None);
        };
        Ok(protocols::by_id(db(ctx), scope, id).await?.map(Protocol))
    }
}
