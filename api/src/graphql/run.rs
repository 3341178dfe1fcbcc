//! Runs a request on one of two copies of the schema.
//!
//! `checked` carries every extension: error codes, shape limits, the rate
//! limit, the cost report, idempotency keys and the introspection gate.
//! async-graphql sends every resolved field through the hooks of every
//! extension once any is present, which cost a partner's page of 20,000
//! fields about a third of its time. So a plain query (no mutation, no
//! introspection) is first checked on `checked` — parsed, limited,
//! validated, charged and costed, then stopped before execution — and then
//! executed on `fast`, which has no extensions. Mutations and
//! introspection run whole on `checked`, where their hooks are needed.

use std::sync::Arc;

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextExecute};
use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, OperationDefinition, OperationType, Selection,
    SelectionSet,
};
use async_graphql::{Positioned, Request, Response, Value};

use super::ApiSchema;
use crate::auth::Caller;

/// The two copies of the schema, built by [`super::build_schemas`].
#[derive(Clone)]
pub struct Schemas {
    pub(super) checked: ApiSchema,
    pub(super) fast: ApiSchema,
}

/// Request data: check this request, then stop before executing it.
struct CheckOnly;

/// The last extension of `checked`: stops requests marked [`CheckOnly`].
pub(super) struct StopChecked;

impl ExtensionFactory for StopChecked {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(StopChecked)
    }
}

#[async_trait::async_trait]
impl Extension for StopChecked {
    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        match ctx.data_opt::<CheckOnly>() {
            Some(_) => Response::new(Value::Null),
            None => next.run(ctx, operation_name).await,
        }
    }
}

/// Whether a root selection, through the fragments it spreads, asks for
/// `__schema` or `__type` (`__typename` is answered without extensions).
/// `seen` holds the fragments already followed, so a cycle (which
/// validation refuses on `checked`) ends here.
fn introspects<'a>(
    set: &'a SelectionSet,
    document: &'a ExecutableDocument,
    seen: &mut Vec<&'a str>,
) -> bool {
    set.items.iter().any(|item| match &item.node {
        Selection::Field(field) => matches!(field.node.name.node.as_str(), "__schema" | "__type"),
        Selection::InlineFragment(inline) => {
            introspects(&inline.node.selection_set.node, document, seen)
        }
        Selection::FragmentSpread(spread) => {
            let name = spread.node.fragment_name.node.as_str();
            if seen.contains(&name) {
                return false;
            }
            seen.push(name);
            match document.fragments.get(name) {
                Some(fragment) => introspects(&fragment.node.selection_set.node, document, seen),
                // Validation on `checked` refuses a fragment never defined.
                None => true,
            }
        }
    })
}

/// The operation a request runs, as execution chooses it: the one
/// `name` names, or the document's only one.
pub fn chosen_operation<'a>(
    document: &'a ExecutableDocument,
    name: Option<&str>,
) -> Option<(Option<&'a str>, &'a Positioned<OperationDefinition>)> {
    match (&document.operations, name) {
        (DocumentOperations::Single(operation), None) => Some((None, operation)),
        (DocumentOperations::Single(_), Some(_)) => None,
        (DocumentOperations::Multiple(operations), Some(name)) => operations
            .get_key_value(name)
            .map(|(name, operation)| (Some(name.as_str()), operation)),
        (DocumentOperations::Multiple(operations), None) if operations.len() == 1 => operations
            .iter()
            .next()
            .map(|(name, operation)| (Some(name.as_str()), operation)),
        (DocumentOperations::Multiple(_), None) => None,
    }
}

/// Whether the operation the request runs is a query that does not
/// introspect; when it is not, or the document does not parse, the request
/// runs whole on `checked`.
fn plain_query(request: &mut Request) -> bool {
    let name = request.operation_name.clone();
    let Ok(document) = request.parsed_query() else {
        return false;
    };
    chosen_operation(document, name.as_deref()).is_some_and(|(_, operation)| {
        operation.node.ty == OperationType::Query
            && !introspects(
                &operation.node.selection_set.node,
                document,
                &mut Vec::new(),
            )
    })
}

impl Schemas {
    /// The SDL of the schema both copies share.
    pub fn sdl(&self) -> String {
        self.checked.sdl()
    }

    /// Runs `request` for `caller`, as described at the top of this file.
    pub async fn execute(&self, mut request: Request, caller: &Caller) -> Response {
        if !plain_query(&mut request) {
            return self.checked.execute(request).await;
        }
        let Ok(document) = request.parsed_query().cloned() else {
            return self.checked.execute(request).await;
        };
        let mut check = Request::new(request.query.clone())
            .variables(request.variables.clone())
            .data(caller.clone())
            .data(CheckOnly);
        check.operation_name = request.operation_name.clone();
        check.set_parsed_query(document);
        let checked = self.checked.execute(check).await;
        if !checked.errors.is_empty() {
            return checked;
        }
        let mut response = self.fast.execute(request).await;
        response.errors = std::mem::take(&mut response.errors)
            .into_iter()
            .map(super::extension::field_error_code)
            .collect();
        response.extensions.extend(checked.extensions);
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(query: &str, name: Option<&str>) -> bool {
        let mut request = Request::new(query);
        request.operation_name = name.map(str::to_owned);
        plain_query(&mut request)
    }

    #[test]
    fn only_queries_without_introspection_skip_the_extensions() {
        assert!(plain("{ walks { nodes { id } } }", None));
        assert!(plain("query A { __typename } mutation B { x }", Some("A")));
        assert!(plain("query { ...F } fragment F on Query { ...F }", None));
        assert!(!plain("query A { x } mutation B { x }", Some("B")));
        assert!(!plain("mutation M { x }", None));
        assert!(!plain("query A { x } query B { x }", None));
        assert!(!plain("{ x }", Some("A")));
        assert!(!plain("{ __schema { description } }", None));
        assert!(!plain("{ ... { __type(name: \"Walk\") { name } } }", None));
        assert!(!plain(
            "{ ...F } fragment F on Query { ...G } fragment G on Query { __schema { description } }",
            None
        ));
        assert!(!plain("{ ...Missing }", None));
        assert!(!plain("{ unclosed", None));
    }
}
