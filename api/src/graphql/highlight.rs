//! Highlights of strong practice: types, the list and the mutations.

use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};
use entity::highlight;

use super::evidence::{self, EvidenceWarning};
use super::page::{self, PageArgs, Paged};
use super::protocol::FocusArea;
use super::school::School;
use super::user_error::{UserError, payload, settle};
use super::{caller, db, ids, leader, loaders, one};
use crate::data::highlights::{self, NewHighlight};

/// Strong practice seen on a walk, worth sharing.
pub struct Highlight(pub highlight::Model);

#[Object]
impl Highlight {
    /// Opaque global id.
    pub(crate) async fn id(&self) -> ID {
        ids::encode(ids::HIGHLIGHT, self.0.id)
    }

    async fn title(&self) -> &str {
        &self.0.title
    }

    async fn description(&self) -> &str {
        &self.0.description
    }

    /// When a leader shared it with every school of the trust; null while
    /// only its own school and trust leaders can read it.
    async fn published_at(&self) -> Option<DateTime<Utc>> {
        self.0.published_at
    }

    async fn school(&self, ctx: &Context<'_>) -> Result<School> {
        let row = one(
            &loaders(ctx).school,
            self.0.school_urn,
            "school of a highlight",
        )
        .await?;
        Ok(School(row))
    }

    async fn focus_area(&self, ctx: &Context<'_>) -> Result<FocusArea> {
        let area = one(&loaders(ctx).focus_area, self.0.focus_area_id, "focus area").await?;
        Ok(FocusArea(area))
    }

    /// The walk it was seen on.
    async fn walk_id(&self) -> ID {
        ids::encode(ids::WALK, self.0.walk_id)
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

/// Strong practice to share from a submitted walk.
#[derive(InputObject)]
pub struct CreateHighlightInput {
    pub walk_id: ID,
    /// Key of a focus area of the walk's protocol.
    pub focus_area_key: String,
    pub title: String,
    /// What was seen, described neutrally.
    pub description: String,
    /// Any text of the client's, echoed in the payload, to match a
    /// response to its request.
    pub client_mutation_id: Option<String>,
    /// Makes the write safe to retry: the same key with the same input
    /// within 24 hours returns the first answer and writes nothing again;
    /// the same key with other input is a `CONFLICT`. Keys are the
    /// caller's own, 1 to 200 characters.
    pub idempotency_key: Option<String>,
}

/// The new highlight; null with `userErrors` when nothing changed.
#[derive(SimpleObject, Default)]
pub struct CreateHighlightPayload {
    pub highlight: Option<Highlight>,
    /// Text that reads as a judgement or names a person.
    pub warnings: Vec<EvidenceWarning>,
    /// Why nothing changed: empty when the mutation succeeded.
    pub user_errors: Vec<UserError>,
    /// The input's `clientMutationId`, echoed.
    pub client_mutation_id: Option<String>,
}

/// The highlight to share with every school of the trust.
#[derive(InputObject)]
pub struct PublishHighlightInput {
    pub highlight_id: ID,
    /// Any text of the client's, echoed in the payload, to match a
    /// response to its request.
    pub client_mutation_id: Option<String>,
}

/// The highlight once published; null with `userErrors` when nothing
/// changed.
#[derive(SimpleObject, Default)]
pub struct PublishHighlightPayload {
    pub highlight: Option<Highlight>,
    /// Why nothing changed: empty when the mutation succeeded.
    pub user_errors: Vec<UserError>,
    /// The input's `clientMutationId`, echoed.
    pub client_mutation_id: Option<String>,
}

payload!(CreateHighlightPayload, PublishHighlightPayload);

#[derive(Default)]
pub struct HighlightQuery;

#[Object]
impl HighlightQuery {
    /// Highlights of the caller's schools and every published highlight of
    /// the trust, newest first, a page at a time.
    #[graphql(complexity = "page::cost(first, last, child_complexity)")]
    async fn highlights(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The first this many highlights after `after` (1 to 100 by default).")]
        first: Option<i32>,
        #[graphql(desc = "Cursor of a highlight; the page starts after it.")] after: Option<String>,
        #[graphql(desc = "The last this many highlights before `before` (1 to 100 by default).")]
        last: Option<i32>,
        #[graphql(desc = "Cursor of a highlight; the page ends before it.")] before: Option<String>,
        #[graphql(desc = "Only those shared with the whole trust.", default = false)]
        published_only: bool,
    ) -> Result<Paged<Highlight>> {
        let window = PageArgs::new(first, after, last, before).window(ctx, &highlights::LIST)?;
        let scope = &caller(ctx)?.scope;
        let rows = highlights::page(db(ctx), scope, published_only, &window).await?;
        Ok(page::connection(rows, &highlights::LIST, Highlight))
    }
}

#[derive(Default)]
pub struct HighlightMutation;

#[Object]
impl HighlightMutation {
    /// Records strong practice seen on a submitted walk (leaders and
    /// partners).
    async fn create_highlight(
        &self,
        ctx: &Context<'_>,
        input: CreateHighlightInput,
    ) -> Result<CreateHighlightPayload> {
        let client_mutation_id = input.client_mutation_id.clone();
        let caller = leader(ctx)?;
        let outcome = async {
            let new = NewHighlight {
                walk_id: ids::known(ids::WALK, &input.walk_id)?,
                focus_area_key: input.focus_area_key,
                title: input.title,
                description: input.description,
            };
            let (row, warnings) = highlights::create(db(ctx), caller, new).await?;
            Ok(CreateHighlightPayload {
                highlight: Some(Highlight(row)),
                warnings: evidence::shown(warnings),
                ..CreateHighlightPayload::default()
            })
        };
        settle(ctx, outcome.await, client_mutation_id)
    }

    /// Shares a highlight with every school of the trust (trust leaders and
    /// the school's own leaders).
    async fn publish_highlight(
        &self,
        ctx: &Context<'_>,
        input: PublishHighlightInput,
    ) -> Result<PublishHighlightPayload> {
        let client_mutation_id = input.client_mutation_id.clone();
        let caller = caller(ctx)?;
        let outcome = async {
            let id = ids::known(ids::HIGHLIGHT, &input.highlight_id)?;
            let row = highlights::publish(db(ctx), caller, id).await?;
            Ok(PublishHighlightPayload {
                highlight: Some(Highlight(row)),
                ..PublishHighlightPayload::default()
            })
        };
        settle(ctx, outcome.await, client_mutation_id)
    }
}
