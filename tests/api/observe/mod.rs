//! Observability: the JSON line each request is logged with, and the
//! Prometheus metrics at `/metrics`, read from a running service.

mod logs;
mod metrics;
mod scrape;
