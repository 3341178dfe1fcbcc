//! HTTP edge: routes, bearer-token check, GraphQL over GET and POST, the
//! health check, the CSV export, request ids and request logging.

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Request, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::json;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::startup::AppState;

mod export;
mod graphql;
mod media;
pub mod persisted;

const REQUEST_ID: &str = "x-request-id";

pub fn router(state: AppState) -> Router {
    let request_id = header::HeaderName::from_static(REQUEST_ID);
    let trace = TraceLayer::new_for_http()
        .make_span_with(|request: &Request<_>| {
            let id = request
                .headers()
                .get(REQUEST_ID)
                .and_then(|v| v.to_str().ok());
            tracing::info_span!(
                "request",
                request.id = id.unwrap_or("-"),
                http.method = %request.method(),
                http.path = request.uri().path(),
                trust.id = tracing::field::Empty,
            )
        })
        .on_request(())
        .on_response(DefaultOnResponse::new().level(Level::INFO));
    let body_limit = state.limits.max_body_bytes;

    Router::new()
        .route(
            "/graphql",
            get(graphql::get)
                .post(graphql::post)
                .fallback(graphql::other_method),
        )
        .route("/health", get(health))
        .route(
            "/export/variation.csv",
            get(export::variation_csv).fallback(export::get_only),
        )
        .with_state(state)
        .layer(RequestBodyLimitLayer::new(body_limit))
        .layer(axum::middleware::map_response(graphql_shaped_limit))
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(trace)
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
}

/// Ready only when the database answers.
async fn health(State(state): State<AppState>) -> Response {
    match state.db.ping().await {
        Ok(()) => (StatusCode::OK, Json(json!({ "status": "ok" }))).into_response(),
        Err(err) => {
            tracing::warn!(error = %err, "health check: database unavailable");
            let body = Json(json!({ "status": "unavailable" }));
            (StatusCode::SERVICE_UNAVAILABLE, body).into_response()
        }
    }
}

/// A GraphQL-shaped error response outside execution.
pub(crate) fn error_response(status: StatusCode, err: &ApiError) -> Response {
    let extensions = match err {
        ApiError::Invalid {
            field: Some(field), ..
        } => json!({ "code": err.code(), "field": field }),
        _ => json!({ "code": err.code() }),
    };
    let body = json!({ "errors": [{ "message": err.message(), "extensions": extensions }] });
    let mut response = (status, Json(body)).into_response();
    if status == StatusCode::UNAUTHORIZED {
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    }
    response
}

/// The body limit answers in plain text; partners parse GraphQL errors.
async fn graphql_shaped_limit(response: Response) -> Response {
    let json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.to_str().is_ok_and(|v| v.starts_with("application/json")));
    if response.status() != StatusCode::PAYLOAD_TOO_LARGE || json {
        return response;
    }
    too_large()
}

pub(super) fn too_large() -> Response {
    let body = json!({ "errors": [{ "message": "the request body is too large",
                                    "extensions": { "code": "REQUEST_TOO_LARGE" } }] });
    (StatusCode::PAYLOAD_TOO_LARGE, Json(body)).into_response()
}

/// The caller named by the `Authorization: Bearer` header.
pub(crate) fn authenticate(state: &AppState, headers: &HeaderMap) -> Result<Caller, Box<Response>> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim());
    let verified = match token {
        Some(token) if !token.is_empty() => state.keys.verify(token),
        _ => Err(ApiError::Unauthenticated),
    };
    verified.map_err(|err| Box::new(error_response(StatusCode::UNAUTHORIZED, &err)))
}
