//! Gives every error an `extensions.code`: parse and validation failures
//! get the GraphQL codes, argument coercion failures `BAD_USER_INPUT`.
//! Errors raised by resolvers already carry theirs (see `crate::error`).

use std::sync::Arc;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextParseQuery, NextRequest, NextValidation,
};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{Response, ServerError, ServerResult, ValidationResult, Variables};

pub struct ErrorCodes;

/// async-graphql's messages for selections nested past its limits: 32
/// levels counted through fragments, and 64 written out, where its parser
/// stops (a test fails if an upgrade changes either).
fn too_deep_to_parse(message: &str) -> bool {
    message.starts_with("The recursion depth of the query cannot be greater than")
        || message == "recursion limit exceeded."
}

impl ExtensionFactory for ErrorCodes {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(ErrorCodes)
    }
}

/// A refusal made before execution: `message` with `code` and any further
/// `extra` extensions, e.g. the limit that was passed.
pub(super) fn refusal(
    code: &str,
    message: String,
    pos: Option<async_graphql::Pos>,
    extra: &[(&str, u64)],
) -> ServerError {
    let mut error = ServerError::new(message, pos);
    let extensions = error.extensions.get_or_insert_with(Default::default);
    extensions.set("code", code);
    for (name, value) in extra {
        extensions.set(*name, *value);
    }
    error
}

fn with_code(mut error: ServerError, code: &str) -> ServerError {
    let extensions = error.extensions.get_or_insert_with(Default::default);
    if extensions.get("code").is_none() {
        extensions.set("code", code);
    }
    error
}

/// An error raised while fields ran that has no code yet: argument
/// coercion fails with `BAD_USER_INPUT`.
pub(super) fn field_error_code(error: ServerError) -> ServerError {
    with_code(error, "BAD_USER_INPUT")
}

#[async_trait::async_trait]
impl Extension for ErrorCodes {
    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        let mut response = next.run(ctx).await;
        response.errors = std::mem::take(&mut response.errors)
            .into_iter()
            .map(field_error_code)
            .collect();
        response
    }

    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let parsed = next.run(ctx, query, variables).await;
        parsed.map_err(|error| {
            if !too_deep_to_parse(&error.message) {
                return with_code(error, "GRAPHQL_PARSE_FAILED");
            }
            // Selections nested past async-graphql's recursion limits are
            // refused while parsing: too deep, like the shallower ones
            // validation refuses; unless fragments spread one another in a
            // cycle, which is invalid at any depth.
            let document = async_graphql::parser::parse_query(query);
            match document.is_ok_and(|document| super::fragments::cycle(&document)) {
                true => {
                    let message = "fragments spread one another in a cycle".to_owned();
                    with_code(ServerError::new(message, None), "GRAPHQL_VALIDATION_FAILED")
                }
                false => with_code(error, "QUERY_TOO_DEEP"),
            }
        })
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        next.run(ctx).await.map_err(|errors| {
            let coded = errors.into_iter().map(|error| {
                let code = match error.message.as_str() {
                    "Query is too complex." => "QUERY_TOO_COMPLEX",
                    "Query is nested too deep." => "QUERY_TOO_DEEP",
                    _ => "GRAPHQL_VALIDATION_FAILED",
                };
                with_code(error, code)
            });
            coded.collect()
        })
    }
}
