//! Opaque global ids: `base64url("Type:key")`. A malformed id reads as an
//! unknown one.

use async_graphql::ID;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use uuid::Uuid;

use crate::error::ApiError;

pub const TRUST: &str = "Trust";
pub const SCHOOL: &str = "School";
pub const PROTOCOL: &str = "Protocol";
pub const FOCUS_AREA: &str = "FocusArea";
pub const INDICATOR: &str = "Indicator";
pub const OBSERVER: &str = "Observer";
pub const WALK: &str = "Walk";
pub const VISIT: &str = "Visit";
pub const ACTION: &str = "Action";
pub const HIGHLIGHT: &str = "Highlight";
pub const DEBRIEF: &str = "Debrief";
pub const SCHOOL_CONTEXT: &str = "SchoolContext";
pub const RATING: &str = "Rating";

pub fn encode(kind: &str, key: impl std::fmt::Display) -> ID {
    ID(URL_SAFE_NO_PAD.encode(format!("{kind}:{key}")))
}

/// The key of an id of `kind`, or `None` for anything else.
pub fn decode(kind: &str, id: &ID) -> Option<String> {
    let bytes = URL_SAFE_NO_PAD.decode(id.as_str()).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let (found, key) = text.split_once(':')?;
    (found == kind).then(|| key.to_owned())
}

/// The kind and key of an id, or `None` when it is not one of ours.
pub fn parts(id: &ID) -> Option<(String, String)> {
    let bytes = URL_SAFE_NO_PAD.decode(id.as_str()).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let (kind, key) = text.split_once(':')?;
    Some((kind.to_owned(), key.to_owned()))
}

pub fn decode_uuid(kind: &str, id: &ID) -> Option<Uuid> {
    decode(kind, id)?.parse().ok()
}

/// The key of an id that a write names: an id of another kind, or not an
/// id at all, is a record that does not exist.
pub fn known(kind: &str, id: &ID) -> Result<Uuid, ApiError> {
    decode_uuid(kind, id).ok_or_else(|| {
        let what = kind.to_lowercase();
        ApiError::NotFound(format!("No {what} with this id"))
    })
}
