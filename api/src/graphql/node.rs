//! Relay's `Node`: any record with a global id, fetched by that id through
//! the per-request loaders, which filter by the caller's trust and schools.
//! Another trust's id, or a school outside the scope, reads as null, exactly
//! like an id that was never issued.

use async_graphql::futures_util::future::join_all;
use async_graphql::{Context, ID, Interface, Object, Result};

use super::debrief::Action;
use super::highlight::Highlight;
use super::protocol::{FocusArea, Indicator, Protocol};
use super::school::School;
use super::viewer::Trust;
use super::walk::{Observer, Visit, Walk};
use super::{caller, db, ids, load_failed, loaders};
use crate::data::trusts;
use crate::error::ApiError;

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
}

/// The record `id` names, if the caller may see it.
pub(super) async fn find(ctx: &Context<'_>, id: &ID) -> Result<Option<Node>, ApiError> {
    let Some((kind, key)) = ids::parts(id) else {
        return Ok(None);
    };
    let loaders = loaders(ctx);
    let uuid = || key.parse::<uuid::Uuid>().ok();
    macro_rules! by_uuid {
        ($loader:ident, $variant:ident) => {{
            let Some(id) = uuid() else { return Ok(None) };
            let row = loaders.$loader.load_one(id).await.map_err(load_failed)?;
            row.map(|row| Node::$variant($variant(row)))
        }};
    }
    Ok(match kind.as_str() {
        ids::TRUST => {
            let scope = &caller(ctx)?.scope;
            let trust = match key == scope.trust {
                true => trusts::of_scope(db(ctx), scope).await?,
                false => None,
            };
            trust.map(|t| Node::Trust(Trust(t)))
        }
        ids::SCHOOL => {
            let Ok(urn) = key.parse::<i32>() else {
                return Ok(None);
            };
            let row = loaders.school_in_scope.load_one(urn).await;
            row.map_err(load_failed)?.map(|s| Node::School(School(s)))
        }
        ids::PROTOCOL => by_uuid!(protocol, Protocol),
        ids::FOCUS_AREA => by_uuid!(focus_area, FocusArea),
        ids::INDICATOR => by_uuid!(indicator, Indicator),
        ids::OBSERVER => by_uuid!(observer, Observer),
        ids::WALK => by_uuid!(walk, Walk),
        ids::ACTION => by_uuid!(action, Action),
        ids::HIGHLIGHT => by_uuid!(highlight, Highlight),
        ids::VISIT => {
            let Some(id) = uuid() else { return Ok(None) };
            let Some(visit) = loaders.visit.load_one(id).await.map_err(load_failed)? else {
                return Ok(None);
            };
            // A visit is visible through its walk.
            let walk = loaders.walk.load_one(visit.walk_id).await;
            walk.map_err(load_failed)?
                .map(|_| Node::Visit(Visit(visit)))
        }
        _ => None,
    })
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
        let found = join_all(ids.iter().map(|id| find(ctx, id))).await;
        Ok(found.into_iter().collect::<Result<_, _>>()?)
    }
}
