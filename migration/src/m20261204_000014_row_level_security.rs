//! Row-level security on PostgreSQL: requests run as the role
//! `learning_walks_app`, which sees and writes only the rows of the trust
//! named by the session setting `walks.trust`. The connecting user keeps
//! full access for migrations and the command line. SQLite has no
//! row-level security; there this migration does nothing.
//!
//! A table added later must get the same policy; a test reads the catalog
//! and fails for a tenant table without one.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The role is cluster-wide, so another database may have made it first.
const CREATE_ROLE: &str = r#"
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'learning_walks_app') THEN
        CREATE ROLE learning_walks_app NOLOGIN;
    END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$;
"#;

/// Grants, and one policy per tenant table: every table with a `trust_id`
/// column, and `trusts` by its own uid.
const PROTECT: &str = r#"
DO $$
DECLARE
    tenant_table text;
BEGIN
    IF NOT pg_has_role(current_user, 'learning_walks_app', 'MEMBER') THEN
        EXECUTE format('GRANT learning_walks_app TO %I', current_user);
    END IF;
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO learning_walks_app', current_schema());
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %I
                    TO learning_walks_app', current_schema());
    EXECUTE format('GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA %I
                    TO learning_walks_app', current_schema());
    REVOKE ALL ON seaql_migrations FROM learning_walks_app;
    FOR tenant_table IN
        SELECT c.table_name
        FROM information_schema.columns c
        JOIN information_schema.tables t USING (table_schema, table_name)
        WHERE c.table_schema = current_schema() AND c.column_name = 'trust_id'
          AND t.table_type = 'BASE TABLE'
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', tenant_table);
        EXECUTE format('CREATE POLICY tenant ON %I TO learning_walks_app
            USING (trust_id = current_setting(''walks.trust'', true))
            WITH CHECK (trust_id = current_setting(''walks.trust'', true))', tenant_table);
    END LOOP;
    ALTER TABLE trusts ENABLE ROW LEVEL SECURITY;
    CREATE POLICY tenant ON trusts TO learning_walks_app
        USING (uid = current_setting('walks.trust', true))
        WITH CHECK (uid = current_setting('walks.trust', true));
END $$;
"#;

const UNPROTECT: &str = r#"
DO $$
DECLARE
    tenant_table text;
BEGIN
    FOR tenant_table IN
        SELECT tablename FROM pg_policies
        WHERE schemaname = current_schema() AND policyname = 'tenant'
    LOOP
        EXECUTE format('DROP POLICY tenant ON %I', tenant_table);
        EXECUTE format('ALTER TABLE %I DISABLE ROW LEVEL SECURITY', tenant_table);
    END LOOP;
    EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA %I FROM learning_walks_app',
                   current_schema());
    EXECUTE format('REVOKE ALL ON ALL SEQUENCES IN SCHEMA %I FROM learning_walks_app',
                   current_schema());
    EXECUTE format('REVOKE USAGE ON SCHEMA %I FROM learning_walks_app', current_schema());
END $$;
"#;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DatabaseBackend::Postgres {
            return Ok(());
        }
        let db = manager.get_connection();
        db.execute_unprepared(CREATE_ROLE).await?;
        db.execute_unprepared(PROTECT).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DatabaseBackend::Postgres {
            return Ok(());
        }
        let db = manager.get_connection();
        db.execute_unprepared(UNPROTECT).await?;
        Ok(())
    }
}
