//! Keeping a partner's copy in sync: the change feed, deletions, and
//! create-or-update by the partner's own ids.

mod feed;
mod upsert;

use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};

use super::user_error::{UserError, payload, settle};
use super::walk::Walk;
use super::{db, ids, writer};
use crate::data::visits;
use crate::error::ApiError;

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

/// The walk after a visit was deleted; null with `userErrors` when nothing
/// changed.
#[derive(SimpleObject, Default)]
pub struct DeleteVisitPayload {
    pub client_mutation_id: Option<String>,
    /// The id of the deleted visit.
    pub deleted_visit_id: Option<ID>,
    pub walk: Option<Walk>,
    /// Why nothing changed: empty when the mutation succeeded.
    pub user_errors: Vec<UserError>,
}

payload!(DeleteVisitPayload);

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
        let client_mutation_id = input.client_mutation_id.clone();
        let caller = writer(ctx)?;
        let outcome = async {
            let id = ids::known(ids::VISIT, &input.visit_id)?;
            let deleted = visits::delete(db(ctx), caller, id, input.expected_version).await;
            // The walk's state is checked by its id, but this input names
            // the visit: point the error there.
            let walk = deleted.map_err(|err| match err {
                ApiError::Invalid { field, message } if field.as_deref() == Some("walkId") => {
                    ApiError::Invalid {
                        field: Some("visitId".into()),
                        message,
                    }
                }
                other => other,
            })?;
            Ok(DeleteVisitPayload {
                deleted_visit_id: Some(input.visit_id),
                walk: Some(Walk(walk)),
                ..DeleteVisitPayload::default()
            })
        };
        settle(ctx, outcome.await, client_mutation_id)
    }
}
