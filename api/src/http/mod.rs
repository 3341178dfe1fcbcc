//! HTTP edge: routes, bearer-token check, GraphQL over GET and POST, the
//! health check, the CSV export, request ids and request logging.

use axum::Json;
use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, HeaderValue, Method, Request, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::json;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::startup::AppState;

mod answer;
mod export;
mod graphql;
mod import;
mod media;
mod named;
mod params;
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
                caller.sub = tracing::field::Empty,
                graphql.operation = tracing::field::Empty,
            )
        })
        .on_request(())
        // The request's INFO line is `observe::track`'s.
        .on_response(());
    let body_limit = state.limits.max_body_bytes;
    let import_limit = state.limits.max_import_bytes;
    let state_origins = state.limits.cors_allowed_origins.clone();
    let observe = state.observe.clone();

    Router::new()
        .route(
            "/graphql",
            get(graphql::get)
                .post(graphql::post)
                .fallback(graphql::other_method),
        )
        .route("/health", get(health).fallback(get_route_only))
        .route(
            "/metrics",
            get(crate::observe::scrape).fallback(get_route_only),
        )
        .route(
            "/export/variation.csv",
            get(export::variation_csv).fallback(export::get_only),
        )
        .layer(RequestBodyLimitLayer::new(body_limit))
        .merge(
            Router::new()
                .route(
                    "/import/ratings",
                    post(import::ratings).fallback(import::post_only),
                )
                .layer(RequestBodyLimitLayer::new(import_limit))
                .layer(DefaultBodyLimit::max(import_limit)),
        )
        .fallback(no_such_route)
        .with_state(state)
        .layer(axum::middleware::from_fn(tenant_scope))
        .layer(axum::middleware::from_fn(named::name_failures))
        .layer(axum::middleware::map_response(graphql_shaped_limit))
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(cors(&state_origins))
        .layer(axum::middleware::from_fn_with_state(
            observe,
            crate::observe::track,
        ))
        .layer(trace)
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
        .layer(axum::middleware::map_request(sane_request_id))
}

/// A client's `x-request-id` is kept only when it is 1 to 128 visible
/// ASCII characters; any other is dropped, and the request gets a fresh
/// id, so logs cannot be fed long or forged lines through it.
async fn sane_request_id(mut request: Request<axum::body::Body>) -> Request<axum::body::Body> {
    let sane = |id: &[u8]| (1..=128).contains(&id.len()) && id.iter().all(u8::is_ascii_graphic);
    let given = request.headers().get(REQUEST_ID);
    if given.is_some_and(|id| !sane(id.as_bytes())) {
        request.headers_mut().remove(REQUEST_ID);
    }
    request
}

/// Each request reaches no tenant's rows until its token is verified.
async fn tenant_scope(
    request: Request<axum::body::Body>,
    next: axum::middleware::Next,
) -> Response {
    crate::db::tenant::request(next.run(request)).await
}

/// Browsers may call from these origins only; none by default.
fn cors(origins: &[String]) -> CorsLayer {
    let origins = origins.iter().filter_map(|o| HeaderValue::from_str(o).ok());
    let origins: Vec<HeaderValue> = origins.collect();
    if origins.is_empty() {
        return CorsLayer::new();
    }
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE, header::ACCEPT])
        .expose_headers([
            header::RETRY_AFTER,
            header::HeaderName::from_static(REQUEST_ID),
        ])
        .max_age(std::time::Duration::from_secs(600))
}

/// Ready only when the database answers.
async fn health(State(state): State<AppState>) -> Response {
    if !state.ready.load(std::sync::atomic::Ordering::SeqCst) {
        let body = Json(json!({ "status": "stopping" }));
        return (StatusCode::SERVICE_UNAVAILABLE, body).into_response();
    }
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
    // A refusal of the exchange itself (its method or media types) is coded
    // by what was refused, not as bad input.
    let code = match status {
        StatusCode::METHOD_NOT_ALLOWED => "METHOD_NOT_ALLOWED",
        StatusCode::NOT_ACCEPTABLE => "NOT_ACCEPTABLE",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "UNSUPPORTED_MEDIA_TYPE",
        _ => err.code(),
    };
    let extensions = match err {
        ApiError::Invalid {
            field: Some(field), ..
        } => json!({ "code": code, "field": field }),
        _ => json!({ "code": code }),
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

/// An error outside GraphQL with the status its kind calls for.
pub(super) fn failure(err: &ApiError) -> Response {
    let status = match err {
        ApiError::Unauthenticated => StatusCode::UNAUTHORIZED,
        ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
        ApiError::NotFound(_) => StatusCode::NOT_FOUND,
        ApiError::Invalid { .. } => StatusCode::BAD_REQUEST,
        ApiError::Conflict(_) => StatusCode::CONFLICT,
        ApiError::Internal(cause) => {
            tracing::error!(error = format!("{cause:#}"), "request failed");
            StatusCode::INTERNAL_SERVER_ERROR
        }
    };
    error_response(status, err)
}

/// 405 with the methods `allow`ed, and the error as JSON.
pub(super) fn method_not_allowed(allow: &'static str, message: &str) -> Response {
    let err = ApiError::Invalid {
        field: None,
        message: message.to_owned(),
    };
    let mut response = error_response(StatusCode::METHOD_NOT_ALLOWED, &err);
    response
        .headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static(allow));
    response
}

/// A path the service does not serve: 404, with the error as JSON.
async fn no_such_route() -> Response {
    let err = ApiError::NotFound("no such path: the API is POST /graphql".into());
    error_response(StatusCode::NOT_FOUND, &err)
}

/// Any other method than GET on `/health` or `/metrics`.
async fn get_route_only() -> Response {
    method_not_allowed("GET", "this path answers GET only")
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

/// 429 for a caller whose budget is spent, before the request is read.
pub(super) fn rate_limited(seconds: u64) -> Response {
    let message = format!("your query-cost budget is spent: retry in {seconds} s");
    let body = json!({ "errors": [{ "message": message,
        "extensions": { "code": "RATE_LIMITED", "retryAfter": seconds } }] });
    let mut response = (StatusCode::TOO_MANY_REQUESTS, Json(body)).into_response();
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    response
}

pub(super) fn too_large() -> Response {
    let body = json!({ "errors": [{ "message": "the request body is too large",
                                    "extensions": { "code": "REQUEST_TOO_LARGE" } }] });
    (StatusCode::PAYLOAD_TOO_LARGE, Json(body)).into_response()
}

/// The caller named by the one `Authorization: Bearer` header. A token naming
/// a trust that does not exist, or a school outside its trust, is refused
/// like any other bad token, with no detail.
pub(crate) async fn authenticate(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Caller, Box<Response>> {
    let token = crate::auth::bearer(headers);
    let verified = match token {
        Some(token) if !token.is_empty() => state.keys.verify(token).await,
        _ => Err(ApiError::Unauthenticated),
    };
    let refuse = |err: &ApiError| Box::new(error_response(StatusCode::UNAUTHORIZED, err));
    let caller = verified.map_err(|err| refuse(&err))?;
    if let Err(seconds) = state.rate.check(&caller) {
        return Err(Box::new(rate_limited(seconds)));
    }
    crate::db::tenant::enter(&caller.scope.trust);
    if state.held.holds(&caller.scope) {
        crate::observe::note_caller(&caller);
        return Ok(caller);
    }
    match crate::data::schools::scope_holds(&state.db, &caller.scope).await {
        Ok(true) => {
            state.held.held(&caller.scope);
            crate::observe::note_caller(&caller);
            Ok(caller)
        }
        Ok(false) => Err(refuse(&ApiError::Unauthenticated)),
        Err(err) => Err(Box::new(failure(&err))),
    }
}
