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

/// How closely an `Accept` range names a media type: a wildcard for any
/// type, one for any `application/` subtype, or the type itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Match {
    Any,
    Application,
    Exact,
}

/// The quality `accept` gives `media`: that of the range that names it most
/// closely (so `application/json;q=0` refuses JSON whatever `*/*` says),
/// with how closely; `None` when no range covers it.
fn quality(accept: &[(String, f32)], media: &str) -> Option<(f32, Match)> {
    let mut best: Option<(Match, f32)> = None;
    for (range, q) in accept {
        let closeness = match range.as_str() {
            "*/*" => Match::Any,
            "application/*" => Match::Application,
            exact if exact == media => Match::Exact,
            _ => continue,
        };
        if best.is_none_or(|(m, _)| closeness > m) {
            best = Some((closeness, *q));
        }
    }
    best.map(|(closeness, q)| (q, closeness))
}

/// The media type to answer in: the one `Accept` gives the higher quality,
/// `application/graphql-response+json` on a tie when it is named;
/// `application/json` for no `Accept` or a tie of wildcards, as older
/// clients expect. `None` when the client accepts neither. Several `Accept`
/// headers count as one list.
pub(super) fn negotiate(headers: &HeaderMap) -> Option<Media> {
    let mut accept = Vec::new();
    for value in headers.get_all(header::ACCEPT) {
        for range in value.to_str().ok()?.split(',') {
            let mut parts = range.split(';');
            let kind = parts.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = (parts.map(|p| p.trim().to_ascii_lowercase()))
                .filter_map(|p| p.strip_prefix("q=").map(str::to_owned))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .filter(|q| (0.0..=1.0).contains(q))
                .unwrap_or(1.0);
            if !kind.is_empty() {
                accept.push((kind, q));
            }
        }
    }
    if accept.is_empty() {
        return Some(Media::Json);
    }
    let response = quality(&accept, GRAPHQL_RESPONSE).filter(|(q, _)| *q > 0.0);
    let json = quality(&accept, JSON).filter(|(q, _)| *q > 0.0);
    match (response, json) {
        (None, None) => None,
        (Some(_), None) => Some(Media::GraphqlResponse),
        (None, Some(_)) => Some(Media::Json),
        (Some((r, named)), Some((j, _))) => match r > j || (r == j && named == Match::Exact) {
            true => Some(Media::GraphqlResponse),
            false => Some(Media::Json),
        },
    }
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

/// The body's declared media type, when the request declares exactly one.
pub(super) fn content_type(headers: &HeaderMap) -> Option<&str> {
    let mut kinds = headers.get_all(header::CONTENT_TYPE).iter();
    match (kinds.next(), kinds.next()) {
        (Some(kind), None) => kind.to_str().ok(),
        _ => None,
    }
}

/// Whether the body is declared JSON (`application/json`, any charset).
pub(super) fn json_body(headers: &HeaderMap) -> bool {
    content_type(headers).is_some_and(|kind| {
        let mut parts = kind.split(';');
        let essence = parts.next().unwrap_or("").trim();
        let charset_ok = parts.all(|p| {
            let p = p.trim().to_ascii_lowercase();
            !p.starts_with("charset=") || p == "charset=utf-8" || p == "charset=\"utf-8\""
        });
        essence.eq_ignore_ascii_case(JSON) && charset_ok
    })
}
