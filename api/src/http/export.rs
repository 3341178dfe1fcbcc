//! `GET /export/variation.csv`: the variation cells for analysts, with the
//! same bearer token, scope and rules as the GraphQL `variation` query.

use std::collections::BTreeMap;

use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};

use super::{authenticate, failure, method_not_allowed};
use crate::analytics::export::{ExportParams, csv};
use crate::analytics::report;
use crate::data::schools::{self, SchoolFilter};
use crate::error::ApiError;
use crate::startup::AppState;

/// What one export costs of the caller's rate budget: the cost of an
/// analytics field in GraphQL.
const EXPORT_COST: u64 = 50_000;

pub(super) async fn variation_csv(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let caller = match authenticate(&state, &headers).await {
        Ok(caller) => caller,
        Err(response) => return *response,
    };
    tracing::Span::current().record("trust.id", caller.scope.trust.as_str());
    let scope = &caller.scope;
    let params: ExportParams = match serde_urlencoded::from_str(&query.unwrap_or_default()) {
        Ok(params) => params,
        Err(err) => {
            return failure(&ApiError::Invalid {
                field: None,
                message: format!("the query string is not an export request: {err}"),
            });
        }
    };
    // The export builds the same report as the `variation` field and is
    // charged what that field costs, once the request reads as one.
    if let Err(seconds) = state.rate.spend(&caller, EXPORT_COST) {
        return super::rate_limited(seconds);
    }
    let built = async {
        crate::analytics::filter::may_read_figures(&caller)?;
        let (filter, grouping) = params.read()?;
        let resolved = (filter.resolve(&state.db, scope).await?)
            .ok_or_else(|| ApiError::NotFound("no such protocol".into()))?;
        let every_school = SchoolFilter::default();
        let (report, schools) = tokio::try_join!(
            report::build(&state.db, scope, resolved, grouping, false),
            schools::list(&state.db, scope, &every_school),
        )?;
        let names: BTreeMap<i32, String> = (schools.into_iter()).map(|s| (s.urn, s.name)).collect();
        Ok::<_, ApiError>(csv(&report, grouping, &names))
    };
    match built.await {
        Ok(body) => {
            let mut response = body.into_response();
            let headers = response.headers_mut();
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            );
            headers.insert(
                header::CONTENT_DISPOSITION,
                HeaderValue::from_static("attachment; filename=\"variation.csv\""),
            );
            response
        }
        Err(err) => failure(&err),
    }
}

/// Any other method than GET: 405, with the error as JSON.
pub(super) async fn get_only() -> Response {
    method_not_allowed("GET", "the export answers GET only")
}
