//! A page of walks loads ahead what its selection asks each walk for —
//! the school, the visits and their ratings — in one statement per edge
//! for the whole page, and keeps it in the request's loaders, where each
//! walk's resolvers find it. A page then runs the same statements whatever
//! the number of walks, visits and ratings it returns, with no wait for a
//! loader's batching window.

use std::sync::Arc;

use async_graphql::dataloader::Loader;
use async_graphql::{Context, Lookahead};
use entity::walk;
use sea_orm::DbErr;
use uuid::Uuid;

use crate::error::ApiError;
use crate::graphql::{load_failed, loaders};

/// Whether any of `fields` is selected.
fn selects(fields: &[Lookahead<'_>]) -> bool {
    fields.iter().any(Lookahead::exists)
}

/// `name` under each node of the connection selected at `at`, through
/// `nodes` or `edges { node }`.
fn under_nodes<'a>(at: &Lookahead<'a>, name: &str) -> [Lookahead<'a>; 2] {
    [
        at.field("nodes").field(name),
        at.field("edges").field("node").field(name),
    ]
}

/// Loads and keeps the children the selection asks `walks` for.
pub(super) async fn load(ctx: &Context<'_>, walks: &[walk::Model]) -> Result<(), ApiError> {
    let loaders = loaders(ctx);
    if !loaders.keeps || walks.is_empty() {
        return Ok(());
    }
    let page = ctx.look_ahead();

    let schools = async {
        if !selects(&under_nodes(&page, "school")) {
            return Ok(());
        }
        let mut urns: Vec<i32> = walks.iter().map(|walk| walk.school_urn).collect();
        urns.sort_unstable();
        urns.dedup();
        let found = loaders.school.loader().load(&urns).await?;
        loaders.school.feed_many(found).await;
        Ok::<(), Arc<DbErr>>(())
    };
    let visits = async {
        let visits = under_nodes(&page, "visits");
        if !selects(&visits) {
            return Ok(());
        }
        let ids: Vec<Uuid> = walks.iter().map(|walk| walk.id).collect();
        let found = loaders.visits_of_walk.loader().load(&ids).await?;
        let ratings = visits.iter().flat_map(|v| under_nodes(v, "ratings"));
        if ratings.into_iter().any(|field| field.exists()) {
            // Every visit of the page's walks, also those past a visit
            // page's end: still one statement.
            let ids: Vec<Uuid> = found.values().flatten().map(|visit| visit.id).collect();
            let rated = loaders.ratings_of_visit.loader().load(&ids).await?;
            loaders.ratings_of_visit.feed_many(rated).await;
        }
        loaders.visits_of_walk.feed_many(found).await;
        Ok::<(), Arc<DbErr>>(())
    };
    tokio::try_join!(schools, visits).map_err(load_failed)?;
    Ok(())
}
