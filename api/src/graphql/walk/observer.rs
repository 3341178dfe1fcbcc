//! Observers: the trust's people who take part in walks, and the walks
//! each took part in.

use async_graphql::{Context, ID, Object, Result, SimpleObject};
use entity::observer;

use super::{ObserverRole, Walk};
use crate::data::{observers, walks};
use crate::graphql::page::{self, PageArgs, Paged};
use crate::graphql::{caller, db, ids, load_failed, loaders, many};

/// A person of the trust who takes part in walks.
pub struct Observer(pub observer::Model);

#[Object]
impl Observer {
    /// Opaque global id.
    pub(crate) async fn id(&self) -> ID {
        ids::encode(ids::OBSERVER, self.0.id)
    }

    /// The trust's own id for the person (their `reference`), as
    /// `upsertObserver` takes it.
    async fn external_id(&self) -> &str {
        &self.0.reference
    }

    /// The trust's own opaque id for the person.
    #[graphql(
        deprecation = "Use `externalId`: the same value, under the name every \
                             record a partner syncs uses. Removed after 2027-06-30."
    )]
    async fn reference(&self) -> &str {
        &self.0.reference
    }

    async fn display_name(&self) -> &str {
        &self.0.display_name
    }

    /// Walks the person took part in that the caller can see, newest
    /// first, with their role on each: how a trust follows an observer's
    /// development.
    #[graphql(complexity = "page::cost(first, last, child_complexity)")]
    async fn walks(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The first this many walks after `after`.")] first: Option<i32>,
        #[graphql(desc = "Cursor of a walk; the page starts after it.")] after: Option<String>,
        #[graphql(desc = "The last this many walks before `before`.")] last: Option<i32>,
        #[graphql(desc = "Cursor of a walk; the page ends before it.")] before: Option<String>,
    ) -> Result<Paged<ObserverWalk>> {
        let roles = many(&loaders(ctx).walks_of_observer, self.0.id).await?;
        let ids: Vec<_> = roles.iter().map(|r| r.walk_id).collect();
        // The walk loader holds only walks in the caller's scope.
        let mut seen = loaders(ctx)
            .walk
            .load_many(ids)
            .await
            .map_err(load_failed)?;
        let taken = (roles.into_iter())
            .filter_map(|r| Some((r.role, seen.remove(&r.walk_id)?)))
            .collect();
        let args = PageArgs::new(first, after, last, before);
        Ok(args.slice(ctx, taken, &walks::OF_OBSERVER, |(role, walk)| {
            ObserverWalk {
                role: role.into(),
                walk: Walk(walk),
            }
        })?)
    }
}

/// A walk an observer took part in, and their role on it.
#[derive(SimpleObject)]
pub struct ObserverWalk {
    /// Their part on the walk.
    pub role: ObserverRole,
    pub walk: Walk,
}

#[derive(Default)]
pub struct ObserverQuery;

#[Object]
impl ObserverQuery {
    /// The trust's observers by display name, a page at a time.
    #[graphql(complexity = "page::cost(first, last, child_complexity)")]
    async fn observers(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The first this many observers after `after` (1 to 100 by default).")]
        first: Option<i32>,
        #[graphql(desc = "Cursor of an observer; the page starts after it.")] after: Option<String>,
        #[graphql(desc = "The last this many observers before `before` (1 to 100 by default).")]
        last: Option<i32>,
        #[graphql(desc = "Cursor of an observer; the page ends before it.")] before: Option<String>,
    ) -> Result<Paged<Observer>> {
        let window = PageArgs::new(first, after, last, before).window(ctx, &observers::LIST)?;
        let rows = observers::page(db(ctx), &caller(ctx)?.scope, &window).await?;
        Ok(page::connection(rows, &observers::LIST, Observer))
    }
}
