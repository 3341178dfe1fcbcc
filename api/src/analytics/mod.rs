//! Variation analytics as a service, shared by GraphQL and the CSV export:
//! a caller's filter resolved against their scope, SQL counts folded into
//! cells, school comparison, coverage and inter-rater agreement.

pub mod agreement;
pub mod cache;
pub mod coverage;
pub mod export;
pub mod filter;
pub mod report;
