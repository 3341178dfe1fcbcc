//! `POST /import/ratings?protocolKey=…`: a whole term of walks as one CSV
//! upload (the format of `api import ratings`), written all or nothing.
//! A refused file answers 422 with every fault by line.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use super::{authenticate, error_response, failure, method_not_allowed};
use crate::error::ApiError;
use crate::import::ratings::{Importer, Refused, import_ratings_as};
use crate::startup::AppState;

/// The query string of an import.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ImportParams {
    /// The protocol's key; its latest published version is used.
    protocol_key: String,
}

fn is_csv(headers: &HeaderMap) -> bool {
    let kind = super::media::content_type(headers).unwrap_or_default();
    let essence = kind.split(';').next().unwrap_or_default().trim();
    essence.eq_ignore_ascii_case("text/csv")
}

fn refused(refusal: &Refused) -> Response {
    let body = json!({ "errors": [{
        "message": "the ratings file was not imported",
        "extensions": { "code": "BAD_USER_INPUT", "faults": refusal.0 },
    }] });
    (StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response()
}

pub(super) async fn ratings(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Response {
    let caller = match authenticate(&state, &headers).await {
        Ok(caller) => caller,
        Err(response) => return *response,
    };
    tracing::Span::current().record("trust.id", caller.scope.trust.as_str());
    if let Err(err) = caller.require_leader_or_partner() {
        return failure(&err);
    }
    if !is_csv(&headers) {
        let err = ApiError::invalid("content-type", "send the ratings file as text/csv");
        return error_response(StatusCode::UNSUPPORTED_MEDIA_TYPE, &err);
    }
    let params: ImportParams = match serde_urlencoded::from_str(&query.unwrap_or_default()) {
        Ok(params) => params,
        Err(err) => {
            let message = format!("the query string needs protocolKey and nothing else: {err}");
            return failure(&ApiError::invalid("protocolKey", message));
        }
    };
    if let Err(err) = crate::data::text::plain("protocolKey", &params.protocol_key, false) {
        return failure(&err);
    }
    let importer = Importer {
        trust_uid: &caller.scope.trust,
        protocol_key: &params.protocol_key,
        actor: &caller.subject,
        schools: caller.scope.schools.as_deref(),
    };
    match import_ratings_as(&state.db, &importer, &body).await {
        Ok(summary) => Json(json!({ "imported": {
            "protocol": summary.protocol,
            "version": summary.version,
            "walks": summary.walks,
            "visits": summary.visits,
            "ratings": summary.ratings,
            "newObservers": summary.new_observers,
        } }))
        .into_response(),
        Err(err) => match err.downcast_ref::<Refused>() {
            Some(refusal) => refused(refusal),
            None if raced(&err) => failure(&ApiError::Conflict(
                "another import wrote some of the same walks or visits while this one ran; \
                 nothing of this file was written: send it again to see which are taken"
                    .into(),
            )),
            None => failure(&ApiError::Internal(err)),
        },
    }
}

/// Any other method than POST: 405, with the error as JSON.
pub(super) async fn post_only() -> Response {
    method_not_allowed("POST", "the import takes POST only")
}

/// Whether the import lost a race: a key it checked as free was written
/// by another transaction before this one committed.
fn raced(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<sea_orm::DbErr>()
            .and_then(sea_orm::DbErr::sql_err)
            .is_some_and(|e| matches!(e, sea_orm::SqlErr::UniqueConstraintViolation(_)))
    })
}
