//! Relay cursor connections, the same for every list: the paging
//! arguments checked, cursors written and read, a page of the data layer
//! turned into a connection, and what a connection costs.

use async_graphql::connection::{Connection, CursorType, Edge};
use async_graphql::{Context, OutputType, SimpleObject};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::limits;
use crate::data::keyset::{self, Key, Keyset, Page, Take, Window};
use crate::error::ApiError;

/// What a connection adds to its pages: the size of the whole list.
#[derive(SimpleObject)]
pub struct Total {
    /// Records in the whole list, on every page: those the caller may see
    /// that match the list's filters.
    pub total_count: u64,
}

/// A page of `N` with cursors and the list's total.
pub type Paged<N> = Connection<Cursor, N, Total>;

/// A row's place in its list, written out as an opaque cursor only when a
/// client selects it: most pages are read for their nodes alone.
pub struct Cursor {
    list: &'static str,
    key: Vec<Key>,
}

impl CursorType for Cursor {
    type Error = &'static str;

    /// Cursors are read back by [`PageArgs::window`], which knows the list.
    fn decode_cursor(_: &str) -> Result<Self, Self::Error> {
        Err("a cursor is read with its list")
    }

    fn encode_cursor(&self) -> String {
        let mut parts = vec![self.list.to_owned()];
        parts.extend(self.key.iter().map(Key::text));
        let json = serde_json::to_string(&parts).unwrap_or_default();
        URL_SAFE_NO_PAD.encode(json)
    }
}

/// The arguments every connection takes, as given.
pub struct PageArgs {
    pub first: Option<i32>,
    pub after: Option<String>,
    pub last: Option<i32>,
    pub before: Option<String>,
}

/// What a connection costs: the page size asked for (at least 1) times
/// what each node costs. A size the field will refuse costs what it asks,
/// so a huge one is refused as too complex before anything runs.
pub fn cost(first: Option<i32>, last: Option<i32>, per_node: usize) -> usize {
    let size = first.max(last).unwrap_or(1).max(1);
    (size as usize).saturating_mul(per_node)
}

/// The cursor of `row` in the list `keyset` orders.
fn cursor<M>(keyset: &Keyset<M>, row: &M) -> Cursor {
    Cursor {
        list: keyset.list,
        key: (keyset.key)(row),
    }
}

/// The key a cursor of this list holds; `None` for anything else.
fn decode<M>(keyset: &Keyset<M>, cursor: &str) -> Option<Vec<Key>> {
    let json = URL_SAFE_NO_PAD.decode(cursor).ok()?;
    let parts: Vec<String> = serde_json::from_slice(&json).ok()?;
    let (list, values) = parts.split_first()?;
    if list != keyset.list || values.len() != keyset.kinds.len() {
        return None;
    }
    let kinds = keyset.kinds.iter();
    kinds.zip(values).map(|(k, v)| Key::read(*k, v)).collect()
}

impl PageArgs {
    pub fn new(
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> PageArgs {
        PageArgs {
            first,
            after,
            last,
            before,
        }
    }

    /// The window these arguments ask for in the list `keyset` orders:
    /// exactly one of `first` and `last`, from 1 to the largest page, and
    /// cursors of this list.
    pub fn window<M>(self, ctx: &Context<'_>, keyset: &Keyset<M>) -> Result<Window, ApiError> {
        let max = limits(ctx).max_page_size;
        let size = |name: &str, n: i32| match u64::try_from(n) {
            Ok(n) if (1..=max).contains(&n) => Ok(n),
            _ => Err(ApiError::invalid(name, format!("{name} is 1 to {max}"))),
        };
        let take = match (self.first, self.last) {
            (Some(n), None) => Take::First(size("first", n)?),
            (None, Some(n)) => Take::Last(size("last", n)?),
            (None, None) => {
                let message = "give first (with after) or last (with before)";
                return Err(ApiError::invalid("first", message));
            }
            (Some(_), Some(_)) => {
                return Err(ApiError::invalid("last", "give first or last, not both"));
            }
        };
        let cursor = |name: &str, text: Option<String>| match text {
            None => Ok(None),
            Some(text) => decode(keyset, &text)
                .map(Some)
                .ok_or_else(|| ApiError::invalid(name, "not a cursor of this list")),
        };
        Ok(Window {
            after: cursor("after", self.after)?,
            before: cursor("before", self.before)?,
            take,
            count: ctx.look_ahead().field("totalCount").exists(),
        })
    }

    /// A page of `rows`, the whole list under one record as its
    /// DataLoader loaded it (see [`keyset::slice`]).
    pub fn slice<M, N: OutputType>(
        self,
        ctx: &Context<'_>,
        rows: Vec<M>,
        keyset: &Keyset<M>,
        node: impl Fn(M) -> N,
    ) -> Result<Paged<N>, ApiError> {
        let window = self.window(ctx, keyset)?;
        Ok(connection(
            keyset::slice(rows, keyset, &window),
            keyset,
            node,
        ))
    }
}

/// The connection of a page of the list `keyset` orders, each row made
/// into its node by `node`.
pub fn connection<M, N: OutputType>(
    page: Page<M>,
    keyset: &Keyset<M>,
    node: impl Fn(M) -> N,
) -> Paged<N> {
    let total = Total {
        total_count: page.total.unwrap_or_default(),
    };
    let mut paged = Connection::with_additional_fields(page.has_previous, page.has_next, total);
    paged
        .edges
        .extend((page.rows.into_iter()).map(|row| Edge::new(cursor(keyset, &row), node(row))));
    paged
}
