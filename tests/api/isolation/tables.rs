//! Every row a trust owns, read from every table the database catalog
//! lists, each value cast to text: the before and after of the matrix.

use std::collections::BTreeMap;

use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};

use crate::helpers::TestApp;

/// Rows by table, each row its columns' values as text, sorted.
pub type Dump = BTreeMap<String, Vec<Vec<Option<String>>>>;

/// Tables that hold no trust's data.
const NOT_TENANT: [&str; 1] = ["seaql_migrations"];

/// Each table of the database with its columns, in order.
async fn catalog(app: &TestApp) -> BTreeMap<String, Vec<String>> {
    let db = app.db();
    let backend = db.get_database_backend();
    let sql = match backend {
        DatabaseBackend::Postgres => {
            "SELECT c.table_name AS t, c.column_name AS c FROM information_schema.columns c
             JOIN information_schema.tables t USING (table_schema, table_name)
             WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
             ORDER BY c.table_name, c.ordinal_position"
        }
        _ => {
            "SELECT m.name AS t, p.name AS c FROM sqlite_master m, pragma_table_info(m.name) p
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY m.name, p.cid"
        }
    };
    let rows = db
        .query_all_raw(Statement::from_string(backend, sql))
        .await
        .unwrap();
    let mut tables: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for row in rows {
        let table: String = row.try_get("", "t").unwrap();
        tables
            .entry(table)
            .or_default()
            .push(row.try_get("", "c").unwrap());
    }
    tables
}

/// Column `c` as text; SQLite's 16-byte blobs (uuids) in the form the
/// API writes them, other blobs in hex.
fn as_text(backend: DatabaseBackend, c: &str) -> String {
    if backend == DatabaseBackend::Postgres {
        return format!("CAST(\"{c}\" AS TEXT)");
    }
    let hex = format!("lower(hex(\"{c}\"))");
    let part = |from: u8, len: u8| format!("substr({hex}, {from}, {len})");
    let uuid = [
        part(1, 8),
        part(9, 4),
        part(13, 4),
        part(17, 4),
        part(21, 12),
    ]
    .join(" || '-' || ");
    format!(
        "CASE WHEN typeof(\"{c}\") <> 'blob' THEN CAST(\"{c}\" AS TEXT) \
         WHEN length(\"{c}\") = 16 THEN {uuid} ELSE {hex} END"
    )
}

/// Every row of `trust` in every table: `trusts` by `uid`, the others by
/// `trust_id`. A table with neither fails the test, so a new table cannot
/// escape the comparison.
pub async fn dump(app: &TestApp, trust: &str) -> Dump {
    let db = app.db();
    let backend = db.get_database_backend();
    let mut dump = Dump::new();
    for (table, columns) in catalog(app).await {
        if NOT_TENANT.contains(&table.as_str()) {
            continue;
        }
        let key = ["trust_id", "uid"]
            .into_iter()
            .find(|k| columns.iter().any(|c| c == k));
        let key = key.unwrap_or_else(|| panic!("table {table} has no trust_id column"));
        let values: Vec<String> = (columns.iter().enumerate())
            .map(|(i, c)| format!("{} AS c{i}", as_text(backend, c)))
            .collect();
        let mark = if backend == DatabaseBackend::Postgres {
            "$1"
        } else {
            "?"
        };
        let sql = format!(
            "SELECT {} FROM \"{table}\" WHERE \"{key}\" = {mark}",
            values.join(", ")
        );
        let statement = Statement::from_sql_and_values(backend, sql, [trust.into()]);
        let mut rows: Vec<Vec<Option<String>>> = (db.query_all_raw(statement).await.unwrap())
            .iter()
            .map(|row| {
                (0..columns.len())
                    .map(|i| row.try_get("", &format!("c{i}")).unwrap())
                    .collect()
            })
            .collect();
        rows.sort();
        dump.insert(table, rows);
    }
    dump
}

/// Tables whose rows differ between `before` and `after`, with the rows
/// only in one of them.
pub fn differences(before: &Dump, after: &Dump) -> Vec<String> {
    let mut found = Vec::new();
    for (table, rows) in after {
        let old = before.get(table).cloned().unwrap_or_default();
        if &old != rows {
            let gone: Vec<_> = old.iter().filter(|r| !rows.contains(r)).collect();
            let new: Vec<_> = rows.iter().filter(|r| !old.contains(r)).collect();
            found.push(format!(
                "{table}: removed or changed {gone:?}; added or now {new:?}"
            ));
        }
    }
    found
}
