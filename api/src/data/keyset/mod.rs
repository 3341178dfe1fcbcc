//! Pages of a list by keyset: each list has a fixed order over a unique
//! key, and a page is the rows after or before one key. Lists over whole
//! tables page in SQL (`page`); the short lists under one record, loaded
//! whole by a DataLoader, page in memory (`slice`, in `memory`). Both give
//! the same [`Page`], so one piece of the GraphQL layer turns either into
//! a connection.

mod key;
mod memory;

use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, Order, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Select,
};

use crate::error::ApiResult;

pub use key::{Key, Kind};
pub use memory::slice;

/// How a list is ordered: a key of one or more values, unique in the list,
/// compared value by value, every value in the same direction.
pub struct Keyset<M> {
    /// The list's name, carried in its cursors so that a cursor of one list
    /// is not taken for a place in another.
    pub list: &'static str,
    /// What each value of the key is, to read a cursor back.
    pub kinds: &'static [Kind],
    /// Largest key first.
    pub descending: bool,
    /// The key of a row.
    pub key: fn(&M) -> Vec<Key>,
}

/// How many rows to take, from which end of the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Take {
    First(u64),
    Last(u64),
}

/// The part of a list one page is cut from, and what to cut.
#[derive(Debug, Clone)]
pub struct Window {
    /// Only rows after this key.
    pub after: Option<Vec<Key>>,
    /// Only rows before this key.
    pub before: Option<Vec<Key>>,
    pub take: Take,
    /// Whether to count the whole list too.
    pub count: bool,
}

/// One page of a list.
#[derive(Debug)]
pub struct Page<M> {
    /// The rows, in the list's order.
    pub rows: Vec<M>,
    /// Rows of the whole list, when the window asked for the count.
    pub total: Option<u64>,
    /// Rows come before the page: more in the window for `last`, any at
    /// or before `after` for `first`.
    pub has_previous: bool,
    /// Rows come after the page: more in the window for `first`, any at
    /// or after `before` for `last`.
    pub has_next: bool,
}

/// Rows strictly beyond `key` in the list's order (`forward`), or strictly
/// short of it: (a > x) or (a = x and b > y) or …
fn beyond<C: ColumnTrait>(
    columns: &[C],
    key: &[Key],
    descending: bool,
    forward: bool,
) -> Condition {
    let greater = forward != descending;
    let mut any = Condition::any();
    for (i, column) in columns.iter().enumerate() {
        let mut all = Condition::all();
        for (equal, value) in columns[..i].iter().zip(key) {
            all = all.add(equal.eq(value.clone()));
        }
        let value = key[i].clone();
        all = all.add(if greater {
            column.gt(value)
        } else {
            column.lt(value)
        });
        any = any.add(all);
    }
    any
}

/// One page of `query`, whose rows `columns` order as `keyset` says (the
/// columns give the key's values in order). The query carries the
/// caller's scope and the list's filters; this adds only the cursors.
/// Runs the page, the count when asked for, and, when a cursor was given,
/// one look past it.
pub async fn page<E, C>(
    db: &C,
    query: Select<E>,
    keyset: &Keyset<E::Model>,
    columns: &[E::Column],
    window: &Window,
) -> ApiResult<Page<E::Model>>
where
    E: EntityTrait,
    E::Model: Sync,
    C: ConnectionTrait,
{
    let desc = keyset.descending;
    let total = match window.count {
        true => Some(query.clone().count(db).await?),
        false => None,
    };

    let mut bounded = query.clone();
    if let Some(after) = &window.after {
        bounded = bounded.filter(beyond(columns, after, desc, true));
    }
    if let Some(before) = &window.before {
        bounded = bounded.filter(beyond(columns, before, desc, false));
    }
    let (size, backward) = match window.take {
        Take::First(n) => (n, false),
        Take::Last(n) => (n, true),
    };
    let direction = if backward != desc {
        Order::Desc
    } else {
        Order::Asc
    };
    for column in columns {
        bounded = bounded.order_by(*column, direction.clone());
    }
    let mut rows = bounded.limit(size + 1).all(db).await?;
    let more = rows.len() as u64 > size;
    rows.truncate(size as usize);
    if backward {
        rows.reverse();
    }

    // The far side of the cursor the page was cut from: anything at or
    // before `after` when reading forward, at or after `before` backward.
    let cursor = if backward {
        &window.before
    } else {
        &window.after
    };
    let past = match cursor {
        None => false,
        Some(key) => {
            let past = beyond(columns, key, desc, !backward).not();
            query.filter(past).one(db).await?.is_some()
        }
    };
    Ok(Page {
        rows,
        total,
        has_previous: if backward { more } else { past },
        has_next: if backward { past } else { more },
    })
}
