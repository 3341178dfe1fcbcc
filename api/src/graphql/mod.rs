//! The GraphQL schema: one builder shared by the server, `api schema` and
//! the tests, and the small helpers every resolver uses.

mod audit;
mod cost;
mod debrief;
mod evidence;
mod extension;
mod fragments;
mod highlight;
mod idempotency;
pub mod ids;
pub mod introspection;
mod node;
mod page;
mod protocol;
mod protocol_drafts;
pub mod rate;
mod run;
pub(crate) mod scalars;
mod school;
mod shape;
mod sync;
mod trust_settings;
pub(crate) mod user_error;
mod variation;
mod viewer;
mod walk;
mod walk_mutations;

use std::hash::Hash;
use std::sync::Arc;

use async_graphql::dataloader::{CacheFactory, DataLoader, Loader};
use async_graphql::{Context, EmptySubscription, MergedObject, Schema, SchemaBuilder};
use sea_orm::{DatabaseConnection, DbErr};

use crate::auth::Caller;
use crate::config::Limits;
use crate::data::loaders::Loaders;
use crate::error::ApiError;

pub use run::{Schemas, chosen_operation};
pub use scalars::Date;

/// Every query root field.
#[derive(MergedObject, Default)]
pub struct Query(
    viewer::ViewerQuery,
    school::SchoolQuery,
    protocol::ProtocolQuery,
    walk::WalkQuery,
    walk::ObserverQuery,
    variation::VariationQuery,
    node::NodeQuery,
    debrief::DebriefQuery,
    highlight::HighlightQuery,
    sync::FeedQuery,
);

/// Every mutation root field.
#[derive(MergedObject, Default)]
pub struct Mutation(
    walk_mutations::WalkMutation,
    trust_settings::TrustSettingsMutation,
    debrief::DebriefMutation,
    school::SchoolMutation,
    highlight::HighlightMutation,
    protocol_drafts::ProtocolDraftMutation,
    sync::SyncMutation,
    sync::UpsertMutation,
);

pub type ApiSchema = Schema<Query, Mutation, EmptySubscription>;

/// The schema with no extensions: what every copy shares.
fn bare(limits: &Limits) -> SchemaBuilder<Query, Mutation, EmptySubscription> {
    let builder = Schema::build(Query::default(), Mutation::default(), EmptySubscription);
    // Suggestions name fields a caller did not know of.
    let builder = match limits.production {
        true => builder.disable_suggestions(),
        false => builder,
    };
    builder
        .limit_depth(limits.max_query_depth)
        .limit_complexity(limits.max_query_complexity)
        .data(limits.clone())
        .data(Arc::new(crate::analytics::cache::ReportCache::new(
            limits.report_cache_entries,
        )))
}

/// The schema with every extension (see `run.rs` for why there are two).
fn builder(
    limits: &Limits,
    rate: Arc<rate::RateLimiter>,
) -> SchemaBuilder<Query, Mutation, EmptySubscription> {
    bare(limits)
        .extension(extension::ErrorCodes)
        .extension(idempotency::IdempotencyKeys)
        .extension(introspection::IntrospectionGate)
        .extension(shape::ShapeLimits {
            aliases: limits.max_aliases,
            root_fields: limits.max_root_fields,
            directives: limits.max_directives,
            fields: limits.max_query_complexity,
        })
        .extension(rate::RateLimits(rate))
        .extension(cost::QueryCost {
            maximum: limits.max_query_complexity,
        })
        .extension(run::StopChecked)
}

/// The rate limiter the limits describe, shared by the schema and the
/// HTTP edge.
pub fn rate_limiter(limits: &Limits) -> Arc<rate::RateLimiter> {
    let budgets = rate::Budgets {
        default: limits.rate_limit_per_minute,
        by_role: limits.rate_limits.clone(),
    };
    Arc::new(rate::RateLimiter::new(
        budgets,
        limits.max_query_complexity as u64,
    ))
}

/// The schemas the server runs, reading from `db`.
pub fn build_schemas(
    db: DatabaseConnection,
    limits: &Limits,
    rate: Arc<rate::RateLimiter>,
) -> Schemas {
    Schemas {
        checked: builder(limits, rate).data(db.clone()).finish(),
        fast: bare(limits).data(db).finish(),
    }
}

/// The schema in SDL, as checked in at `schema.graphql`.
pub fn sdl() -> String {
    let limits = Limits::default();
    builder(&limits, rate_limiter(&limits)).finish().sdl()
}

/// The verified caller of this request.
fn caller<'a>(ctx: &'a Context<'_>) -> Result<&'a Caller, ApiError> {
    ctx.data_opt::<Caller>().ok_or(ApiError::Unauthenticated)
}

/// The caller, who must hold a role that may change data.
fn writer<'a>(ctx: &'a Context<'_>) -> Result<&'a Caller, ApiError> {
    let caller = caller(ctx)?;
    caller.require_write()?;
    Ok(caller)
}

/// The caller, who must hold a role that changes data beyond recording:
/// a trust or school leader, or a partner integration.
fn leader<'a>(ctx: &'a Context<'_>) -> Result<&'a Caller, ApiError> {
    let caller = caller(ctx)?;
    caller.require_leader_or_partner()?;
    Ok(caller)
}

fn db<'a>(ctx: &'a Context<'_>) -> &'a DatabaseConnection {
    ctx.data_unchecked::<DatabaseConnection>()
}

fn loaders<'a>(ctx: &'a Context<'_>) -> &'a Loaders {
    ctx.data_unchecked::<Loaders>()
}

fn limits<'a>(ctx: &'a Context<'_>) -> &'a Limits {
    ctx.data_unchecked::<Limits>()
}

/// A failed batch load is an internal fault.
fn load_failed(err: Arc<DbErr>) -> ApiError {
    ApiError::Internal(anyhow::anyhow!("batch load failed: {err}"))
}

/// The row a visible record points at, e.g. a walk's school; its absence
/// is an internal fault.
async fn one<L, K, C>(loader: &DataLoader<L, C>, key: K, what: &str) -> Result<L::Value, ApiError>
where
    L: Loader<K, Error = Arc<DbErr>>,
    C: CacheFactory,
    K: Send + Sync + Hash + Eq + Clone + 'static,
{
    let row = loader.load_one(key).await.map_err(load_failed)?;
    row.ok_or_else(|| ApiError::Internal(anyhow::anyhow!("{what} missing for a visible parent")))
}

/// The rows under a record, e.g. a walk's visits; empty when it has none.
async fn many<L, K, T, C>(loader: &DataLoader<L, C>, key: K) -> Result<Vec<T>, ApiError>
where
    L: Loader<K, Value = Vec<T>, Error = Arc<DbErr>>,
    C: CacheFactory,
    K: Send + Sync + Hash + Eq + Clone + 'static,
{
    Ok(loader
        .load_one(key)
        .await
        .map_err(load_failed)?
        .unwrap_or_default())
}
