//! Comparing a file's rows with the stored ones, so an import writes only
//! what is new or changed.

use std::collections::BTreeMap;

/// Rows of a file compared with the stored ones: those to write, and counts.
pub(super) struct Diff<M> {
    pub write: Vec<M>,
    pub new: usize,
    pub updated: usize,
    pub unchanged: usize,
}

/// Compares file rows with stored rows by key; `merge` keeps what the file
/// does not say from the stored row.
pub(super) fn diff<K: Ord, M: PartialEq>(
    rows: BTreeMap<K, M>,
    stored: Vec<M>,
    key: impl Fn(&M) -> K,
    merge: impl Fn(M, &M) -> M,
) -> Diff<M> {
    let stored: BTreeMap<K, M> = stored.into_iter().map(|m| (key(&m), m)).collect();
    let mut diff = Diff {
        write: Vec::new(),
        new: 0,
        updated: 0,
        unchanged: 0,
    };

    for (key, row) in rows {
        let row = match stored.get(&key) {
            None => {
                diff.new += 1;
                row
            }
            Some(old) => match merge(row, old) {
                row if row == *old => {
                    diff.unchanged += 1;
                    continue;
                }
                row => {
                    diff.updated += 1;
                    row
                }
            },
        };
        diff.write.push(row);
    }
    diff
}
