//! Bearer tokens: the keys they are checked with (an HS256 secret, or
//! RS256/ES256 keys from a JWKS file or URL), the claims that name the
//! caller, and the caller they describe. Keys are built once from config.

mod caller;
mod claims;
mod held;
mod jwks;
mod keys;
mod keyset;

pub use caller::{Caller, Role, Scope};
pub use claims::ClaimNames;
pub use held::HeldScopes;
pub use keys::{AuthKeys, MAX_TOKEN_BYTES, random_secret};

/// The token of the request's one `Authorization: Bearer` header. A request
/// with two or more `Authorization` headers names no token: which of them
/// counts would depend on whoever passed the request along.
pub fn bearer(headers: &axum::http::HeaderMap) -> Option<&str> {
    let mut given = headers.get_all(axum::http::header::AUTHORIZATION).iter();
    let value = given.next()?;
    if given.next().is_some() {
        return None;
    }
    (value.to_str().ok()?.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim())
}
