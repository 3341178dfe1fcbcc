//! Business-rule failures of a mutation, reported in its payload's
//! `userErrors` beside a null record: bad input, a record that does not
//! exist for the caller, a conflict with the stored state. Top-level
//! `errors` carry only malformed requests, authentication and roles,
//! limits and internal faults.

use std::sync::atomic::{AtomicUsize, Ordering};

use async_graphql::{Context, Enum, SimpleObject};

use crate::error::ApiError;

/// What kind of business rule a mutation broke.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum UserErrorCode {
    /// The input breaks a rule; `field` names the part at fault.
    BadUserInput,
    /// A record the input names does not exist for the caller.
    NotFound,
    /// The stored state does not allow it, e.g. a changed `version`.
    Conflict,
}

/// One reason a mutation did not change anything.
#[derive(SimpleObject, Clone, Debug)]
pub struct UserError {
    /// The path of the input field at fault, e.g. `["ratings", "1",
    /// "level"]`; null when no one field is.
    pub field: Option<Vec<String>>,
    /// What kind of rule was broken.
    pub code: UserErrorCode,
    /// What went wrong, in plain words a client may show its user.
    pub message: String,
}

impl UserError {
    /// The user error `err` is, or `err` back when it belongs at the top
    /// level.
    pub fn from_api(err: ApiError) -> Result<UserError, ApiError> {
        let code = match &err {
            ApiError::Invalid { .. } => UserErrorCode::BadUserInput,
            ApiError::NotFound(_) => UserErrorCode::NotFound,
            ApiError::Conflict(_) => UserErrorCode::Conflict,
            _ => return Err(err),
        };
        let field = match &err {
            ApiError::Invalid { field, .. } => field.as_ref().map(|f| {
                let path = f.split('.').map(str::to_owned);
                path.collect()
            }),
            _ => None,
        };
        Ok(UserError {
            field,
            code,
            message: err.message(),
        })
    }
}

/// A mutation payload: its record fields, `userErrors` and the echoed
/// `clientMutationId`.
pub trait Payload: Default {
    fn set_client_mutation_id(&mut self, id: Option<String>);
    fn set_user_errors(&mut self, errors: Vec<UserError>);
}

/// Implements [`Payload`] for structs with `user_errors` and
/// `client_mutation_id` fields.
macro_rules! payload {
    ($($name:ty),* $(,)?) => {$(
        impl $crate::graphql::user_error::Payload for $name {
            fn set_client_mutation_id(&mut self, id: Option<String>) {
                self.client_mutation_id = id;
            }
            fn set_user_errors(&mut self, errors: Vec<$crate::graphql::user_error::UserError>) {
                self.user_errors = errors;
            }
        }
    )*};
}
pub(crate) use payload;

/// The payload for a mutation's outcome: a business-rule failure becomes
/// its `userErrors` with every record null; any other failure stays a
/// top-level error.
pub fn settle<P: Payload>(
    ctx: &Context<'_>,
    outcome: Result<P, ApiError>,
    client_mutation_id: Option<String>,
) -> async_graphql::Result<P> {
    let mut payload = match outcome {
        Ok(payload) => payload,
        Err(err) => {
            let mut failed = P::default();
            failed.set_user_errors(vec![UserError::from_api(err)?]);
            if let Some(failures) = ctx.data_opt::<Failures>() {
                failures.0.fetch_add(1, Ordering::SeqCst);
            }
            failed
        }
    };
    payload.set_client_mutation_id(client_mutation_id);
    Ok(payload)
}

/// How many mutations of a request ended in user errors, so that an
/// idempotency key is not spent on a write that did not happen.
#[derive(Default)]
pub struct Failures(AtomicUsize);

impl Failures {
    pub fn count(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}
