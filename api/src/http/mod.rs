//! HTTP edge: routes, bearer-token check, GraphQL over GET and POST, the
//! health check, the CSV export, request ids and request logging.

use async_graphql::ParseRequestError;
use async_graphql::http::GraphiQLSource;
use async_graphql::parser::types::{DocumentOperations, OperationType};
use async_graphql_axum::GraphQLRequest;
use async_graphql_axum::rejection::GraphQLRejection;
use axum::Json;
use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, Request, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use serde_json::json;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

use crate::auth::Caller;
use crate::data::loaders::Loaders;
use crate::error::ApiError;
use crate::startup::AppState;

mod export;

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
        .route("/graphql", get(graphql_get).post(graphql_post))
        .route("/health", get(health))
        .route("/export/variation.csv", get(export::variation_csv))
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

fn too_large() -> Response {
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

async fn execute(state: &AppState, caller: Caller, request: async_graphql::Request) -> Response {
    tracing::Span::current().record("trust.id", caller.scope.trust.as_str());
    let loaders = Loaders::new(&state.db, &caller.scope);
    let response = state
        .schema
        .execute(request.data(caller).data(loaders))
        .await;
    Json(response).into_response()
}

async fn graphql_post(
    State(state): State<AppState>,
    headers: HeaderMap,
    request: Result<GraphQLRequest, GraphQLRejection>,
) -> Response {
    let caller = match authenticate(&state, &headers) {
        Ok(caller) => caller,
        Err(response) => return *response,
    };
    match request {
        Ok(request) => execute(&state, caller, request.into_inner()).await,
        Err(rejection) => unreadable_body(rejection.0),
    }
}

/// A body that is not one GraphQL request: 413 when too large, else 400.
fn unreadable_body(err: ParseRequestError) -> Response {
    let (status, message) = match err {
        ParseRequestError::PayloadTooLarge => return too_large(),
        ParseRequestError::UnsupportedBatch => (
            StatusCode::BAD_REQUEST,
            "batched requests are not supported; send one operation per request".to_owned(),
        ),
        other => (
            StatusCode::BAD_REQUEST,
            format!("the body is not a GraphQL request: {other}"),
        ),
    };
    error_response(
        status,
        &ApiError::Invalid {
            field: None,
            message,
        },
    )
}

fn wants_html(headers: &HeaderMap) -> bool {
    let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok());
    accept.is_some_and(|accept| accept.contains("text/html"))
}

/// True when the operation the request would run is a mutation.
fn is_mutation(request: &async_graphql::Request) -> bool {
    let Ok(document) = async_graphql::parser::parse_query(&request.query) else {
        return false;
    };
    let operation = match &document.operations {
        DocumentOperations::Single(operation) => Some(operation),
        DocumentOperations::Multiple(operations) => match &request.operation_name {
            Some(name) => operations.get(name.as_str()),
            None => operations.values().next(),
        },
    };
    operation.is_some_and(|op| op.node.ty == OperationType::Mutation)
}

/// The parameters of a GraphQL request sent with GET.
#[derive(serde::Deserialize)]
struct GetParams {
    query: String,
    #[serde(rename = "operationName")]
    operation_name: Option<String>,
    /// JSON, URL-encoded.
    variables: Option<String>,
}

/// A request from `?query=…&operationName=…&variables=…`.
fn request_from_query_string(text: &str) -> Result<async_graphql::Request, String> {
    let params: GetParams = serde_urlencoded::from_str(text)
        .map_err(|err| format!("the query string is not a GraphQL request: {err}"))?;
    let mut request = async_graphql::Request::new(params.query);
    if let Some(name) = params.operation_name {
        request = request.operation_name(name);
    }
    if let Some(variables) = params.variables.filter(|v| !v.is_empty()) {
        let json: serde_json::Value = serde_json::from_str(&variables)
            .map_err(|err| format!("variables are not JSON: {err}"))?;
        request = request.variables(async_graphql::Variables::from_json(json));
    }
    Ok(request)
}

/// GraphiQL for browsers; queries (never mutations) from the query string
/// for everyone else.
async fn graphql_get(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let query = query.unwrap_or_default();
    if query.is_empty() && wants_html(&headers) {
        return Html(
            GraphiQLSource::build()
                .endpoint("/graphql")
                .title("Learning walks")
                .finish(),
        )
        .into_response();
    }
    let request = match request_from_query_string(&query) {
        Ok(request) => request,
        Err(message) => {
            let err = ApiError::Invalid {
                field: None,
                message,
            };
            return error_response(StatusCode::BAD_REQUEST, &err);
        }
    };
    let caller = match authenticate(&state, &headers) {
        Ok(caller) => caller,
        Err(response) => return *response,
    };
    if is_mutation(&request) {
        let err = ApiError::Invalid {
            field: None,
            message: "mutations need POST".into(),
        };
        let mut response = error_response(StatusCode::METHOD_NOT_ALLOWED, &err);
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("POST"));
        return response;
    }
    execute(&state, caller, request).await
}
