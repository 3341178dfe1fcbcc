//! The trust's own settings, changed by a trust-wide trust leader: how it
//! records evidence and how small a group its figures may describe.

use async_graphql::{Context, InputObject, Object, Result, SimpleObject};

use super::viewer::Trust;
use super::{caller, db};
use crate::data::trusts::{self, RecordingSettings, TermsChange};
use crate::error::ApiError;

/// How the trust records evidence and suppresses small groups; omitted
/// fields stay as they are.
#[derive(InputObject)]
pub struct UpdateRecordingSettingsInput {
    /// Refuse, rather than warn about, evidence with judgemental wording or
    /// a personal name.
    pub strict_neutral_language: Option<bool>,
    /// The trust's own judgemental terms (words or short phrases), in place
    /// of the default list.
    pub judgemental_terms: Option<Vec<String>>,
    /// Go back to the default list of judgemental terms.
    pub use_default_judgemental_terms: Option<bool>,
    /// Figures over fewer visits than this are suppressed (3 to 100;
    /// default 5).
    pub min_cell_size: Option<i32>,
    /// Any text of the client's, echoed in the payload, to match a
    /// response to its request.
    pub client_mutation_id: Option<String>,
}

/// The trust after the change.
#[derive(SimpleObject)]
pub struct UpdateRecordingSettingsPayload {
    pub trust: Trust,
    /// The input's `clientMutationId`, echoed.
    pub client_mutation_id: Option<String>,
}

#[derive(Default)]
pub struct TrustSettingsMutation;

#[Object]
impl TrustSettingsMutation {
    /// Changes how the caller's trust records evidence.
    async fn update_recording_settings(
        &self,
        ctx: &Context<'_>,
        input: UpdateRecordingSettingsInput,
    ) -> Result<UpdateRecordingSettingsPayload> {
        let client_mutation_id = input.client_mutation_id.clone();
        let caller = caller(ctx)?;
        caller.require_trust_leader()?;
        let judgemental_terms = match (input.judgemental_terms, input.use_default_judgemental_terms)
        {
            (Some(_), Some(true)) => {
                let message = "give judgementalTerms or useDefaultJudgementalTerms, not both";
                return Err(ApiError::invalid("judgementalTerms", message).into());
            }
            (_, Some(true)) => Some(TermsChange::Default),
            (Some(terms), _) => Some(TermsChange::Own(terms)),
            (None, _) => None,
        };
        let change = RecordingSettings {
            strict_neutral_language: input.strict_neutral_language,
            judgemental_terms,
            min_cell_size: input.min_cell_size,
        };
        let trust = trusts::update_recording_settings(db(ctx), caller, change).await?;
        Ok(UpdateRecordingSettingsPayload {
            client_mutation_id,
            trust: Trust(trust),
        })
    }
}
