//! Learning walks for multi-academy trusts: the GraphQL service.
//!
//! `main` reads [`config::Config`] once and calls [`startup`]; the tests call
//! the same functions with their own database.

pub mod analytics;
pub mod auth;
pub mod config;
pub mod data;
pub mod db;
pub mod demo;
pub mod error;
pub mod graphql;
pub mod http;
pub mod import;
pub mod metrics;
pub mod neutral;
pub mod observe;
pub mod startup;
pub mod telemetry;
