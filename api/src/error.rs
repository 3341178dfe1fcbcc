//! One error type for the service, mapped once to GraphQL errors with
//! `extensions.code`. Internal faults are logged here with their cause and
//! reach the client as a generic message.

use async_graphql::ErrorExtensions;
use sea_orm::{DbErr, SqlErr};

/// Variants follow what the caller should do next.
///
/// It deliberately does not implement `Display`: async-graphql converts any
/// displayable error into a GraphQL error without a code, and `?` would pick
/// that conversion over [`From<ApiError>`] below.
#[derive(Debug)]
pub enum ApiError {
    Unauthenticated,
    Forbidden(String),
    /// The record does not exist for this caller (or at all).
    NotFound(String),
    /// The input breaks a rule; `field` names the input path at fault.
    Invalid {
        field: Option<String>,
        message: String,
    },
    Conflict(String),
    Internal(anyhow::Error),
}

impl ApiError {
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> ApiError {
        ApiError::Invalid {
            field: Some(field.into()),
            message: message.into(),
        }
    }

    /// The message the client sees; internal causes are never shown.
    pub fn message(&self) -> String {
        match self {
            ApiError::Unauthenticated => "a valid bearer token is required".to_owned(),
            ApiError::Forbidden(message)
            | ApiError::NotFound(message)
            | ApiError::Conflict(message)
            | ApiError::Invalid { message, .. } => message.clone(),
            ApiError::Internal(_) => "internal error".to_owned(),
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            ApiError::Unauthenticated => "UNAUTHENTICATED",
            ApiError::Forbidden(_) => "FORBIDDEN",
            ApiError::NotFound(_) => "NOT_FOUND",
            ApiError::Invalid { .. } => "BAD_USER_INPUT",
            ApiError::Conflict(_) => "CONFLICT",
            ApiError::Internal(_) => "INTERNAL_SERVER_ERROR",
        }
    }
}

impl From<anyhow::Error> for ApiError {
    fn from(err: anyhow::Error) -> Self {
        ApiError::Internal(err)
    }
}

impl From<DbErr> for ApiError {
    fn from(err: DbErr) -> Self {
        match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => {
                ApiError::Conflict("a record with the same key already exists".into())
            }
            Some(SqlErr::ForeignKeyConstraintViolation(_)) => ApiError::Invalid {
                field: None,
                message: "the input refers to a record that does not exist".into(),
            },
            _ => ApiError::Internal(err.into()),
        }
    }
}

impl From<ApiError> for async_graphql::Error {
    fn from(err: ApiError) -> Self {
        if let ApiError::Internal(cause) = &err {
            tracing::error!(error = format!("{cause:#}"), "internal error");
        }
        let code = err.code();
        let field = match &err {
            ApiError::Invalid { field, .. } => field.clone(),
            _ => None,
        };
        async_graphql::Error::new(err.message()).extend_with(|_, ext| {
            ext.set("code", code);
            if let Some(field) = field {
                ext.set("field", field);
            }
        })
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
