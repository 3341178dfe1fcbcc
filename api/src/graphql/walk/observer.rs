//! Observers: the trust's people who take part in walks, and the walks
//! each took part in.

use async_graphql::{Context, ID, Object, Result, SimpleObject};
use entity::observer;

use super::{ObserverRole, Walk};
use crate::data::observers;
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
    async fn reference(&self) -> &str {
        &self.0.reference
    }

    async fn display_name(&self) -> &str {
        &self.0.display_name
    }

    /// Walks the person took part in that the caller can see, newest
    /// first, with their role on each: how a trust follows an observer's
    /// development.
    #[graphql(complexity = "100 * child_complexity")]
    async fn walks(&self, ctx: &Context<'_>) -> Result<Vec<ObserverWalk>> {
        let roles = many(&loaders(ctx).walks_of_observer, self.0.id).await?;
        let ids: Vec<_> = roles.iter().map(|r| r.walk_id).collect();
        let walks = loaders(ctx)
            .walk
            .load_many(ids)
            .await
            .map_err(load_failed)?;
        let mut taken: Vec<ObserverWalk> = roles
            .into_iter()
            .filter_map(|r| {
                let walk = walks.get(&r.walk_id)?.clone();
                Some(ObserverWalk {
                    role: r.role.into(),
                    walk: Walk(walk),
                })
            })
            .collect();
        taken.sort_by_key(|t| std::cmp::Reverse((t.walk.0.walk_date, t.walk.0.id)));
        Ok(taken)
    }
}

/// A walk an observer took part in, and their role on it.
#[derive(SimpleObject)]
pub struct ObserverWalk {
    pub role: ObserverRole,
    pub walk: Walk,
}

#[derive(Default)]
pub struct ObserverQuery;

#[Object]
impl ObserverQuery {
    /// The trust's observers by display name.
    #[graphql(complexity = "200 * child_complexity")]
    async fn observers(&self, ctx: &Context<'_>) -> Result<Vec<Observer>> {
        let rows = observers::list(db(ctx), &caller(ctx)?.scope).await?;
        Ok(rows.into_iter().map(Observer).collect())
    }
}
