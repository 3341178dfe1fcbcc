//! Relay's `Node`: any record with a global id, fetched by that id through
//! the per-request loaders, which filter by the caller's trust and schools.
//! Another trust's id, or a school outside the scope, reads as null, exactly
//! like an id that was never issued.

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
use std::collections::HashMap;

use uuid::Uuid;

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

/// The row `id` names in a batch's answer.
fn pick<V: Clone>(map: &HashMap<Uuid, V>, id: Option<Uuid>) -> Option<V> {
    map.get(&id?).cloned()
}

/// The records `ids` name, in order; null for each id unknown to the
/// caller. One load per type (and one more for the walks of visits), so
/// the batches do not depend on how quickly each id's future is polled.
pub(super) async fn find_all(ctx: &Context<'_>, ids: &[ID]) -> Result<Vec<Option<Node>>, ApiError> {
    let loaders = loaders(ctx);
    let parts: Vec<Option<(String, String)>> = ids.iter().map(ids::parts).collect();
    let keys = |kind: &str| -> Vec<Uuid> {
        (parts.iter().flatten())
            .filter(|(k, _)| k == kind)
            .filter_map(|(_, key)| key.parse().ok())
            .collect()
    };
    let urns: Vec<i32> = (parts.iter().flatten())
        .filter(|(k, _)| k == ids::SCHOOL)
        .filter_map(|(_, key)| key.parse().ok())
        .collect();
    let (protocols, areas, indicators, observers, walks, actions, highlights, visits, schools) =
        tokio::try_join!(
            loaders.protocol.load_many(keys(ids::PROTOCOL)),
            loaders.focus_area.load_many(keys(ids::FOCUS_AREA)),
            loaders.indicator.load_many(keys(ids::INDICATOR)),
            loaders.observer.load_many(keys(ids::OBSERVER)),
            loaders.walk.load_many(keys(ids::WALK)),
            loaders.action.load_many(keys(ids::ACTION)),
            loaders.highlight.load_many(keys(ids::HIGHLIGHT)),
            loaders.visit.load_many(keys(ids::VISIT)),
            loaders.school_in_scope.load_many(urns),
        )
        .map_err(load_failed)?;
    // A visit is visible through its walk.
    let visible_walks = (loaders.walk)
        .load_many(visits.values().map(|v| v.walk_id))
        .await
        .map_err(load_failed)?;
    let scope = &caller(ctx)?.scope;
    let trust_asked =
        (parts.iter().flatten()).any(|(k, key)| k == ids::TRUST && *key == scope.trust);
    let trust = match trust_asked {
        true => trusts::of_scope(db(ctx), scope).await?,
        false => None,
    };
    let found = parts.into_iter().map(|part| {
        let (kind, key) = part?;
        let uuid = key.parse::<Uuid>().ok();
        Some(match kind.as_str() {
            ids::TRUST => Node::Trust(Trust(trust.clone().filter(|t| t.uid == key)?)),
            ids::SCHOOL => Node::School(School(schools.get(&key.parse().ok()?)?.clone())),
            ids::PROTOCOL => Node::Protocol(Protocol(pick(&protocols, uuid)?)),
            ids::FOCUS_AREA => Node::FocusArea(FocusArea(pick(&areas, uuid)?)),
            ids::INDICATOR => Node::Indicator(Indicator(pick(&indicators, uuid)?)),
            ids::OBSERVER => Node::Observer(Observer(pick(&observers, uuid)?)),
            ids::WALK => Node::Walk(Walk(pick(&walks, uuid)?)),
            ids::ACTION => Node::Action(Action(pick(&actions, uuid)?)),
            ids::HIGHLIGHT => Node::Highlight(Highlight(pick(&highlights, uuid)?)),
            ids::VISIT => {
                let visit: entity::visit::Model = pick(&visits, uuid)?;
                visible_walks.get(&visit.walk_id)?;
                Node::Visit(Visit(visit))
            }
            _ => return None,
        })
    });
    Ok(found.collect())
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
        Ok(find_all(ctx, &ids).await?)
    }
}
