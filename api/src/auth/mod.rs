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
