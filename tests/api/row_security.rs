//! Row-level security on PostgreSQL, through the service's own connection
//! setup (`api::db::connect`): a query with no tenant filter at all still
//! reaches only the trust the task is bound to.

use api::db::tenant::{as_trust, request};
use entity::walk;
use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait, Statement};

use crate::helpers::TestApp;
use crate::on_postgres;

const TRUST: &str = "2516";

async fn number(db: &DatabaseConnection, sql: &str) -> i64 {
    let statement = Statement::from_string(db.get_database_backend(), sql);
    let row = db
        .query_one_raw(statement)
        .await
        .expect(sql)
        .expect("a row");
    row.try_get_by_index::<i64>(0).expect("a count")
}

/// Tables with a `trust_id` column, read from the catalog.
async fn tenant_tables(db: &DatabaseConnection) -> Vec<String> {
    let sql = "SELECT c.table_name::text FROM information_schema.columns c \
               JOIN information_schema.tables t USING (table_schema, table_name) \
               WHERE c.table_schema = current_schema() AND c.column_name = 'trust_id' \
               AND t.table_type = 'BASE TABLE' ORDER BY 1";
    let statement = Statement::from_string(db.get_database_backend(), sql);
    let rows = db.query_all_raw(statement).await.expect("catalog");
    rows.iter()
        .map(|row| row.try_get_by_index::<String>(0).expect("name"))
        .collect()
}

async fn unfiltered_queries_see_one_trust(app: TestApp) {
    let db = app.db();
    api::demo::load(db).await.expect("demo");
    let tables = tenant_tables(db).await;
    assert!(tables.len() >= 18, "{tables:?}");
    let mut others_seen = 0;
    for table in &tables {
        let all = number(db, &format!("SELECT count(*) FROM {table}")).await;
        let own = format!("SELECT count(*) FROM {table} WHERE trust_id = '{TRUST}'");
        let own = number(db, &own).await;
        others_seen += all - own;
        let unfiltered = format!("SELECT count(*) FROM {table}");
        let bound = as_trust(TRUST, number(db, &unfiltered)).await;
        assert_eq!(bound, own, "{table} as trust {TRUST}");
        let before_token = request(number(db, &unfiltered)).await;
        assert_eq!(before_token, 0, "{table} before the token is checked");
        let db = db.clone();
        let unscoped = tokio::spawn(async move { number(&db, &unfiltered).await });
        assert_eq!(
            unscoped.await.unwrap(),
            0,
            "{table} from a task with no scope"
        );
    }
    assert!(others_seen > 1000, "other trusts hold rows: {others_seen}");
    let trusts = as_trust(TRUST, number(db, "SELECT count(*) FROM trusts")).await;
    assert_eq!(trusts, 1);

    // Through the entity API, with no filter.
    let walks = as_trust(TRUST, walk::Entity::find().all(db)).await.unwrap();
    let expected = number(db, "SELECT count(*) FROM walks WHERE trust_id = '2516'").await;
    assert_eq!(walks.len() as i64, expected);
    assert!(walks.iter().all(|walk| walk.trust_id == TRUST));
}

async fn writes_reach_only_the_bound_trust(app: TestApp) {
    let db = app.db();
    api::demo::load(db).await.expect("demo");
    let others = "SELECT count(*) FROM walks WHERE trust_id <> '2516'";
    let before = number(db, others).await;
    let update = "UPDATE walks SET purpose = 'changed' WHERE trust_id <> '2516'";
    let changed = as_trust(TRUST, db.execute_unprepared(update))
        .await
        .unwrap();
    assert_eq!(changed.rows_affected(), 0);
    let own = "SELECT count(*) FROM ratings WHERE trust_id = '2516'";
    let all = number(db, "SELECT count(*) FROM ratings").await;
    let own_before = number(db, own).await;
    assert!(own_before > 0 && all > own_before, "{own_before} of {all}");
    let deleted = as_trust(TRUST, db.execute_unprepared("DELETE FROM ratings")).await;
    assert_eq!(deleted.unwrap().rows_affected() as i64, own_before);
    assert_eq!(number(db, own).await, 0);
    let left = number(db, "SELECT count(*) FROM ratings").await;
    assert_eq!(left, all - own_before);
    let moved = "UPDATE schools SET trust_id = '3111' WHERE trust_id = '2516'";
    let err = as_trust(TRUST, db.execute_unprepared(moved))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("row-level security"), "{err}");
    assert_eq!(number(db, others).await, before);
}

/// Every table but the migration log is a tenant table with the policy.
async fn every_table_has_the_policy(app: TestApp) {
    let db = app.db();
    let sql = "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
               WHERE n.nspname = current_schema() AND c.relkind = 'r' \
               AND c.relname <> 'seaql_migrations' \
               AND NOT (c.relrowsecurity AND EXISTS (SELECT 1 FROM pg_policies p \
                   WHERE p.schemaname = n.nspname AND p.tablename = c.relname \
                   AND p.policyname = 'tenant'))";
    assert_eq!(
        number(db, sql).await,
        0,
        "a table without the tenant policy"
    );
    let tables = "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()";
    assert_eq!(
        number(db, tables).await as usize,
        tenant_tables(db).await.len() + 2
    );
}

/// Connections are not pinged before use: the tenant hook's own round trip
/// finds one the server has closed, and the pool opens another.
async fn connections_the_server_closed_are_replaced(app: TestApp) {
    let db = app.db();
    api::demo::load(db).await.expect("demo");
    let token = app.leader(TRUST);
    let query = "{ walks(first: 1) { totalCount } }";
    let walks = "SELECT count(*) FROM walks WHERE trust_id = '2516'";
    let expected = number(db, walks).await;
    // Enough requests at once that the pool holds several connections.
    let requests: Vec<_> = (0..6)
        .map(|_| {
            let (app, token) = (app.clone(), token.clone());
            tokio::spawn(async move { app.data(&token, query, serde_json::json!({})).await })
        })
        .collect();
    for request in requests {
        let answer = request.await.expect("a request");
        assert_eq!(answer["walks"]["totalCount"], expected);
    }
    let others = "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                  WHERE datname = current_database() AND pid <> pg_backend_pid()) closed";
    assert!(number(db, others).await >= 1, "no connection was closed");

    for _ in 0..12 {
        let answer = app.data(&token, query, serde_json::json!({})).await;
        assert_eq!(answer["walks"]["totalCount"], expected);
    }
}

on_postgres!(
    connections_the_server_closed_are_replaced,
    unfiltered_queries_see_one_trust,
    writes_reach_only_the_bound_trust,
    every_table_has_the_policy,
);
