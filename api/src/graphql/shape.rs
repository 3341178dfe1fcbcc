//! Limits on a document's shape that depth and cost do not catch: how
//! many aliases it writes, how many fields an operation asks for at its
//! root, and how many directives one selection carries. Checked once,
//! right after parsing, before anything runs.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery};
use async_graphql::parser::types::{
    ExecutableDocument, FragmentDefinition, Selection, SelectionSet,
};
use async_graphql::{Name, Pos, Positioned, ServerError, ServerResult, Variables};

use super::extension::refusal;

/// The most of each a document may have.
#[derive(Debug, Clone, Copy)]
pub struct ShapeLimits {
    pub aliases: usize,
    pub root_fields: usize,
    pub directives: usize,
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
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let document = next.run(ctx, query, variables).await?;
        self.check(&document)?;
        Ok(document)
    }
}
