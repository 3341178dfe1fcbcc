//! A failure outside GraphQL names its request, as a GraphQL answer's
//! internal error does, so a report can be matched with the log line.

use axum::body::{Body, to_bytes};
use axum::http::{Request, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use serde_json::Value;

use super::REQUEST_ID;

/// The largest failure body read back to add the id; failures are small.
const MOST: usize = 64 * 1024;

/// Adds `extensions.requestId` to each error of a 500 answer.
pub(super) async fn name_failures(request: Request<Body>, next: Next) -> Response {
    let id = (request.headers().get(REQUEST_ID))
        .and_then(|id| id.to_str().ok())
        .map(str::to_owned);
    let response = next.run(request).await;
    match id {
        Some(id) if response.status() == StatusCode::INTERNAL_SERVER_ERROR => {
            named(response, id).await
        }
        _ => response,
    }
}

async fn named(response: Response, id: String) -> Response {
    let (mut parts, body) = response.into_parts();
    let bytes = match to_bytes(body, MOST).await {
        Ok(bytes) => bytes,
        Err(_) => return Response::from_parts(parts, Body::empty()),
    };
    let Ok(mut answer) = serde_json::from_slice::<Value>(&bytes) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    let errors = answer.get_mut("errors").and_then(Value::as_array_mut);
    for error in errors.into_iter().flatten() {
        if let Some(extensions) = error.get_mut("extensions").and_then(Value::as_object_mut) {
            extensions.insert("requestId".into(), Value::from(id.as_str()));
        }
    }
    match serde_json::to_vec(&answer) {
        Ok(body) => {
            parts.headers.remove(header::CONTENT_LENGTH);
            Response::from_parts(parts, Body::from(body))
        }
        Err(_) => Response::from_parts(parts, Body::from(bytes)),
    }
}
