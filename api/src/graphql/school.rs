//! Schools of the caller's trust.

use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};
use entity::{school, school_context};

use super::page::{self, PageArgs, Paged};
use super::user_error::{UserError, payload, settle};
use super::{Date, caller, db, ids, loaders, many};
use crate::data::contexts;
use crate::data::schools::{self, SchoolFilter};
use crate::error::ApiError;

/// An academy of the trust, known publicly by its URN.
pub struct School(pub school::Model);

#[Object]
impl School {
    /// Opaque global id.
    pub(crate) async fn id(&self) -> ID {
        ids::encode(ids::SCHOOL, self.0.urn)
    }

    /// Unique reference number from GIAS.
    async fn urn(&self) -> i32 {
        self.0.urn
    }

    async fn name(&self) -> &str {
        &self.0.name
    }

    /// Phase of education as GIAS names it, e.g. "Primary".
    async fn phase(&self) -> Option<&str> {
        self.0.phase.as_deref()
    }

    /// Type of establishment as GIAS names it, e.g. "Academy Converter".
    async fn establishment_type(&self) -> Option<&str> {
        self.0.establishment_type.as_deref()
    }

    /// Local authority area.
    async fn local_authority(&self) -> Option<&str> {
        self.0.local_authority.as_deref()
    }

    async fn postcode(&self) -> Option<&str> {
        self.0.postcode.as_deref()
    }

    /// When the school joined the trust, where known.
    async fn joined_on(&self) -> Option<Date> {
        self.0.joined_on.map(Date)
    }

    /// The school's latest note on its context: read it beside its figures.
    /// Null for a school outside the caller's scope (one named by a shared
    /// highlight, say).
    async fn context(&self, ctx: &Context<'_>) -> Result<Option<SchoolContext>> {
        if !caller(ctx)?.scope.sees_school(self.0.urn) {
            return Ok(None);
        }
        let notes = many(&loaders(ctx).contexts_of_school, self.0.urn).await?;
        Ok(notes.into_iter().last().map(SchoolContext))
    }

    /// Every version of the school's context note, newest first; none for
    /// a school outside the caller's scope.
    #[graphql(complexity = "page::cost(first, last, child_complexity)")]
    async fn context_history(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The first this many notes after `after`.")] first: Option<i32>,
        #[graphql(desc = "Cursor of a note; the page starts after it.")] after: Option<String>,
        #[graphql(desc = "The last this many notes before `before`.")] last: Option<i32>,
        #[graphql(desc = "Cursor of a note; the page ends before it.")] before: Option<String>,
    ) -> Result<Paged<SchoolContext>> {
        let notes = match caller(ctx)?.scope.sees_school(self.0.urn) {
            true => many(&loaders(ctx).contexts_of_school, self.0.urn).await?,
            false => Vec::new(),
        };
        let args = PageArgs::new(first, after, last, before);
        Ok(args.slice(ctx, notes, &contexts::HISTORY, SchoolContext)?)
    }
}

/// A school's own account of its starting point and story.
pub struct SchoolContext(pub school_context::Model);

#[Object]
impl SchoolContext {
    /// Opaque global id.
    pub(crate) async fn id(&self) -> ID {
        let key = format!("{}.{}", self.0.school_urn, self.0.version);
        ids::encode(ids::SCHOOL_CONTEXT, key)
    }

    /// 1 for the first note, one more for each after.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// The date the note speaks for.
    async fn written_on(&self) -> Date {
        Date(self.0.written_on)
    }

    async fn note(&self) -> &str {
        &self.0.note
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

/// A new version of a school's context note.
#[derive(InputObject)]
pub struct RecordSchoolContextInput {
    pub school_urn: i32,
    pub written_on: Date,
    pub note: String,
    /// Any text of the client's, echoed in the payload, to match a
    /// response to its request.
    pub client_mutation_id: Option<String>,
    /// Makes the write safe to retry: the same key with the same input
    /// within 24 hours returns the first answer and writes nothing again;
    /// the same key with other input is a `CONFLICT`. Keys are the
    /// caller's own, 1 to 200 characters.
    pub idempotency_key: Option<String>,
}

/// The school and its new note; null with `userErrors` when nothing
/// changed.
#[derive(SimpleObject, Default)]
pub struct RecordSchoolContextPayload {
    pub school: Option<School>,
    pub context: Option<SchoolContext>,
    /// Why nothing changed: empty when the mutation succeeded.
    pub user_errors: Vec<UserError>,
    /// The input's `clientMutationId`, echoed.
    pub client_mutation_id: Option<String>,
}

payload!(RecordSchoolContextPayload);

#[derive(Default)]
pub struct SchoolMutation;

#[Object]
impl SchoolMutation {
    /// Adds a new version of a school's context note (trust leaders and
    /// the school's own leaders).
    async fn record_school_context(
        &self,
        ctx: &Context<'_>,
        input: RecordSchoolContextInput,
    ) -> Result<RecordSchoolContextPayload> {
        let client_mutation_id = input.client_mutation_id.clone();
        let caller = caller(ctx)?;
        let outcome = async {
            let (urn, written_on) = (input.school_urn, input.written_on.0);
            let note = contexts::record(db(ctx), caller, urn, written_on, &input.note).await?;
            let school = schools::by_urn(db(ctx), &caller.scope, urn).await?;
            // The note is written by now, so a missing school is a fault, not
            // a user error that would claim nothing changed.
            let missing =
                || ApiError::Internal(anyhow::anyhow!("school {urn} gone after its note"));
            Ok(RecordSchoolContextPayload {
                school: Some(School(school.ok_or_else(missing)?)),
                context: Some(SchoolContext(note)),
                ..RecordSchoolContextPayload::default()
            })
        };
        settle(ctx, outcome.await, client_mutation_id)
    }
}

#[derive(Default)]
pub struct SchoolQuery;

#[Object]
impl SchoolQuery {
    /// Schools in the caller's scope, by name, a page at a time.
    #[graphql(complexity = "page::cost(first, last, child_complexity)")]
    #[allow(clippy::too_many_arguments)] // one per GraphQL argument: paging and filters
    async fn schools(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The first this many schools after `after` (1 to 100 by default).")]
        first: Option<i32>,
        #[graphql(desc = "Cursor of a school; the page starts after it.")] after: Option<String>,
        #[graphql(desc = "The last this many schools before `before` (1 to 100 by default).")]
        last: Option<i32>,
        #[graphql(desc = "Cursor of a school; the page ends before it.")] before: Option<String>,
        #[graphql(desc = "Only this phase, e.g. \"Primary\" (any case).")] phase: Option<String>,
        #[graphql(desc = "Only this local authority (any case).")] local_authority: Option<String>,
    ) -> Result<Paged<School>> {
        let window = PageArgs::new(first, after, last, before).window(ctx, &schools::LIST)?;
        let filter = SchoolFilter {
            phase,
            local_authority,
        };
        let rows = schools::page(db(ctx), &caller(ctx)?.scope, &filter, &window).await?;
        Ok(page::connection(rows, &schools::LIST, School))
    }

    /// A school by URN; null when it is not in the caller's scope.
    async fn school(&self, ctx: &Context<'_>, urn: i32) -> Result<Option<School>> {
        Ok(schools::by_urn(db(ctx), &caller(ctx)?.scope, urn)
            .await?
            .map(School))
    }
}
