//! End-to-end tests of the service live in `api/`; this crate has no code of its own.
