//! Loading real data files: GIAS school registers and protocol JSON.

pub mod gias;
pub mod protocol;
pub(crate) mod store;
