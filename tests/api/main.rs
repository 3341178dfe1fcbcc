//! End-to-end tests: the real service over HTTP, each on SQLite and on
//! PostgreSQL.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod helpers;
mod seed;
mod stores;

mod analytics;
mod audit;
mod auth;
mod bad_input;
mod concurrency;
mod connections;
mod contexts;
mod cors;
mod debriefs;
mod distribution;
mod docs_examples;
mod durability;
mod evidence;
mod feed;
mod feed_sync;
mod fixture;
mod fuzz;
mod highlights;
mod http;
mod http_audit;
mod idempotency;
mod import;
mod import_http;
mod import_ratings;
mod internal_errors;
mod isolation;
mod jwt;
mod limits;
mod matrix;
mod nodes;
mod observe;
mod observers;
mod partner_page;
mod production;
mod protocols;
mod rate_limits;
mod roles;
mod row_security;
mod schema;
mod serving;
mod startup;
mod statements;
mod tenancy;
mod ts_client;
mod upserts;
mod user_errors;
mod variation;
mod variation_cache;
mod walks;
