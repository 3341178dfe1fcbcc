//! Relay's `Node`: any record with a global id, fetched by that id through
//! the per-request loaders, which filter by the caller's trust and schools.
//! Another trust's id, or a school outside the scope, reads as null, exactly
//! like an id that was never issued.

use async_graphql::{Context, ID, Interface, Object, Result};

mod batch;

use super::debrief::{Action, Debrief};
use super::highlight::Highlight;
use super::protocol::{FocusArea, Indicator, Protocol};
use super::school::{School, SchoolContext};
use super::viewer::Trust;
use super::walk::{Observer, Rating, Visit, Walk};
use crate::error::ApiError;

pub(super) use batch::{Batching, find_all};

/// Most ids one `nodes` call takes.
const MAX_IDS: usize = 100;

/// A record with an opaque global id.
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID", desc = "Opaque global id."))]
pub enum Node {
    Trust(Trust),
    School(School),
    Protocol(Protocol),
    FocusArea(FocusArea),
    Indicator(Indicator),
    Observer(Observer),
    Walk(Walk),
    Visit(Visit),
    Action(Action),
    Highlight(Highlight),
    Debrief(Debrief),
    SchoolContext(SchoolContext),
    Rating(Rating),
}

/// The record `id` names, if the caller may see it.
pub(super) async fn find(ctx: &Context<'_>, id: &ID) -> Result<Option<Node>, ApiError> {
    let found = find_all(ctx, std::slice::from_ref(id), Batching::Window).await?;
    Ok(found.into_iter().next().flatten())
}

#[derive(Default)]
pub struct NodeQuery;

#[Object]
impl NodeQuery {
    /// The record with this global id; null for an id unknown to the caller.
    async fn node(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Node>> {
        Ok(find(ctx, &id).await?)
    }

    /// The records with these global ids (at most 100), in order; null for
    /// each id unknown to the caller. Loads in one batch per type.
    #[graphql(complexity = "ids.len() * child_complexity")]
    async fn nodes(&self, ctx: &Context<'_>, ids: Vec<ID>) -> Result<Vec<Option<Node>>> {
        if ids.len() > MAX_IDS {
            return Err(ApiError::invalid("ids", format!("at most {MAX_IDS} ids")).into());
        }
        Ok(find_all(ctx, &ids, Batching::Now).await?)
    }
}
