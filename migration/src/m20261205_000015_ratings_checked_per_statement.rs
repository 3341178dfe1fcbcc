//! On PostgreSQL, a rating's visit, indicator and observer are checked once
//! per statement instead of once per row. A declared foreign key runs one
//! lookup and one row lock per inserted rating; a term's import writes
//! hundreds of thousands, and those checks were three quarters of its
//! time. Here one trigger per statement locks and counts each distinct
//! referenced row, so the guarantees stay the same:
//!
//! - a rating names a visit, indicator and observer of its own trust
//!   (SQLSTATE 23503, named after the constraint it replaces);
//! - deleting a visit deletes its ratings;
//! - deleting an indicator or observer that a rating names is refused;
//! - the keys of those rows never change.
//!
//! Parent rows are locked `FOR KEY SHARE`, as a foreign key locks them, so
//! a delete racing an insert waits for it and then sees its ratings. That
//! holds under READ COMMITTED, the isolation every transaction here uses.
//!
//! SQLite keeps the declared foreign keys: it checks them cheaply in
//! process. Before distributing `ratings` with Citus, which does not run
//! triggers on distributed tables, declare the three keys again (see
//! `docs/scaling.md`).

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// One check of a rating's references: the distinct `(trust_id, column)`
/// pairs of the statement's new ratings, read once, must each find a
/// `table` row, which is locked as a foreign key would lock it.
fn reference_check(table: &str, column: &str, constraint: &str) -> String {
    format!(
        "IF (WITH named AS MATERIALIZED (SELECT DISTINCT trust_id, {column} AS id FROM added) \
             SELECT (SELECT count(*) FROM named) <> (SELECT count(*) FROM ( \
               SELECT 1 FROM {table} p JOIN named n ON p.trust_id = n.trust_id AND p.id = n.id \
               FOR KEY SHARE OF p) AS locked)) \
         THEN RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation', \
           CONSTRAINT = '{constraint}', \
           MESSAGE = 'insert or update on table \"ratings\" violates foreign key \
                      constraint \"{constraint}\"'; \
         END IF;"
    )
}

/// A parent whose referenced rows may not go while ratings name them.
fn restrict_delete(table: &str, column: &str) -> String {
    format!(
        "CREATE FUNCTION {table}_still_rated() RETURNS trigger LANGUAGE plpgsql AS $$ \
         BEGIN \
           IF EXISTS (SELECT 1 FROM ratings r \
                      WHERE (r.trust_id, r.{column}) IN (SELECT trust_id, id FROM gone)) \
           THEN RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation', \
             CONSTRAINT = 'fk_ratings_{singular}', \
             MESSAGE = 'update or delete on table \"{table}\" violates foreign key \
                        constraint \"fk_ratings_{singular}\" on table \"ratings\"'; \
           END IF; \
           RETURN NULL; \
         END $$; \
         CREATE TRIGGER {table}_still_rated AFTER DELETE ON {table} \
           REFERENCING OLD TABLE AS gone FOR EACH STATEMENT \
           EXECUTE FUNCTION {table}_still_rated();",
        singular = table.trim_end_matches('s'),
    )
}

/// The key of a referenced row is fixed once written.
fn fixed_key(table: &str) -> String {
    format!(
        "CREATE TRIGGER {table}_key_fixed BEFORE UPDATE OF trust_id, id ON {table} \
           FOR EACH ROW WHEN (OLD.trust_id IS DISTINCT FROM NEW.trust_id \
                              OR OLD.id IS DISTINCT FROM NEW.id) \
           EXECUTE FUNCTION rated_key_fixed();"
    )
}

fn up_sql() -> String {
    let checks = [
        reference_check("visits", "visit_id", "fk_ratings_visit"),
        reference_check("indicators", "indicator_id", "fk_ratings_indicator"),
        reference_check("observers", "observer_id", "fk_ratings_observer"),
    ]
    .join("\n");
    format!(
        "ALTER TABLE ratings DROP CONSTRAINT fk_ratings_visit, \
           DROP CONSTRAINT fk_ratings_indicator, DROP CONSTRAINT fk_ratings_observer;
         CREATE FUNCTION ratings_references_exist() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN
           {checks}
           RETURN NULL;
         END $$;
         CREATE TRIGGER ratings_inserted_references AFTER INSERT ON ratings
           REFERENCING NEW TABLE AS added FOR EACH STATEMENT
           EXECUTE FUNCTION ratings_references_exist();
         CREATE TRIGGER ratings_updated_references AFTER UPDATE ON ratings
           REFERENCING NEW TABLE AS added FOR EACH STATEMENT
           EXECUTE FUNCTION ratings_references_exist();
         CREATE FUNCTION visits_ratings_cascade() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN
           DELETE FROM ratings r USING gone g WHERE r.trust_id = g.trust_id AND r.visit_id = g.id;
           RETURN NULL;
         END $$;
         CREATE TRIGGER visits_ratings_cascade AFTER DELETE ON visits
           REFERENCING OLD TABLE AS gone FOR EACH STATEMENT
           EXECUTE FUNCTION visits_ratings_cascade();
         {indicators}
         {observers}
         CREATE FUNCTION rated_key_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN
           RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation',
             MESSAGE = format('the key of a row of %I is fixed', TG_TABLE_NAME);
         END $$;
         {visits_fixed}
         {indicators_fixed}
         {observers_fixed}",
        indicators = restrict_delete("indicators", "indicator_id"),
        observers = restrict_delete("observers", "observer_id"),
        visits_fixed = fixed_key("visits"),
        indicators_fixed = fixed_key("indicators"),
        observers_fixed = fixed_key("observers"),
    )
}

const DOWN: &str = "
    DROP TRIGGER ratings_inserted_references ON ratings;
    DROP TRIGGER ratings_updated_references ON ratings;
    DROP FUNCTION ratings_references_exist();
    DROP TRIGGER visits_ratings_cascade ON visits;
    DROP FUNCTION visits_ratings_cascade();
    DROP TRIGGER indicators_still_rated ON indicators;
    DROP FUNCTION indicators_still_rated();
    DROP TRIGGER observers_still_rated ON observers;
    DROP FUNCTION observers_still_rated();
    DROP TRIGGER visits_key_fixed ON visits;
    DROP TRIGGER indicators_key_fixed ON indicators;
    DROP TRIGGER observers_key_fixed ON observers;
    DROP FUNCTION rated_key_fixed();
    ALTER TABLE ratings
      ADD CONSTRAINT fk_ratings_visit FOREIGN KEY (trust_id, visit_id)
        REFERENCES visits (trust_id, id) ON DELETE CASCADE,
      ADD CONSTRAINT fk_ratings_indicator FOREIGN KEY (trust_id, indicator_id)
        REFERENCES indicators (trust_id, id),
      ADD CONSTRAINT fk_ratings_observer FOREIGN KEY (trust_id, observer_id)
        REFERENCES observers (trust_id, id);
";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DatabaseBackend::Postgres {
            return Ok(());
        }
        manager
            .get_connection()
            .execute_unprepared(&up_sql())
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DatabaseBackend::Postgres {
            return Ok(());
        }
        manager.get_connection().execute_unprepared(DOWN).await?;
        Ok(())
    }
}
