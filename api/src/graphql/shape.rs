//! Limits on a document's shape that depth and cost do not catch: how
//! many aliases it writes, how many fields an operation asks for at its
//! root, how many directives one selection carries, and how many fields it
//! holds once its fragments are written out (a few lines of fragments that
//! each spread the one before twice would otherwise make the depth and cost
//! checks walk billions of fields). Checked once, right after parsing and
//! before async-graphql's own checks, whose walk through fragments is not
//! memoised; the parsed document is handed on, so it is parsed once.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextPrepareRequest,
};
use async_graphql::parser::types::{
    ExecutableDocument, FragmentDefinition, Selection, SelectionSet,
};
use async_graphql::{Name, Pos, Positioned, Request, ServerError, ServerResult};

use super::extension::refusal;

/// The most of each a document may have.
#[derive(Debug, Clone, Copy)]
pub struct ShapeLimits {
    pub aliases: usize,
    pub root_fields: usize,
    pub directives: usize,
    /// The most fields once fragments are written out: the cost limit, as
    /// every field costs at least 1.
    pub fields: usize,
}

impl ExtensionFactory for ShapeLimits {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(*self)
    }
}

type Fragments = HashMap<Name, Positioned<FragmentDefinition>>;

/// What a document holds, counted over its text.
#[derive(Default)]
struct Tally {
    aliases: usize,
    /// The most directives on one selection, and where.
    directives: (usize, Option<Pos>),
}

impl Tally {
    fn directives(&mut self, count: usize, pos: Pos) {
        if count > self.directives.0 {
            self.directives = (count, Some(pos));
        }
    }

    fn set(&mut self, set: &SelectionSet) {
        for item in &set.items {
            match &item.node {
                Selection::Field(field) => {
                    self.aliases += usize::from(field.node.alias.is_some());
                    self.directives(field.node.directives.len(), field.pos);
                    self.set(&field.node.selection_set.node);
                }
                Selection::FragmentSpread(spread) => {
                    self.directives(spread.node.directives.len(), spread.pos);
                }
                Selection::InlineFragment(inline) => {
                    self.directives(inline.node.directives.len(), inline.pos);
                    self.set(&inline.node.selection_set.node);
                }
            }
        }
    }
}

/// Fields an operation asks for at its root, through its fragments.
fn root_fields(set: &SelectionSet, fragments: &Fragments, seen: &mut HashSet<Name>) -> usize {
    (set.items.iter())
        .map(|item| match &item.node {
            Selection::Field(_) => 1,
            Selection::InlineFragment(inline) => {
                root_fields(&inline.node.selection_set.node, fragments, seen)
            }
            Selection::FragmentSpread(spread) => {
                let name = &spread.node.fragment_name.node;
                match (fragments.get(name), seen.insert(name.clone())) {
                    (Some(fragment), true) => {
                        root_fields(&fragment.node.selection_set.node, fragments, seen)
                    }
                    _ => 0,
                }
            }
        })
        .sum()
}

/// Fields `set` holds with every fragment spread written out. Each
/// fragment is counted once and remembered, so this takes time in the
/// document's length; a spread inside its own fragment (a cycle, which
/// validation refuses) counts nothing.
fn expanded(
    set: &SelectionSet,
    fragments: &Fragments,
    counted: &mut HashMap<Name, u64>,
    open: &mut HashSet<Name>,
) -> u64 {
    let mut total: u64 = 0;
    for item in &set.items {
        let count = match &item.node {
            Selection::Field(field) => {
                let below = expanded(&field.node.selection_set.node, fragments, counted, open);
                below.saturating_add(1)
            }
            Selection::InlineFragment(inline) => {
                expanded(&inline.node.selection_set.node, fragments, counted, open)
            }
            Selection::FragmentSpread(spread) => {
                let name = &spread.node.fragment_name.node;
                match (counted.get(name), fragments.get(name)) {
                    (Some(count), _) => *count,
                    (None, Some(fragment)) if open.insert(name.clone()) => {
                        let set = &fragment.node.selection_set.node;
                        let count = expanded(set, fragments, counted, open);
                        open.remove(name);
                        counted.insert(name.clone(), count);
                        count
                    }
                    _ => 0,
                }
            }
        };
        total = total.saturating_add(count);
    }
    total
}

fn refuse(code: &str, message: String, limit: usize, pos: Option<Pos>) -> ServerError {
    refusal(code, message, pos, &[("limit", limit as u64)])
}

impl ShapeLimits {
    fn check(&self, document: &ExecutableDocument) -> Result<(), ServerError> {
        let mut tally = Tally::default();
        for (_, operation) in document.operations.iter() {
            tally.directives(operation.node.directives.len(), operation.pos);
            tally.set(&operation.node.selection_set.node);
            let mut seen = HashSet::new();
            let root = root_fields(
                &operation.node.selection_set.node,
                &document.fragments,
                &mut seen,
            );
            let (mut counted, mut open) = (HashMap::new(), HashSet::new());
            let set = &operation.node.selection_set.node;
            let fields = expanded(set, &document.fragments, &mut counted, &mut open);
            if fields > self.fields as u64 {
                let message = format!(
                    "the operation holds {fields} fields once its fragments are written out; \
                     at most {} are allowed",
                    self.fields
                );
                return Err(refuse(
                    "QUERY_TOO_COMPLEX",
                    message,
                    self.fields,
                    Some(operation.pos),
                ));
            }
            if root > self.root_fields {
                let message = format!(
                    "the operation asks for {root} root fields; at most {} are allowed",
                    self.root_fields
                );
                return Err(refuse(
                    "QUERY_TOO_MANY_ROOT_FIELDS",
                    message,
                    self.root_fields,
                    Some(operation.pos),
                ));
            }
        }
        for fragment in document.fragments.values() {
            tally.directives(fragment.node.directives.len(), fragment.pos);
            tally.set(&fragment.node.selection_set.node);
        }
        if tally.aliases > self.aliases {
            let message = format!(
                "the document has {} aliases; at most {} are allowed",
                tally.aliases, self.aliases
            );
            return Err(refuse(
                "QUERY_TOO_MANY_ALIASES",
                message,
                self.aliases,
                None,
            ));
        }
        let (directives, pos) = tally.directives;
        if directives > self.directives {
            let message = format!(
                "a selection has {directives} directives; at most {} are allowed",
                self.directives
            );
            return Err(refuse(
                "QUERY_TOO_MANY_DIRECTIVES",
                message,
                self.directives,
                pos,
            ));
        }
        Ok(())
    }
}

#[async_trait::async_trait]
impl Extension for ShapeLimits {
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        mut request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        // A document that does not parse is left to async-graphql, which
        // refuses it with its position.
        if let Ok(document) = request.parsed_query() {
            self.check(document)?;
        }
        next.run(ctx, request).await
    }
}
