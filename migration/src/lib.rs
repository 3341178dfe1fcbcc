//! Schema history for the learning-walk store, run at start-up.
//!
//! One change per file. Seed and demo data live in the `api` crate, not here.

pub use sea_orm_migration::prelude::*;

mod helpers;
mod m20261204_000001_create_trusts_and_schools;
mod m20261204_000002_create_protocols;
mod m20261204_000003_create_walks;
mod m20261204_000004_create_visits_and_ratings;
mod m20261204_000005_add_trust_recording_settings;
mod m20261204_000006_create_audit_events;
mod m20261204_000007_create_debriefs_and_actions;
mod m20261204_000008_create_school_contexts;
mod m20261204_000009_create_highlights;
mod m20261204_000010_add_walk_version;
mod m20261204_000011_add_visit_notes;
mod m20261204_000012_create_change_feed;
mod m20261204_000013_add_external_ids_and_idempotency_keys;
mod m20261204_000014_row_level_security;
mod m20261205_000015_ratings_checked_per_statement;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261204_000001_create_trusts_and_schools::Migration),
            Box::new(m20261204_000002_create_protocols::Migration),
            Box::new(m20261204_000003_create_walks::Migration),
            Box::new(m20261204_000004_create_visits_and_ratings::Migration),
            Box::new(m20261204_000005_add_trust_recording_settings::Migration),
            Box::new(m20261204_000006_create_audit_events::Migration),
            Box::new(m20261204_000007_create_debriefs_and_actions::Migration),
            Box::new(m20261204_000008_create_school_contexts::Migration),
            Box::new(m20261204_000009_create_highlights::Migration),
            Box::new(m20261204_000010_add_walk_version::Migration),
            Box::new(m20261204_000011_add_visit_notes::Migration),
            Box::new(m20261204_000012_create_change_feed::Migration),
            Box::new(m20261204_000013_add_external_ids_and_idempotency_keys::Migration),
            Box::new(m20261204_000014_row_level_security::Migration),
            Box::new(m20261205_000015_ratings_checked_per_statement::Migration),
        ]
    }
}
