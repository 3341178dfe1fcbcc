//! Operational telemetry of the service (not the walks' analytics, which
//! are `crate::metrics`): Prometheus metrics served at `/metrics`, and the
//! one log line each request ends with (`track`).

mod names;
mod report;
mod track;

pub use report::{Operation, Report, note_caller, note_operation, note_response};
pub use track::track;

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::{Registry, Unit};
use sea_orm::{DatabaseBackend, DatabaseConnection};
use sha2::{Digest, Sha256};

use crate::startup::AppState;
use names::BoundedNames;

/// Distinct operation names with their own label; later ones are `other`.
const MAX_OPERATION_NAMES: usize = 200;

/// Distinct error codes with their own label (the service has about 20).
const MAX_ERROR_CODES: usize = 50;

/// Latency buckets, in seconds, from 5 ms to the 10 s execution timeout.
const BUCKETS: [f64; 12] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct HttpLabels {
    route: &'static str,
    method: &'static str,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OperationLabels {
    operation: String,
    outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct LatencyLabels {
    operation: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CodeLabels {
    code: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PoolLabels {
    state: &'static str,
}

fn latency_histogram() -> Histogram {
    Histogram::new(BUCKETS)
}

/// The service's metrics, one set per running app. Labels hold only
/// aggregate, bounded values: routes, operation names, error codes; never
/// a trust, a subject or an id.
pub struct Metrics {
    registry: Registry,
    http_requests: Family<HttpLabels, Counter>,
    graphql_requests: Family<OperationLabels, Counter>,
    graphql_latency: Family<LatencyLabels, Histogram>,
    graphql_errors: Family<CodeLabels, Counter>,
    pool_connections: Family<PoolLabels, Gauge>,
    pool_max: Gauge,
    operations: BoundedNames,
    codes: BoundedNames,
    /// SHA-256 of the bearer token `/metrics` wants, when one is set.
    token: Option<Vec<u8>>,
}

impl Metrics {
    /// Metrics served to anyone, or only with `Authorization: Bearer
    /// <token>` when `token` is given.
    pub fn new(token: Option<&str>) -> Metrics {
        let mut registry = Registry::default();
        let http_requests = Family::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by route, method and status",
            http_requests.clone(),
        );
        let graphql_requests = Family::default();
        registry.register(
            "graphql_requests",
            "GraphQL requests answered, by operation and outcome (ok, error)",
            graphql_requests.clone(),
        );
        let graphql_latency = Family::new_with_constructor(latency_histogram as fn() -> _);
        registry.register_with_unit(
            "graphql_request_duration",
            "Time to answer a GraphQL request, by operation",
            Unit::Seconds,
            graphql_latency.clone(),
        );
        let graphql_errors = Family::default();
        registry.register(
            "graphql_errors",
            "Errors in GraphQL answers, by extensions.code",
            graphql_errors.clone(),
        );
        let pool_connections = Family::default();
        registry.register(
            "db_pool_connections",
            "Database connections open, by state (in_use, idle)",
            pool_connections.clone(),
        );
        let pool_max = Gauge::default();
        registry.register(
            "db_pool_max_connections",
            "Most database connections the pool opens",
            pool_max.clone(),
        );
        Metrics {
            registry,
            http_requests,
            graphql_requests,
            graphql_latency,
            graphql_errors,
            pool_connections,
            pool_max,
            operations: BoundedNames::new(MAX_OPERATION_NAMES),
            codes: BoundedNames::new(MAX_ERROR_CODES),
            token: token.map(|token| Sha256::digest(token.as_bytes()).to_vec()),
        }
    }

    fn allows(&self, headers: &HeaderMap) -> bool {
        let Some(wanted) = &self.token else {
            return true;
        };
        let given = crate::auth::bearer(headers).map(|token| Sha256::digest(token.as_bytes()));
        // Comparing digests tells a timing attacker nothing of the token.
        given.is_some_and(|given| given.as_slice() == wanted.as_slice())
    }

    fn pool(&self, db: &DatabaseConnection) {
        let (size, idle, max) = match db.get_database_backend() {
            DatabaseBackend::Postgres => {
                let pool = db.get_postgres_connection_pool();
                let max = pool.options().get_max_connections();
                (pool.size(), pool.num_idle(), max)
            }
            DatabaseBackend::Sqlite => {
                let pool = db.get_sqlite_connection_pool();
                let max = pool.options().get_max_connections();
                (pool.size(), pool.num_idle(), max)
            }
            _ => return,
        };
        let idle = idle.min(size as usize) as i64;
        let in_use = PoolLabels { state: "in_use" };
        self.pool_connections
            .get_or_create(&in_use)
            .set(i64::from(size) - idle);
        let idle_labels = PoolLabels { state: "idle" };
        self.pool_connections.get_or_create(&idle_labels).set(idle);
        self.pool_max.set(i64::from(max));
    }
}

/// `GET /metrics`: the Prometheus text format (version 0.0.4).
pub async fn scrape(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let metrics = &state.observe;
    if !metrics.allows(&headers) {
        let mut response = StatusCode::UNAUTHORIZED.into_response();
        let challenge = HeaderValue::from_static("Bearer");
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, challenge);
        return response;
    }
    metrics.pool(&state.db);
    let mut text = String::new();
    if prometheus_client::encoding::prometheus_text::encode(&mut text, &metrics.registry).is_err() {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    let content_type = prometheus_client::encoding::prometheus_text::CONTENT_TYPE;
    ([(header::CONTENT_TYPE, content_type)], text).into_response()
}
