//! A large upload, written in many statements: every rating lands exactly
//! as the file says, and a failure in its last statement leaves nothing.

use std::collections::BTreeSet;

use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};
use serde_json::{Value, json};

use crate::durability::term::{self, Rows, WALKS};
use crate::helpers::TestApp;
use crate::on_both_stores;

/// (visit, indicator, observer, outcome, level)
type Rating = (String, String, String, String, Option<i32>);

/// The file's last visit; its ratings come last, in the last statement.
const LAST_VISIT: &str = "T299-V3";

async fn upload(app: &TestApp, file: &str) -> (u16, Value) {
    let response = (app.client())
        .post(app.url("/import/ratings?protocolKey=trust-core"))
        .bearer_auth(app.leader("2516"))
        .header("content-type", "text/csv")
        .body(file.to_owned())
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// What the file says, read with the csv crate alone.
fn in_the_file(file: &str) -> BTreeSet<Rating> {
    let mut reader = csv::Reader::from_reader(file.as_bytes());
    let records = reader.records().map(Result::unwrap);
    (records.map(|r| {
        let (outcome, level) = match &r[10] {
            "" => ("not_observed", None),
            "n/a" => ("not_applicable", None),
            level => ("level", Some(level.parse().unwrap())),
        };
        let (visit, code, observer) = (r[4].to_owned(), r[9].to_owned(), r[7].to_owned());
        (visit, code, observer, outcome.to_owned(), level)
    }))
    .collect()
}

/// What the database holds for trust 2516, by the file's names.
async fn stored(app: &TestApp) -> BTreeSet<Rating> {
    let sql = "SELECT v.external_id AS visit, i.code AS code, o.reference AS observer, \
               r.outcome AS outcome, r.level AS level FROM ratings r \
               JOIN visits v ON v.trust_id = r.trust_id AND v.id = r.visit_id \
               JOIN indicators i ON i.trust_id = r.trust_id AND i.id = r.indicator_id \
               JOIN observers o ON o.trust_id = r.trust_id AND o.id = r.observer_id \
               WHERE r.trust_id = '2516'";
    let statement = Statement::from_string(app.db().get_database_backend(), sql);
    let rows = app.db().query_all_raw(statement).await.unwrap();
    (rows.iter())
        .map(|row| {
            let text = |column| row.try_get::<String>("", column).unwrap();
            let level = row.try_get::<Option<i32>>("", "level").unwrap();
            (
                text("visit"),
                text("code"),
                text("observer"),
                text("outcome"),
                level,
            )
        })
        .collect()
}

/// A trigger that fails the insert of any rating of [`LAST_VISIT`].
fn failing_trigger(backend: DatabaseBackend) -> Vec<String> {
    let last = format!(
        "SELECT 1 FROM visits WHERE trust_id = NEW.trust_id AND id = NEW.visit_id \
         AND external_id = '{LAST_VISIT}'"
    );
    match backend {
        DatabaseBackend::Postgres => vec![
            format!(
                "CREATE FUNCTION fail_last_visit() RETURNS trigger LANGUAGE plpgsql AS $$ \
                 BEGIN IF EXISTS ({last}) THEN RAISE EXCEPTION 'the last visit fails'; END IF; \
                 RETURN NEW; END $$"
            ),
            "CREATE TRIGGER fail_last_visit BEFORE INSERT ON ratings \
             FOR EACH ROW EXECUTE FUNCTION fail_last_visit()"
                .to_owned(),
        ],
        _ => vec![format!(
            "CREATE TRIGGER fail_last_visit BEFORE INSERT ON ratings WHEN EXISTS ({last}) \
             BEGIN SELECT RAISE(ABORT, 'the last visit fails'); END"
        )],
    }
}

async fn a_term_lands_exactly_and_a_failing_last_chunk_leaves_nothing(app: TestApp) {
    app.import_schools().await;
    app.import_core_protocol("2516").await;
    let file = term::ratings_file(&app).await;
    let expected = in_the_file(&file);
    assert_eq!(expected.len(), WALKS * 4 * 30);
    let before = Rows::count(&app).await;

    // Every rating passes the importer's checks; the database refuses the
    // last visit's, after the earlier statements have run.
    let backend = app.db().get_database_backend();
    for sql in failing_trigger(backend) {
        app.db().execute_unprepared(&sql).await.unwrap();
    }
    let (status, body) = upload(&app, &file).await;
    assert_eq!(status, 500, "{body}");
    assert_eq!(Rows::count(&app).await, before);
    assert_eq!(stored(&app).await, BTreeSet::new());

    let drop = "DROP TRIGGER fail_last_visit";
    let drop = match backend {
        DatabaseBackend::Postgres => format!("{drop} ON ratings"),
        _ => drop.to_owned(),
    };
    app.db().execute_unprepared(&drop).await.unwrap();
    let (status, body) = upload(&app, &file).await;
    let imported = json!({ "imported": { "protocol": "trust-core", "version": 1,
        "walks": WALKS, "visits": WALKS * 4, "ratings": WALKS * 4 * 30, "newObservers": 12 } });
    assert_eq!((status, body), (200, imported));
    assert_eq!(Rows::count(&app).await, before.plus(Rows::of_the_term()));
    assert_eq!(stored(&app).await, expected);

    // Ids derive from the trust and the file's names, as before.
    let id = uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_OID, b"2516/import/visit/T0-V0");
    let sql = "SELECT id FROM visits WHERE trust_id = '2516' AND external_id = 'T0-V0'";
    let row = app.db().query_one_raw(Statement::from_string(backend, sql));
    let row = row.await.unwrap().unwrap();
    assert_eq!(row.try_get::<uuid::Uuid>("", "id").unwrap(), id);
}

on_both_stores!(a_term_lands_exactly_and_a_failing_last_chunk_leaves_nothing);
