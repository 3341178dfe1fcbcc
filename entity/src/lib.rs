//! The learning-walk data model as sea-orm entities: tables, columns and the
//! small enums stored in them. Nothing here knows about HTTP or GraphQL.
//!
//! Every tenant table carries `trust_id` (the trust's GIAS group UID) and
//! every primary and unique key leads with it.

pub mod action;
pub mod audit_event;
pub mod change;
pub mod debrief;
pub mod focus_area;
pub mod highlight;
pub mod idempotency_key;
pub mod indicator;
pub mod observer;
pub mod protocol;
pub mod rating;
pub mod scale_level;
pub mod school;
pub mod school_context;
pub mod trust;
pub mod visit;
pub mod walk;
pub mod walk_focus_area;
pub mod walk_observer;

mod enums;

pub use enums::{
    ActionStatus, Lens, ObserverRole, ProtocolStatus, RatingOutcome, SchoolRole, WalkStatus,
};
