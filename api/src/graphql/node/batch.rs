//! Looking up many global ids at once: one load per type of record, then
//! one more for what visibility hangs on (the walk of a visit, a debrief
//! or a rating; the school of a context note), so the number of
//! statements never depends on how many ids there are, or on how quickly
//! each is polled.

use std::collections::{HashMap, HashSet};
use std::hash::Hash;

use async_graphql::dataloader::{CacheFactory, DataLoader, Loader};

use async_graphql::{Context, ID};
use uuid::Uuid;

use super::Node;
use crate::data::trusts;
use crate::error::ApiError;
use crate::graphql::debrief::{Action, Debrief};
use crate::graphql::highlight::Highlight;
use crate::graphql::protocol::{FocusArea, Indicator, Protocol};
use crate::graphql::school::{School, SchoolContext};
use crate::graphql::viewer::Trust;
use crate::graphql::walk::{Observer, Rating, Visit, Walk};
use crate::graphql::{caller, db, ids, load_failed, loaders};

/// An id taken apart: its kind and its key's parts.
struct Wanted {
    kind: String,
    key: String,
}

impl Wanted {
    fn uuid(&self) -> Option<Uuid> {
        self.key.parse().ok()
    }

    /// A key of several parts, e.g. a rating's visit, indicator, observer.
    fn uuids<const N: usize>(&self) -> Option<[Uuid; N]> {
        let parts: Vec<Uuid> = (self.key.split('.').map(str::parse))
            .collect::<Result<_, _>>()
            .ok()?;
        parts.try_into().ok()
    }

    /// A context note's key: the school's URN and the version.
    fn urn_version(&self) -> Option<(i32, i32)> {
        let (urn, version) = self.key.split_once('.')?;
        Some((urn.parse().ok()?, version.parse().ok()?))
    }
}

/// The keys of the ids of `kinds`, read by `key`.
fn keys<K>(
    wanted: &[Option<Wanted>],
    kinds: &[&str],
    key: impl Fn(&Wanted) -> Option<K>,
) -> Vec<K> {
    (wanted.iter().flatten())
        .filter(|w| kinds.contains(&w.kind.as_str()))
        .filter_map(key)
        .collect()
}

/// The row `id` names in a batch's answer.
fn pick<K: std::hash::Hash + Eq, V: Clone>(map: &HashMap<K, V>, id: Option<K>) -> Option<V> {
    map.get(&id?).cloned()
}

/// When a lookup's loads run.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Batching {
    /// After the loaders' batching window, together with whatever else the
    /// request asks of the same loaders meanwhile (one `node` field among
    /// several aliases).
    Window,
    /// At once: the caller asks for every id it has in one lookup (`nodes`,
    /// a page of the feed), so there is nothing to wait for.
    Now,
}

/// The rows of `keys`, loaded as `batching` says.
async fn fetch<K, L, C>(
    loader: &DataLoader<L, C>,
    keys: impl IntoIterator<Item = K>,
    batching: Batching,
) -> Result<HashMap<K, L::Value>, L::Error>
where
    K: Send + Sync + Hash + Eq + Clone + 'static,
    L: Loader<K>,
    C: CacheFactory,
{
    if batching == Batching::Window {
        return loader.load_many(keys).await;
    }
    let mut seen = HashSet::new();
    let keys: Vec<K> = (keys.into_iter())
        .filter(|key| seen.insert(key.clone()))
        .collect();
    match keys.is_empty() {
        true => Ok(HashMap::new()),
        false => loader.loader().load(&keys).await,
    }
}

/// The records `ids` name, in order; null for each id unknown to the
/// caller.
pub async fn find_all(
    ctx: &Context<'_>,
    ids: &[ID],
    batching: Batching,
) -> Result<Vec<Option<Node>>, ApiError> {
    let loaders = loaders(ctx);
    let wanted: Vec<Option<Wanted>> = (ids.iter().map(ids::parts))
        .map(|part| part.map(|(kind, key)| Wanted { kind, key }))
        .collect();
    let uuids = |kind: &str| keys(&wanted, &[kind], Wanted::uuid);
    let walk_keys = keys(&wanted, &[ids::WALK, ids::DEBRIEF], Wanted::uuid);
    let mut visit_keys = uuids(ids::VISIT);
    visit_keys.extend(keys(&wanted, &[ids::RATING], |w| Some(w.uuids::<3>()?[0])));
    let mut urns = keys(&wanted, &[ids::SCHOOL], |w| w.key.parse().ok());
    urns.extend(keys(&wanted, &[ids::SCHOOL_CONTEXT], |w| {
        Some(w.urn_version()?.0)
    }));

    let (protocols, areas, indicators, observers, walks, actions, highlights, visits, schools) =
        tokio::try_join!(
            fetch(&loaders.protocol, uuids(ids::PROTOCOL), batching),
            fetch(&loaders.focus_area, uuids(ids::FOCUS_AREA), batching),
            fetch(&loaders.indicator, uuids(ids::INDICATOR), batching),
            fetch(&loaders.observer, uuids(ids::OBSERVER), batching),
            fetch(&loaders.walk, walk_keys, batching),
            fetch(&loaders.action, uuids(ids::ACTION), batching),
            fetch(&loaders.highlight, uuids(ids::HIGHLIGHT), batching),
            fetch(&loaders.visit, visit_keys, batching),
            fetch(&loaders.school_in_scope, urns, batching),
        )
        .map_err(load_failed)?;
    // What visibility hangs on: a visit's walk, a debrief's walk, a
    // context note's school; all loaded above or now, in one round.
    let visible = |kind: &str, key: fn(&Wanted) -> Option<Uuid>, loaded: &dyn Fn(&Uuid) -> bool| {
        let mut found = keys(&wanted, &[kind], key);
        found.retain(|id| loaded(id));
        found
    };
    let debriefs_of = visible(ids::DEBRIEF, Wanted::uuid, &|id| walks.contains_key(id));
    let ratings_of = visible(ids::RATING, |w| Some(w.uuids::<3>()?[0]), &|id| {
        visits.contains_key(id)
    });
    let mut notes_of = keys(&wanted, &[ids::SCHOOL_CONTEXT], |w| {
        Some(w.urn_version()?.0)
    });
    notes_of.retain(|urn| schools.contains_key(urn));
    let (visit_walks, debriefs, contexts, ratings) = tokio::try_join!(
        fetch(&loaders.walk, visits.values().map(|v| v.walk_id), batching),
        fetch(&loaders.debrief_of_walk, debriefs_of, batching),
        fetch(&loaders.contexts_of_school, notes_of, batching),
        fetch(&loaders.ratings_of_visit, ratings_of, batching),
    )
    .map_err(load_failed)?;

    let scope = &caller(ctx)?.scope;
    let trust_asked =
        (wanted.iter().flatten()).any(|w| w.kind == ids::TRUST && w.key == scope.trust);
    let trust = match trust_asked {
        true => trusts::of_scope(db(ctx), scope).await?,
        false => None,
    };
    let visible_visit = |id: Option<Uuid>| {
        let visit = pick(&visits, id)?;
        visit_walks.contains_key(&visit.walk_id).then_some(visit)
    };
    let found = wanted.into_iter().map(|wanted| {
        let wanted = wanted?;
        let uuid = wanted.uuid();
        Some(match wanted.kind.as_str() {
            ids::TRUST => Node::Trust(Trust(trust.clone().filter(|t| t.uid == wanted.key)?)),
            ids::SCHOOL => Node::School(School(pick(&schools, wanted.key.parse().ok())?)),
            ids::PROTOCOL => Node::Protocol(Protocol(pick(&protocols, uuid)?)),
            ids::FOCUS_AREA => Node::FocusArea(FocusArea(pick(&areas, uuid)?)),
            ids::INDICATOR => Node::Indicator(Indicator(pick(&indicators, uuid)?)),
            ids::OBSERVER => Node::Observer(Observer(pick(&observers, uuid)?)),
            ids::WALK => Node::Walk(Walk(pick(&walks, uuid)?)),
            ids::ACTION => Node::Action(Action(pick(&actions, uuid)?)),
            ids::HIGHLIGHT => Node::Highlight(Highlight(pick(&highlights, uuid)?)),
            ids::VISIT => Node::Visit(Visit(visible_visit(uuid)?)),
            ids::DEBRIEF => {
                pick(&walks, uuid)?;
                Node::Debrief(Debrief(pick(&debriefs, uuid)?))
            }
            ids::SCHOOL_CONTEXT => {
                let (urn, version) = wanted.urn_version()?;
                let notes = pick(&contexts, Some(urn))?;
                let note = notes.into_iter().find(|n| n.version == version)?;
                Node::SchoolContext(SchoolContext(note))
            }
            ids::RATING => {
                let [visit, indicator, observer] = wanted.uuids::<3>()?;
                visible_visit(Some(visit))?;
                let found = (pick(&ratings, Some(visit))?.into_iter()).find(|r| {
                    (r.rating.indicator_id, r.rating.observer_id) == (indicator, observer)
                })?;
                Node::Rating(Rating(found))
            }
            _ => return None,
        })
    });
    Ok(found.collect())
}
