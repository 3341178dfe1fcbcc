//! Loading real data files: GIAS school registers, protocol JSON and
//! ratings CSV.

pub mod gias;
pub mod protocol;
pub mod ratings;
pub mod store;
