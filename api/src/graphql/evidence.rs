//! Warnings about evidence that is not neutral.

use async_graphql::{Enum, SimpleObject};

use crate::data::evidence;
use crate::neutral::FindingKind;

/// Why evidence was flagged.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum EvidenceWarningKind {
    /// A term on the trust's list of judgemental wording.
    JudgementalWording,
    /// A title followed by a name, such as "Mrs Smith".
    PersonalName,
}

/// Evidence that reads as a judgement or names a person.
#[derive(SimpleObject)]
pub struct EvidenceWarning {
    /// Input path of the text, e.g. `ratings.2.evidence`.
    pub field: String,
    pub kind: EvidenceWarningKind,
    /// The words as written.
    pub text: String,
    /// What to change, in plain words.
    pub message: String,
}

impl From<evidence::EvidenceWarning> for EvidenceWarning {
    fn from(warning: evidence::EvidenceWarning) -> Self {
        let kind = match warning.finding.kind {
            FindingKind::Judgemental => EvidenceWarningKind::JudgementalWording,
            FindingKind::PersonalName => EvidenceWarningKind::PersonalName,
        };
        EvidenceWarning {
            message: warning.finding.message(),
            field: warning.field,
            kind,
            text: warning.finding.text,
        }
    }
}

/// The data layer's warnings as the API shows them.
pub fn shown(warnings: Vec<evidence::EvidenceWarning>) -> Vec<EvidenceWarning> {
    warnings.into_iter().map(EvidenceWarning::from).collect()
}
