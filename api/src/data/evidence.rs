//! Evidence text against the trust's neutral-recording rules: warnings by
//! default, a rejection when the trust has turned strict mode on.

use sea_orm::ConnectionTrait;

use crate::auth::Scope;
use crate::data::trusts;
use crate::error::{ApiError, ApiResult};
use crate::neutral::{self, Finding};

/// A finding in one input field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidenceWarning {
    /// Input path of the text, e.g. `ratings.2.evidence`.
    pub field: String,
    pub finding: Finding,
}

/// Reviews each `(field, text)`; fails naming every finding when the trust
/// is strict, else returns them as warnings.
pub async fn review(
    db: &impl ConnectionTrait,
    scope: &Scope,
    texts: Vec<(String, &str)>,
) -> ApiResult<Vec<EvidenceWarning>> {
    if texts.is_empty() {
        return Ok(Vec::new());
    }
    let trust = trusts::of_scope(db, scope).await?;
    let strict = trust.as_ref().is_some_and(|t| t.strict_neutral_language);
    let terms = neutral::terms_of(trust.as_ref().and_then(|t| t.judgemental_terms.as_deref()));

    let warnings: Vec<EvidenceWarning> = texts
        .into_iter()
        .flat_map(|(field, text)| {
            let findings = neutral::check(text, &terms);
            findings.into_iter().map(move |finding| EvidenceWarning {
                field: field.clone(),
                finding,
            })
        })
        .collect();
    match warnings.first() {
        Some(first) if strict => {
            let reasons: Vec<String> = warnings.iter().map(|w| w.finding.message()).collect();
            Err(ApiError::invalid(
                first.field.clone(),
                format!(
                    "the trust records evidence neutrally: {}",
                    reasons.join("; ")
                ),
            ))
        }
        _ => Ok(warnings),
    }
}
