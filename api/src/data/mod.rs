//! The data layer. All SQL lives here, and every function takes the
//! caller's [`Scope`](crate::auth::Scope) so no query can forget the tenant.

pub mod loaders;
pub mod protocols;
pub mod ratings;
pub mod schools;
pub mod trusts;
pub mod variation;
pub mod visits;
pub mod walks;
