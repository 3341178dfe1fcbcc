//! The layer around every request: it times the request, gives its
//! handlers a report to note what they learn, then counts the request in
//! the metrics and logs its one INFO line.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::body::{Body, HttpBody};
use axum::extract::{Request, State};
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::Response;
use serde::Deserialize;

use super::report::{Report, scoped};
use super::{CodeLabels, HttpLabels, LatencyLabels, Metrics, OperationLabels};

/// Largest refusal body read back for its error codes.
const MAX_REFUSAL_BYTES: u64 = 64 * 1024;

/// The routes the service has; any other path counts as `other`.
const ROUTES: [&str; 5] = [
    "/graphql",
    "/health",
    "/metrics",
    "/export/variation.csv",
    "/import/ratings",
];

fn route(path: &str) -> &'static str {
    ROUTES.into_iter().find(|r| *r == path).unwrap_or("other")
}

fn method(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

pub async fn track(State(metrics): State<Arc<Metrics>>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let route = route(request.uri().path());
    let method = method(request.method());
    let request_id = (request.headers().get("x-request-id"))
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);

    let report = Arc::new(Mutex::new(Report::default()));
    let response = scoped(report.clone(), next.run(request)).await;
    let mut report = report.lock().unwrap_or_else(|e| e.into_inner()).clone();
    let graphql = route == "/graphql" && is_json(&response);
    let response = match (graphql, &report.codes) {
        (true, None) => {
            let (response, codes) = refusal_codes(response).await;
            report.codes = Some(codes);
            response
        }
        _ => response,
    };
    let latency = started.elapsed();

    let status = response.status().as_u16();
    let http = HttpLabels {
        route,
        method,
        status,
    };
    metrics.http_requests.get_or_create(&http).inc();
    let codes = report.codes.unwrap_or_default();
    let operation = report.operation.as_ref();
    if graphql {
        let name = match operation {
            Some(op) => match &op.name {
                Some(name) => metrics.operations.label(name),
                None => op.kind.to_owned(),
            },
            None => "unknown".to_owned(),
        };
        let outcome = if codes.is_empty() { "ok" } else { "error" };
        let labels = OperationLabels {
            operation: name.clone(),
            outcome,
        };
        metrics.graphql_requests.get_or_create(&labels).inc();
        let labels = LatencyLabels { operation: name };
        let histogram = metrics.graphql_latency.get_or_create(&labels);
        histogram.observe(latency.as_secs_f64());
        for code in &codes {
            let labels = CodeLabels {
                code: metrics.codes.label(code),
            };
            metrics.graphql_errors.get_or_create(&labels).inc();
        }
    }

    let (sub, trust) = report.caller.unzip();
    let operation = operation.map(|op| op.log_name());
    let codes = (!codes.is_empty()).then(|| codes.join(","));
    let span = tracing::Span::current();
    span.record("graphql.operation", operation.as_deref());
    tracing::info!(
        request.id = request_id.as_deref(),
        http.method = method,
        http.route = route,
        http.status = status,
        latency_ms = (latency.as_micros() as f64) / 1000.0,
        caller.sub = sub.as_deref(),
        trust.id = trust.as_deref(),
        graphql.operation = operation.as_deref(),
        error.codes = codes.as_deref(),
        "request finished"
    );
    response
}

fn is_json(response: &Response) -> bool {
    let content_type = response.headers().get(header::CONTENT_TYPE);
    let content_type = content_type.and_then(|v| v.to_str().ok()).unwrap_or("");
    content_type.starts_with("application/json")
        || content_type.starts_with("application/graphql-response+json")
}

#[derive(Deserialize)]
struct Refusal {
    #[serde(default)]
    errors: Vec<RefusalError>,
}

#[derive(Deserialize)]
struct RefusalError {
    extensions: Option<RefusalExtensions>,
}

#[derive(Deserialize)]
struct RefusalExtensions {
    code: Option<String>,
}

/// The codes of a GraphQL answer made before execution (a bad request,
/// a bad token, a timeout), read back from its small JSON body.
async fn refusal_codes(response: Response) -> (Response, Vec<String>) {
    let small = (response.body().size_hint().upper()).is_some_and(|n| n <= MAX_REFUSAL_BYTES);
    if !small {
        return (response, Vec::new());
    }
    let (parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_REFUSAL_BYTES as usize).await else {
        let response = Response::from_parts(parts, Body::empty());
        return (response, vec!["INTERNAL_SERVER_ERROR".to_owned()]);
    };
    let codes = serde_json::from_slice::<Refusal>(&bytes)
        .map(|refusal| refusal.errors)
        .unwrap_or_default()
        .into_iter()
        .map(|error| error.extensions.and_then(|e| e.code))
        .map(|code| code.unwrap_or_else(|| "NONE".to_owned()))
        .collect();
    (Response::from_parts(parts, Body::from(bytes)), codes)
}
