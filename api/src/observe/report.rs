//! What a request's handlers learn about it for its log line and metrics:
//! the caller, the GraphQL operation and the error codes of the answer.
//! Handlers note them in a task-local report that the tracking layer set
//! up; outside that layer (no HTTP request) the notes go nowhere.

use std::sync::{Arc, Mutex};

use async_graphql::parser::types::OperationType;

use super::names::is_name;
use crate::auth::Caller;

tokio::task_local! {
    static REPORT: Arc<Mutex<Report>>;
}

/// The notes on one request.
#[derive(Debug, Default, Clone)]
pub struct Report {
    /// The token's subject and trust, once the token is verified.
    pub caller: Option<(String, String)>,
    pub operation: Option<Operation>,
    /// The `extensions.code` of each error, once GraphQL has answered;
    /// `None` when the request was refused before execution.
    pub codes: Option<Vec<String>>,
}

/// The operation a GraphQL request runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operation {
    /// Its name, when it has one that is a GraphQL name of at most 64
    /// characters.
    pub name: Option<String>,
    /// `query`, `mutation`, `subscription`, or `unknown` when the document
    /// does not parse or names no operation to run.
    pub kind: &'static str,
    /// The first 8 hex digits of a persisted query's hash.
    pub persisted: Option<String>,
}

impl Operation {
    /// The operation `request` runs: the one `operationName` names, or
    /// the document's only one.
    pub fn of(request: &mut async_graphql::Request) -> Operation {
        let persisted = request
            .extensions
            .get("persistedQuery")
            .and_then(|ext| match ext {
                async_graphql::Value::Object(ext) => ext.get("sha256Hash"),
                _ => None,
            })
            .and_then(|hash| match hash {
                async_graphql::Value::String(hash) => hash.get(..8).map(str::to_ascii_lowercase),
                _ => None,
            });
        let wanted = request.operation_name.clone();
        // The document is parsed once per request and kept in it.
        let (name, kind) = match request.parsed_query() {
            Ok(document) => match crate::graphql::chosen_operation(document, wanted.as_deref()) {
                Some((name, op)) => (name.map(str::to_owned), Some(op.node.ty)),
                None => (None, None),
            },
            Err(_) => (None, None),
        };
        Operation {
            name: name.filter(|n| is_name(n)),
            kind: match kind {
                Some(OperationType::Query) => "query",
                Some(OperationType::Mutation) => "mutation",
                Some(OperationType::Subscription) => "subscription",
                None => "unknown",
            },
            persisted,
        }
    }

    /// How the log names it: its name, else `persisted:<hash prefix>`,
    /// else its kind.
    pub fn log_name(&self) -> String {
        match (&self.name, &self.persisted) {
            (Some(name), _) => name.clone(),
            (None, Some(hash)) => format!("persisted:{hash}"),
            (None, None) => self.kind.to_owned(),
        }
    }
}

/// Runs `future` with an empty report that the notes below fill in.
pub async fn scoped<F: Future>(report: Arc<Mutex<Report>>, future: F) -> F::Output {
    REPORT.scope(report, future).await
}

fn note(change: impl FnOnce(&mut Report)) {
    let _ = REPORT.try_with(|report| {
        change(&mut report.lock().unwrap_or_else(|e| e.into_inner()));
    });
}

/// The verified caller, also put on the request's span for the lines
/// logged from here on.
pub fn note_caller(caller: &Caller) {
    let span = tracing::Span::current();
    span.record("caller.sub", caller.subject.as_str());
    span.record("trust.id", caller.scope.trust.as_str());
    note(|report| {
        report.caller = Some((caller.subject.clone(), caller.scope.trust.clone()));
    });
}

/// The operation `request` runs, before it runs.
pub fn note_operation(request: &mut async_graphql::Request) {
    let operation = Operation::of(request);
    tracing::Span::current().record("graphql.operation", operation.log_name());
    note(|report| report.operation = Some(operation));
}

/// The error codes of GraphQL's answer.
pub fn note_response(response: &async_graphql::Response) {
    let codes = response.errors.iter().map(|error| {
        let code = error.extensions.as_ref().and_then(|ext| ext.get("code"));
        match code {
            Some(async_graphql::Value::String(code)) => code.clone(),
            _ => "NONE".to_owned(),
        }
    });
    let codes = codes.collect();
    note(|report| report.codes = Some(codes));
}
