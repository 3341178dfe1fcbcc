//! GraphQL over HTTP as its specification describes: `POST` with a JSON
//! body, `GET` for queries only, and the response's media type chosen by
//! `Accept` — `application/graphql-response+json`, under which a request
//! that cannot run answers 400 without `data`, or `application/json`, under
//! which every well-formed request answers 200.

use async_graphql::http::GraphiQLSource;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use serde_json::{Map, Value};

use super::media::{JSON, Media, json_body, negotiate, not_acceptable, request_error};
use super::params::{
    changes_data, document_fits, params_from_body, params_from_query_string, request_from,
};
use super::persisted::{Pending, Refusal};
use super::{authenticate, error_response, too_large};
use crate::auth::{Caller, Role};
use crate::data::loaders::Loaders;
use crate::error::ApiError;
use crate::graphql::introspection::NoIntrospection;
use crate::graphql::user_error::Failures;
use crate::startup::AppState;

/// Whether the request could not run at all: no data, and every error
/// outside any field (parse, validation, limits, an unknown or unnamed
/// operation), where a field's error has its path.
fn before_execution(response: &async_graphql::Response) -> bool {
    !response.errors.is_empty()
        && response.data == async_graphql::Value::Null
        && response.errors.iter().all(|error| error.path.is_empty())
}

// Known limit: async-graphql coerces a variable when the field that uses it
// runs, so a variable of the wrong type is a field error (200, with a path)
// rather than a request error (400).
// Known limit: async-graphql leaves a failed root field out of `data` (and
// `data` is null when it was the only one) where the specification sets the
// field to null; business failures belong in mutation payloads instead.
/// Runs a request for the caller and answers in `media`.
async fn execute(
    state: &AppState,
    media: Media,
    request_id: Option<&str>,
    caller: Caller,
    (mut request, pending): (async_graphql::Request, Option<Pending>),
) -> Response {
    tracing::Span::current().record("trust.id", caller.scope.trust.as_str());
    crate::observe::note_operation(&mut request);
    let stoppable = !changes_data(&mut request);
    let loaders = Loaders::new(&state.db, &caller.scope, stoppable);
    let request = match state.limits.production && !caller.roles.contains(&Role::Partner) {
        true => request.data(NoIntrospection),
        false => request,
    };
    // A query stopped midway has written nothing; a mutation is never
    // stopped, so its transaction either commits or rolls back whole.
    let limit = Duration::from_millis(state.limits.execution_timeout_ms);
    let request = request.data(caller.clone()).data(loaders);
    let run = (state.schema).execute(request.data(Failures::default()), &caller);
    let mut response = match stoppable {
        true => match tokio::time::timeout(limit, run).await {
            Ok(response) => response,
            Err(_) => return timed_out(media, limit),
        },
        false => run.await,
    };
    // Two validation rules can report the same fault (a subscription on a
    // schema without them, say): each is sent once.
    response.errors.dedup();
    crate::observe::note_response(&response);

    let failed = before_execution(&response);
    if let Some(pending) = pending.filter(|_| !failed) {
        state.persisted.keep(pending);
    }
    if response.errors.is_empty()
        && let Ok(bytes) = super::answer::to_json(&response)
    {
        let mut answer = (StatusCode::OK, bytes).into_response();
        let content_type = media.content_type();
        answer
            .headers_mut()
            .insert(header::CONTENT_TYPE, content_type);
        return answer;
    }
    let mut body = match serde_json::to_value(&response) {
        Ok(body) => body,
        Err(err) => {
            let err = ApiError::Internal(anyhow::anyhow!("cannot encode a response: {err}"));
            return error_response(StatusCode::INTERNAL_SERVER_ERROR, &err);
        }
    };
    // An internal fault names the request, so a report can be matched
    // with the log line; its cause is logged, never sent.
    let errors = body.get_mut("errors").and_then(Value::as_array_mut);
    for error in errors.into_iter().flatten() {
        let extensions = error.get_mut("extensions").and_then(Value::as_object_mut);
        if let (Some(extensions), Some(id)) = (extensions, request_id)
            && extensions.get("code") == Some(&Value::from("INTERNAL_SERVER_ERROR"))
        {
            extensions.insert("requestId".into(), Value::from(id));
        }
    }
    // A request that could not run has no `data` at all.
    if let (true, Some(body)) = (failed, body.as_object_mut()) {
        body.remove("data");
    }
    let retry = rate_limited(&response);
    let status = match (failed, retry) {
        (_, Some(_)) => StatusCode::TOO_MANY_REQUESTS,
        (true, None) => media.not_run(),
        (false, None) => StatusCode::OK,
    };
    let mut answer = (status, axum::Json(body)).into_response();
    if let Some(seconds) = retry.flatten() {
        answer
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    answer
        .headers_mut()
        .insert(header::CONTENT_TYPE, media.content_type());
    answer
}

/// `Some` when the rate limit refused the request, with the seconds to
/// wait when waiting would help.
fn rate_limited(response: &async_graphql::Response) -> Option<Option<u64>> {
    let refusal = response.errors.iter().find_map(|error| {
        let extensions = error.extensions.as_ref()?;
        let limited = extensions.get("code") == Some(&async_graphql::Value::from("RATE_LIMITED"));
        limited.then_some(extensions)
    })?;
    Some(match refusal.get("retryAfter") {
        Some(async_graphql::Value::Number(n)) => n.as_u64(),
        _ => None,
    })
}

/// The id the edge gave this request (`x-request-id`).
fn request_id(headers: &HeaderMap) -> Option<&str> {
    headers.get("x-request-id").and_then(|v| v.to_str().ok())
}

/// A query that ran past the execution timeout: 503, as the answer may
/// come with a retry or a smaller request.
fn timed_out(media: Media, limit: Duration) -> Response {
    let message = format!(
        "the query ran longer than {} ms and was stopped",
        limit.as_millis()
    );
    let body = serde_json::json!({ "errors": [{ "message": message,
        "extensions": { "code": "TIMEOUT", "limitMs": limit.as_millis() as u64 } }] });
    let mut answer = (StatusCode::SERVICE_UNAVAILABLE, axum::Json(body)).into_response();
    answer
        .headers_mut()
        .insert(header::CONTENT_TYPE, media.content_type());
    answer
}

pub(super) async fn post(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Response {
    let Some(media) = negotiate(&headers) else {
        return not_acceptable();
    };
    if !json_body(&headers) {
        let message = format!("send the request as {JSON}");
        return request_error(media, StatusCode::UNSUPPORTED_MEDIA_TYPE, message);
    }
    let body = match body {
        Ok(body) => body,
        Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            return too_large();
        }
        Err(rejection) => {
            let message = format!("the body cannot be read: {}", rejection.body_text());
            return request_error(media, StatusCode::BAD_REQUEST, message);
        }
    };
    let params = match params_from_body(&body) {
        Ok(params) => params,
        Err(message) => return request_error(media, StatusCode::BAD_REQUEST, message),
    };
    let caller = match authenticate(&state, &headers).await {
        Ok(caller) => caller,
        Err(response) => return *response,
    };
    match prepared(&state, media, &caller, params) {
        Ok(request) => execute(&state, media, request_id(&headers), caller, request).await,
        Err(response) => *response,
    }
}

/// The request the parameters describe, with a persisted query's text
/// filled in, or the answer that refuses it.
fn prepared(
    state: &AppState,
    media: Media,
    caller: &Caller,
    mut params: Map<String, Value>,
) -> Result<(async_graphql::Request, Option<Pending>), Box<Response>> {
    let refused = |message| Box::new(request_error(media, StatusCode::BAD_REQUEST, message));
    match state.persisted.apply(&caller.scope.trust, &mut params) {
        Ok(pending) => {
            document_fits(media, &params, state.limits.max_document_bytes)?;
            Ok((request_from(params).map_err(refused)?, pending))
        }
        Err(Refusal::Invalid(message)) => Err(refused(message)),
        Err(Refusal::NotFound) => {
            let status = media.not_run();
            let body = serde_json::json!({ "errors": [{ "message": "PersistedQueryNotFound",
                "extensions": { "code": "PERSISTED_QUERY_NOT_FOUND" } }] });
            let mut response = (status, axum::Json(body)).into_response();
            response
                .headers_mut()
                .insert(header::CONTENT_TYPE, media.content_type());
            Err(Box::new(response))
        }
    }
}

fn wants_html(headers: &HeaderMap) -> bool {
    let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok());
    accept.is_some_and(|accept| accept.contains("text/html"))
}

/// GraphiQL for browsers; queries (never mutations) from the query string
/// for everyone else.
pub(super) async fn get(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let query = query.unwrap_or_default();
    if query.is_empty() && wants_html(&headers) {
        let page = GraphiQLSource::build()
            .endpoint("/graphql")
            .title("Learning walks");
        return Html(page.finish()).into_response();
    }
    let Some(media) = negotiate(&headers) else {
        return not_acceptable();
    };
    let params = match params_from_query_string(&query) {
        Ok(params) => params,
        Err(message) => return request_error(media, StatusCode::BAD_REQUEST, message),
    };
    let caller = match authenticate(&state, &headers).await {
        Ok(caller) => caller,
        Err(response) => return *response,
    };
    let mut request = match prepared(&state, media, &caller, params) {
        Ok(request) => request,
        Err(response) => return *response,
    };
    if changes_data(&mut request.0) {
        let message = "mutations need POST".to_owned();
        let mut response = request_error(media, StatusCode::METHOD_NOT_ALLOWED, message);
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("POST"));
        return response;
    }
    execute(&state, media, request_id(&headers), caller, request).await
}

/// Other methods than GET and POST: 405, with the error as JSON.
pub(super) async fn other_method() -> Response {
    let err = ApiError::Invalid {
        field: None,
        message: "GraphQL answers GET (queries) and POST".into(),
    };
    let mut response = error_response(StatusCode::METHOD_NOT_ALLOWED, &err);
    response
        .headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static("GET, POST"));
    response
}
