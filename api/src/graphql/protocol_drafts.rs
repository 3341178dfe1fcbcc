//! Protocol versions through their life: save a draft, publish, retire.
//! Trust-wide trust leaders only.

use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};
use entity::ProtocolStatus;
use serde::Serialize;

use super::protocol::{Lens, Protocol};
use super::user_error::{UserError, payload, settle};
use super::{caller, db, ids};
use crate::data::protocol_drafts;
use crate::error::ApiError;

/// One level of the rating scale.
#[derive(InputObject, Serialize)]
pub struct ScaleLevelInput {
    pub value: i32,
    pub label: String,
}

/// The rating scale.
#[derive(InputObject, Serialize)]
pub struct ScaleInput {
    /// Ordered levels, lowest first.
    pub levels: Vec<ScaleLevelInput>,
    /// Levels at or above this value count as secure; one of the levels.
    pub secure_threshold: i32,
    pub allows_not_observed: bool,
}

/// One observable look-for, phrased neutrally.
#[derive(InputObject, Serialize)]
pub struct IndicatorInput {
    /// Keep a code across versions so figures can follow the indicator.
    pub code: String,
    pub statement: String,
}

/// A group of indicators under one lens.
#[derive(InputObject, Serialize)]
pub struct FocusAreaInput {
    pub key: String,
    #[serde(serialize_with = "lens_name")]
    pub lens: Lens,
    pub title: String,
    pub indicators: Vec<IndicatorInput>,
}

fn lens_name<S: serde::Serializer>(lens: &Lens, serializer: S) -> Result<S::Ok, S::Error> {
    entity::Lens::from(*lens).serialize(serializer)
}

/// The whole content of a draft version.
#[derive(InputObject, Serialize)]
pub struct SaveProtocolDraftInput {
    /// The protocol's key; a new key starts at version 1.
    pub key: String,
    pub name: String,
    /// What walks on the protocol look for and why.
    pub purpose: String,
    pub scale: ScaleInput,
    pub focus_areas: Vec<FocusAreaInput>,
    /// Any text of the client's, echoed in the payload, to match a
    /// response to its request.
    pub client_mutation_id: Option<String>,
    /// Makes the write safe to retry: the same key with the same input
    /// within 24 hours returns the first answer and writes nothing again;
    /// the same key with other input is a `CONFLICT`. Keys are the
    /// caller's own, 1 to 200 characters.
    pub idempotency_key: Option<String>,
}

/// The version to publish or retire.
#[derive(InputObject)]
pub struct ProtocolVersionInput {
    pub protocol_id: ID,
    /// Any text of the client's, echoed in the payload, to match a
    /// response to its request.
    pub client_mutation_id: Option<String>,
}

/// The protocol version after the change; null with `userErrors` when
/// nothing changed.
#[derive(SimpleObject, Default)]
pub struct ProtocolPayload {
    pub protocol: Option<Protocol>,
    /// Why nothing changed: empty when the mutation succeeded.
    pub user_errors: Vec<UserError>,
    /// The input's `clientMutationId`, echoed.
    pub client_mutation_id: Option<String>,
}

payload!(ProtocolPayload);

impl ProtocolPayload {
    /// The payload of a change that succeeded.
    fn of(protocol: entity::protocol::Model) -> Self {
        ProtocolPayload {
            protocol: Some(Protocol(protocol)),
            ..ProtocolPayload::default()
        }
    }
}

/// Moves the version the input names from one status to the next: the
/// common path of publish and retire.
async fn advance(
    ctx: &Context<'_>,
    input: ProtocolVersionInput,
    from: ProtocolStatus,
    to: ProtocolStatus,
) -> Result<ProtocolPayload> {
    let caller = caller(ctx)?;
    let outcome = async {
        let id = ids::known(ids::PROTOCOL, &input.protocol_id)?;
        protocol_drafts::advance(db(ctx), caller, id, from, to).await
    };
    let outcome = outcome.await.map(ProtocolPayload::of);
    settle(ctx, outcome, input.client_mutation_id)
}

#[derive(Default)]
pub struct ProtocolDraftMutation;

#[Object]
impl ProtocolDraftMutation {
    /// Saves the draft of a protocol: the next version of its key, or in
    /// place of that key's current draft. Published versions never change.
    async fn save_protocol_draft(
        &self,
        ctx: &Context<'_>,
        input: SaveProtocolDraftInput,
    ) -> Result<ProtocolPayload> {
        let client_mutation_id = input.client_mutation_id.clone();
        let caller = caller(ctx)?;
        let content = serde_json::to_value(&input)
            .map_err(|err| ApiError::Internal(anyhow::anyhow!("draft content: {err}")))?;
        let saved = protocol_drafts::save(db(ctx), caller, content).await;
        settle(ctx, saved.map(ProtocolPayload::of), client_mutation_id)
    }

    /// Publishes a draft: walks can then use it, and it never changes.
    async fn publish_protocol(
        &self,
        ctx: &Context<'_>,
        input: ProtocolVersionInput,
    ) -> Result<ProtocolPayload> {
        let (from, to) = (ProtocolStatus::Draft, ProtocolStatus::Published);
        advance(ctx, input, from, to).await
    }

    /// Retires a published version: no new walk can use it; existing walks
    /// and their figures keep it.
    async fn retire_protocol(
        &self,
        ctx: &Context<'_>,
        input: ProtocolVersionInput,
    ) -> Result<ProtocolPayload> {
        let (from, to) = (ProtocolStatus::Published, ProtocolStatus::Retired);
        advance(ctx, input, from, to).await
    }
}
