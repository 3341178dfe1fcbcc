//! Media types of GraphQL over HTTP: what the client accepts, what the body
//! is declared as, and request errors in the chosen type.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;

use super::error_response;
use crate::error::ApiError;

pub(super) const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";
pub(super) const JSON: &str = "application/json";

/// The response media type a client accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Media {
    GraphqlResponse,
    Json,
}

impl Media {
    /// The status of a well-formed request that could not run: 200 under
    /// `application/json`, as GraphQL over HTTP asks, 400 under
    /// `application/graphql-response+json`.
    pub(super) fn not_run(self) -> StatusCode {
        match self {
            Media::GraphqlResponse => StatusCode::BAD_REQUEST,
            Media::Json => StatusCode::OK,
        }
    }

    pub(super) fn content_type(self) -> HeaderValue {
        match self {
            Media::GraphqlResponse => HeaderValue::from_static(GRAPHQL_RESPONSE),
            Media::Json => HeaderValue::from_static(JSON),
        }
    }
}

/// The media type to answer in: the `Accept` range with the highest
/// quality, `application/graphql-response+json` on a tie; `application/json`
/// for no `Accept` or a wildcard, as older clients expect. `None` when the
/// client accepts neither.
pub(super) fn negotiate(headers: &HeaderMap) -> Option<Media> {
    let Some(accept) = headers.get(header::ACCEPT) else {
        return Some(Media::Json);
    };
    let accept = accept.to_str().ok()?;
    if accept.trim().is_empty() {
        return Some(Media::Json);
    }
    let mut best: Option<(f32, Media)> = None;
    for range in accept.split(',') {
        let mut parts = range.split(';');
        let kind = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let quality = (parts.map(|p| p.trim().to_ascii_lowercase()))
            .filter_map(|p| p.strip_prefix("q=").map(str::to_owned))
            .find_map(|q| {
                q.trim()
                    .parse::<f32>()
                    .ok()
                    .filter(|q| (0.0..=1.0).contains(q))
            })
            .unwrap_or(1.0);
        let media = match kind.as_str() {
            GRAPHQL_RESPONSE => Media::GraphqlResponse,
            JSON | "application/*" | "*/*" => Media::Json,
            _ => continue,
        };
        let better = match best {
            None => true,
            Some((q, m)) => quality > q || (quality == q && m == Media::Json && media != m),
        };
        if quality > 0.0 && better {
            best = Some((quality, media));
        }
    }
    best.map(|(_, media)| media)
}

pub(super) fn not_acceptable() -> Response {
    let err = ApiError::Invalid {
        field: None,
        message: format!("accept {GRAPHQL_RESPONSE} or {JSON}"),
    };
    error_response(StatusCode::NOT_ACCEPTABLE, &err)
}

/// A request error: the request cannot run, so the answer has no `data`.
pub(super) fn request_error(media: Media, status: StatusCode, message: String) -> Response {
    let err = ApiError::Invalid {
        field: None,
        message,
    };
    let mut response = error_response(status, &err);
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, media.content_type());
    response
}

/// Whether the body is declared JSON (`application/json`, any charset).
pub(super) fn json_body(headers: &HeaderMap) -> bool {
    let kind = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    kind.is_some_and(|kind| {
        let mut parts = kind.split(';');
        let essence = parts.next().unwrap_or("").trim();
        let charset_ok = parts.all(|p| {
            let p = p.trim().to_ascii_lowercase();
            !p.starts_with("charset=") || p == "charset=utf-8" || p == "charset=\"utf-8\""
        });
        essence.eq_ignore_ascii_case(JSON) && charset_ok
    })
}
