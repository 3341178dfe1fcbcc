//! Keeping a partner's copy in sync: the change feed, deletions, and
//! create-or-update by the partner's own ids.

mod feed;
mod upsert;

use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};

use super::walk::Walk;
use super::{db, ids, writer};
use crate::data::visits;

pub use feed::FeedQuery;
pub use upsert::UpsertMutation;

/// A visit to delete, with its ratings, from a walk not yet submitted.
#[derive(InputObject)]
pub struct DeleteVisitInput {
    pub visit_id: ID,
    /// The walk's `version` as last read: the deletion is refused with
    /// `CONFLICT` if the walk has changed since.
    pub expected_version: Option<i32>,
    /// Any text of the client's, echoed in the payload, to match a
    /// response to its request.
    pub client_mutation_id: Option<String>,
}

/// The walk after a visit was deleted.
#[derive(SimpleObject)]
pub struct DeleteVisitPayload {
    pub client_mutation_id: Option<String>,
    /// The id of the deleted visit.
    pub deleted_visit_id: ID,
    pub walk: Walk,
}

#[derive(Default)]
pub struct SyncMutation;

#[Object]
impl SyncMutation {
    /// Deletes a visit and its ratings from a walk that is not yet
    /// submitted; the change feed reports it as a deletion.
    async fn delete_visit(
        &self,
        ctx: &Context<'_>,
        input: DeleteVisitInput,
    ) -> Result<DeleteVisitPayload> {
        let caller = writer(ctx)?;
        let id = ids::known(ids::VISIT, &input.visit_id)?;
        let walk = visits::delete(db(ctx), caller, id, input.expected_version).await?;
        Ok(DeleteVisitPayload {
            client_mutation_id: input.client_mutation_id,
            deleted_visit_id: input.visit_id,
            walk: Walk(walk),
        })
    }
}
