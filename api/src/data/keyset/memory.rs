//! Pages of a list already in memory, by the same keys as in SQL.

use std::cmp::Ordering;

use super::{Key, Keyset, Page, Take, Window};

/// One page of `rows`, which hold the whole list.
///
/// For the lists under one record (a walk's visits, a visit's ratings, a
/// school's context notes…): their DataLoader loads every parent's rows
/// in one statement, and they are short by nature (a walk has a few dozen
/// visits, a visit one rating per indicator and observer), so the page is
/// cut here rather than by a statement per parent.
pub fn slice<M>(rows: Vec<M>, keyset: &Keyset<M>, window: &Window) -> Page<M> {
    let order = |a: &[Key], b: &[Key]| match keyset.descending {
        true => b.cmp(a),
        false => a.cmp(b),
    };
    let mut keyed: Vec<(Vec<Key>, M)> = (rows.into_iter())
        .map(|row| ((keyset.key)(&row), row))
        .collect();
    keyed.sort_by(|a, b| order(&a.0, &b.0));

    let total = keyed.len();
    let start = match &window.after {
        Some(after) => keyed.partition_point(|(key, _)| order(key, after) != Ordering::Greater),
        None => 0,
    };
    let end = match &window.before {
        Some(before) => keyed.partition_point(|(key, _)| order(key, before) == Ordering::Less),
        None => total,
    };
    let end = end.max(start);
    let inside = end - start;
    let (from, to, has_previous, has_next) = match window.take {
        Take::First(n) => {
            let n = inside.min(n as usize);
            (start, start + n, start > 0, inside > n)
        }
        Take::Last(n) => {
            let n = inside.min(n as usize);
            (end - n, end, inside > n, end < total)
        }
    };
    let rows = (keyed.into_iter())
        .skip(from)
        .take(to - from)
        .map(|(_, row)| row)
        .collect();
    Page {
        rows,
        total: Some(total as u64),
        has_previous,
        has_next,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NUMBERS: Keyset<i32> = Keyset {
        list: "numbers",
        kinds: &[super::super::Kind::Int],
        descending: true,
        key: |n| vec![Key::Int(*n)],
    };

    fn window(after: Option<i32>, before: Option<i32>, take: Take) -> Window {
        let key = |n: i32| vec![Key::Int(n)];
        Window {
            after: after.map(key),
            before: before.map(key),
            take,
            count: true,
        }
    }

    fn cut(window: Window) -> (Vec<i32>, bool, bool) {
        let page = slice(vec![3, 1, 5, 2, 4], &NUMBERS, &window);
        assert_eq!(page.total, Some(5));
        (page.rows, page.has_previous, page.has_next)
    }

    #[test]
    fn pages_run_forward_and_backward_through_the_whole_list() {
        let none = None;
        assert_eq!(
            cut(window(none, none, Take::First(2))),
            (vec![5, 4], false, true)
        );
        assert_eq!(
            cut(window(Some(4), none, Take::First(2))),
            (vec![3, 2], true, true)
        );
        assert_eq!(
            cut(window(Some(2), none, Take::First(2))),
            (vec![1], true, false)
        );
        assert_eq!(
            cut(window(none, none, Take::Last(2))),
            (vec![2, 1], true, false)
        );
        assert_eq!(
            cut(window(none, Some(2), Take::Last(2))),
            (vec![4, 3], true, true)
        );
        assert_eq!(
            cut(window(none, Some(4), Take::Last(2))),
            (vec![5], false, true)
        );
        assert_eq!(
            cut(window(Some(5), Some(2), Take::Last(5))),
            (vec![4, 3], false, true)
        );
        // A cursor whose row has gone still marks its place.
        assert_eq!(
            cut(window(Some(6), none, Take::First(1))),
            (vec![5], false, true)
        );
    }
}
