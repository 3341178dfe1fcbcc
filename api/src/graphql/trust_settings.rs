//! The trust's own settings, changed by a trust-wide trust leader: how it
//! records evidence and how small a group its figures may describe.

use async_graphql::{Context, InputObject, Object, Result, SimpleObject};

use super::user_error::{UserError, payload, settle};
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

/// The trust after the change; null with `userErrors` when nothing
/// changed.
#[derive(SimpleObject, Default)]
pub struct UpdateRecordingSettingsPayload {
    pub trust: Option<Trust>,
    /// Why nothing changed: empty when the mutation succeeded.
    pub user_errors: Vec<UserError>,
    /// The input's `clientMutationId`, echoed.
    pub client_mutation_id: Option<String>,
}

payload!(UpdateRecordingSettingsPayload);

/// The change the input asks for to the trust's list of terms.
fn terms_change(
    own: Option<Vec<String>>,
    use_default: Option<bool>,
) -> Result<Option<TermsChange>, ApiError> {
    match (own, use_default) {
        (Some(_), Some(true)) => {
            let message = "give judgementalTerms or useDefaultJudgementalTerms, not both";
            Err(ApiError::invalid("judgementalTerms", message))
        }
        (_, Some(true)) => Ok(Some(TermsChange::Default)),
        (Some(terms), _) => Ok(Some(TermsChange::Own(terms))),
        (None, _) => Ok(None),
    }
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
        let outcome = async {
            let default = input.use_default_judgemental_terms;
            let change = RecordingSettings {
                judgemental_terms: terms_change(input.judgemental_terms, default)?,
                strict_neutral_language: input.strict_neutral_language,
                min_cell_size: input.min_cell_size,
            };
            let trust = trusts::update_recording_settings(db(ctx), caller, change).await?;
            Ok(UpdateRecordingSettingsPayload {
                trust: Some(Trust(trust)),
                ..UpdateRecordingSettingsPayload::default()
            })
        };
        settle(ctx, outcome.await, client_mutation_id)
    }
}
