//! The schema is ready to shard by trust (e.g. Citus distributing every
//! tenant table on `trust_id`): read from the live PostgreSQL catalog,
//! every tenant table has a non-null `trust_id`, every primary and unique
//! key includes it, and every foreign key between tenant tables joins on
//! it. `trusts` is keyed by the trust itself (`uid`). A rating's references,
//! checked per statement rather than declared, pair the trust the same way.

use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};

use crate::helpers::TestApp;
use crate::on_postgres;

async fn names(db: &DatabaseConnection, sql: &str) -> Vec<String> {
    let statement = Statement::from_string(db.get_database_backend(), sql);
    let rows = db.query_all_raw(statement).await.expect(sql);
    rows.iter()
        .map(|row| row.try_get_by_index::<String>(0).expect("text"))
        .collect()
}

/// Tables of the schema other than the migration log and `trusts`.
const TENANT_TABLES: &str = "SELECT c.oid FROM pg_class c \
    JOIN pg_namespace n ON n.oid = c.relnamespace \
    WHERE n.nspname = current_schema() AND c.relkind = 'r' \
    AND c.relname NOT IN ('seaql_migrations', 'trusts')";

async fn tenant_tables_lead_with_the_trust(app: TestApp) {
    let db = app.db();
    let tables = names(
        db,
        &format!(
            "SELECT relname::text FROM pg_class \
        WHERE oid IN ({TENANT_TABLES}) ORDER BY 1"
        ),
    )
    .await;
    assert_eq!(tables.len(), 19, "{tables:?}");

    let without_trust = format!(
        "SELECT c.relname::text FROM pg_class c \
        WHERE c.oid IN ({TENANT_TABLES}) AND NOT EXISTS (SELECT 1 FROM pg_attribute a \
        WHERE a.attrelid = c.oid AND a.attname = 'trust_id' AND a.attnotnull)"
    );
    assert_eq!(
        names(db, &without_trust).await,
        Vec::<String>::new(),
        "no non-null trust_id"
    );

    // Primary keys and unique indexes, constraints or not.
    let keys_without_trust = format!(
        "SELECT i.indexrelid::regclass::text FROM pg_index i \
        WHERE i.indrelid IN ({TENANT_TABLES}) AND i.indisunique \
        AND NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = i.indrelid \
            AND a.attname = 'trust_id' AND a.attnum = ANY (i.indkey))"
    );
    assert_eq!(
        names(db, &keys_without_trust).await,
        Vec::<String>::new(),
        "unique keys"
    );
    let unique = format!(
        "SELECT count(*)::text FROM pg_index WHERE indrelid IN ({TENANT_TABLES}) \
        AND indisunique"
    );
    assert!(names(db, &unique).await[0].parse::<usize>().expect("count") >= 25);

    // A foreign key between tenant tables pairs trust_id with trust_id; one
    // to `trusts` is trust_id → uid.
    let foreign = format!(
        "SELECT c.conname::text FROM pg_constraint c \
        WHERE c.contype = 'f' AND c.conrelid IN ({TENANT_TABLES}) AND NOT EXISTS ( \
          SELECT 1 FROM unnest(c.conkey, c.confkey) AS k(own, other) \
          JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.own \
          JOIN pg_attribute b ON b.attrelid = c.confrelid AND b.attnum = k.other \
          WHERE a.attname = 'trust_id' AND b.attname = \
            CASE WHEN c.confrelid = 'trusts'::regclass THEN 'uid' ELSE 'trust_id' END)"
    );
    assert_eq!(
        names(db, &foreign).await,
        Vec::<String>::new(),
        "foreign keys"
    );
    let all_foreign = format!(
        "SELECT count(*)::text FROM pg_constraint WHERE contype = 'f' \
        AND conrelid IN ({TENANT_TABLES})"
    );
    assert!(
        names(db, &all_foreign).await[0]
            .parse::<usize>()
            .expect("count")
            >= 22
    );

    // A rating's three references are checked per statement (migration
    // 015), on the trust and the key together.
    let triggers = names(
        db,
        "SELECT tgname::text FROM pg_trigger WHERE tgrelid = 'ratings'::regclass \
        AND NOT tgisinternal ORDER BY 1",
    )
    .await;
    assert_eq!(
        triggers,
        ["ratings_inserted_references", "ratings_updated_references"]
    );
    let check = names(
        db,
        "SELECT prosrc FROM pg_proc WHERE proname = 'ratings_references_exist'",
    )
    .await;
    for (table, column) in [
        ("visits", "visit_id"),
        ("indicators", "indicator_id"),
        ("observers", "observer_id"),
    ] {
        let named = format!("SELECT DISTINCT trust_id, {column} AS id FROM added");
        let pair =
            format!("FROM {table} p JOIN named n ON p.trust_id = n.trust_id AND p.id = n.id");
        assert!(check[0].contains(&named), "{named}");
        assert!(check[0].contains(&pair), "{pair}");
    }
}

on_postgres!(tenant_tables_lead_with_the_trust);
