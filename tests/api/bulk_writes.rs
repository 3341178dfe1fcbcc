//! Bulk writes (`api::import::store::insert_chunked`) store exactly what an
//! ordinary insert stores. On PostgreSQL they travel as one JSON document a
//! chunk, so awkward text, NULLs, times and timestamps finer than a
//! microsecond are compared with the same row written the ordinary way.

use api::import::store::insert_chunked;
use chrono::{DateTime, NaiveTime, Utc};
use entity::{visit, walk};
use sea_orm::{
    ColumnTrait, DatabaseBackend, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter,
    QueryOrder,
};
use uuid::Uuid;

use crate::helpers::TestApp;
use crate::on_both_stores;

const AWKWARD: &str = "quote ' double \" backslash \\ newline \n tab \t é 🙂 \u{1} end";

fn visit_of(walk: &walk::Model, n: u32) -> visit::Model {
    let at: DateTime<Utc> = "2026-03-04T05:06:07.123456789Z".parse().expect("a time");
    visit::Model {
        trust_id: walk.trust_id.clone(),
        id: Uuid::new_v4(),
        walk_id: walk.id,
        subject: format!("{AWKWARD} {n}"),
        year_group: n.is_multiple_of(2).then_some(7),
        key_stage: n.is_multiple_of(3).then(|| "KS3".to_owned()),
        started_at: NaiveTime::from_hms_nano_opt(8, 30, 15, 987_654_321),
        minutes: 20,
        created_at: at,
        notes: (n % 2 == 1).then(|| AWKWARD.to_owned()),
        external_id: Some(format!("bulk-{n}")),
    }
}

async fn bulk_rows_match_ordinary_ones(app: TestApp) {
    let db = app.db();
    api::demo::load(db).await.expect("demo");
    let walk = walk::Entity::find()
        .order_by_asc(walk::Column::Id)
        .one(db)
        .await
        .expect("walks")
        .expect("a walk");

    // Row 0 the ordinary way, 12,001 more in bulk (more than one chunk).
    let ordinary = visit_of(&walk, 0);
    visit::Entity::insert(ordinary.clone().into_active_model())
        .exec_without_returning(db)
        .await
        .expect("written");
    let bulk: Vec<visit::Model> = (1..=12_001).map(|n| visit_of(&walk, n)).collect();
    let before = app.statements();
    insert_chunked(db, bulk.clone(), None)
        .await
        .expect("written");
    // PostgreSQL: a JSON document of up to 5,000 rows a statement; SQLite:
    // up to 30,000 bound values, 2,727 rows of 11 columns.
    let expected = match db.get_database_backend() {
        DatabaseBackend::Postgres => 3,
        _ => 5,
    };
    assert_eq!(app.statements() - before, expected);

    let stored = visit::Entity::find()
        .filter(visit::Column::TrustId.eq(walk.trust_id.clone()))
        .filter(visit::Column::ExternalId.starts_with("bulk-"))
        .all(db)
        .await
        .expect("visits");
    assert_eq!(stored.len(), 12_002);
    let by_id = |id: Uuid| stored.iter().find(|v| v.id == id).expect("stored");
    let first = by_id(ordinary.id).clone();
    assert_eq!(first.subject, format!("{AWKWARD} 0"));
    assert_eq!(first.notes, None);

    // Each bulk row equals its ordinary twin: the row written the ordinary
    // way with the bulk row's own values.
    for n in [1, 2, 3, 6, 5_000, 5_001, 12_001] {
        let row = &bulk[n - 1];
        let twin = visit::Model {
            id: Uuid::new_v4(),
            external_id: Some(format!("twin-{n}")),
            ..row.clone()
        };
        visit::Entity::insert(twin.clone().into_active_model())
            .exec_without_returning(db)
            .await
            .expect("written");
        let twin = visit::Entity::find()
            .filter(visit::Column::TrustId.eq(walk.trust_id.clone()))
            .filter(visit::Column::Id.eq(twin.id))
            .one(db)
            .await
            .expect("visits")
            .expect("the twin");
        let got = by_id(row.id);
        assert_eq!(
            visit::Model {
                id: row.id,
                external_id: row.external_id.clone(),
                ..twin
            },
            got.clone(),
            "row {n}"
        );
        assert_eq!(got.notes.as_deref(), (n % 2 == 1).then_some(AWKWARD));
        assert_eq!(got.year_group, n.is_multiple_of(2).then_some(7));
    }
    let of_walk = visit::Entity::find()
        .filter(visit::Column::WalkId.eq(walk.id))
        .count(db)
        .await
        .expect("a count");
    assert!(of_walk >= 12_002 + 7);
}

on_both_stores!(bulk_rows_match_ordinary_ones);
