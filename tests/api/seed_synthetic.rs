//! `api seed synthetic` at a small size: 6,000 ratings over two trusts.
//! Every walk has four visits and 24 ratings, so 6,000 ratings are 250 walks
//! and 1,000 visits; two trusts get 15 schools each by default, 30 in all.

use std::collections::BTreeMap;

use api::demo::synthetic::{SyntheticLoad, SyntheticSize, seed};
use entity::{ObserverRole, rating, school, visit, walk, walk_observer};
use sea_orm::{EntityTrait, PaginatorTrait, QueryOrder};
use serde_json::json;
use tokio::sync::oneshot;

use crate::helpers::{Store, TestApp, run};
use crate::on_both_stores;

fn small() -> SyntheticSize {
    SyntheticSize::new(6000, 2)
}

/// Every rating as text, in key order, without its import time.
async fn ratings_text(app: &TestApp) -> String {
    let rows = rating::Entity::find()
        .order_by_asc(rating::Column::VisitId)
        .order_by_asc(rating::Column::IndicatorId)
        .order_by_asc(rating::Column::ObserverId)
        .all(app.db())
        .await
        .unwrap();
    let line = |r: &rating::Model| {
        let (v, i, o) = (r.visit_id, r.indicator_id, r.observer_id);
        format!("{}/{v}/{i}/{o}/{:?}/{:?}\n", r.trust_id, r.outcome, r.level)
    };
    rows.iter().map(line).collect()
}

/// The ratings of a fresh database of `store` seeded with `size`.
async fn ratings_elsewhere(store: Store, size: SyntheticSize) -> String {
    let (sender, receiver) = oneshot::channel();
    run(store, move |app| async move {
        seed(app.db(), &size).await.unwrap();
        sender.send(ratings_text(&app).await).unwrap();
    })
    .await;
    receiver.await.unwrap()
}

fn store_of(app: &TestApp) -> Store {
    match app.database_url().starts_with("postgres") {
        true => Store::Postgres,
        false => Store::Sqlite,
    }
}

async fn stored_counts(app: &TestApp) -> [u64; 4] {
    let db = app.db();
    [
        school::Entity::find().count(db).await.unwrap(),
        walk::Entity::find().count(db).await.unwrap(),
        visit::Entity::find().count(db).await.unwrap(),
        rating::Entity::find().count(db).await.unwrap(),
    ]
}

async fn seeding_writes_the_walks_visits_and_ratings_asked_for(app: TestApp) {
    let load = seed(app.db(), &small()).await.unwrap();

    let expected = (2, 30, 250, 1000, 6000, false);
    let found = (
        load.trusts,
        load.schools,
        load.walks,
        load.visits,
        load.ratings,
    );
    assert_eq!(
        (
            found.0,
            found.1,
            found.2,
            found.3,
            found.4,
            load.already_loaded
        ),
        expected
    );
    assert_eq!(stored_counts(&app).await, [30, 250, 1000, 6000]);
}

async fn ratings_not_a_multiple_of_a_walk_round_down_to_whole_walks(app: TestApp) {
    let size = SyntheticSize::new(6023, 2);
    let load = seed(app.db(), &size).await.unwrap();

    assert_eq!((load.walks, load.visits, load.ratings), (250, 1000, 6000));
}

async fn the_same_seed_gives_the_same_rows_and_another_seed_others(app: TestApp) {
    seed(app.db(), &small()).await.unwrap();
    let here = ratings_text(&app).await;

    let again = ratings_elsewhere(store_of(&app), small()).await;
    let other = SyntheticSize {
        seed: 42,
        ..small()
    };
    let reseeded = ratings_elsewhere(store_of(&app), other).await;

    assert_eq!(here.lines().count(), 6000);
    assert!(here == again, "the same seed gave other ratings");
    assert!(here != reseeded, "another seed gave the same ratings");
}

async fn a_second_run_writes_nothing_and_says_so(app: TestApp) {
    seed(app.db(), &small()).await.unwrap();
    let before = ratings_text(&app).await;

    let again = seed(app.db(), &small()).await.unwrap();

    let expected = SyntheticLoad {
        trusts: 2,
        schools: 30,
        already_loaded: true,
        ..Default::default()
    };
    assert_eq!(again, expected);
    assert_eq!(
        again.to_string(),
        "synthetic data is already loaded (2 synthetic trusts, 30 schools found); \
         nothing changed"
    );
    assert_eq!(ratings_text(&app).await, before);
}

async fn a_size_with_no_whole_walk_is_refused(app: TestApp) {
    let err = seed(app.db(), &SyntheticSize::new(23, 2))
        .await
        .unwrap_err();

    assert_eq!(
        err.to_string(),
        "ratings must be at least 24, one walk's worth"
    );
    assert_eq!(stored_counts(&app).await, [0, 0, 0, 0]);
}

const VARIATION: &str = "query {
  variation(filter: { protocolKey: \"trust-core\" }, groupBy: SCHOOL) {
    cells { school { urn } n mean suppressed }
  } }";

/// Lead levels per school of `trust`, counted from the stored rows: (n, sum).
async fn lead_levels(app: &TestApp, trust: &str) -> BTreeMap<i64, (i64, i64)> {
    let db = app.db();
    let walks: BTreeMap<_, _> = (walk::Entity::find().all(db).await.unwrap())
        .into_iter()
        .filter(|w| w.trust_id == trust)
        .map(|w| (w.id, w.school_urn))
        .collect();
    let visits: BTreeMap<_, _> = (visit::Entity::find().all(db).await.unwrap())
        .into_iter()
        .map(|v| (v.id, v.walk_id))
        .collect();
    let leads: BTreeMap<_, _> = (walk_observer::Entity::find().all(db).await.unwrap())
        .into_iter()
        .filter(|o| o.role == ObserverRole::Lead)
        .map(|o| (o.walk_id, o.observer_id))
        .collect();
    let mut by_school = BTreeMap::new();
    for r in rating::Entity::find().all(db).await.unwrap() {
        let walk = visits[&r.visit_id];
        let (Some(urn), Some(level)) = (walks.get(&walk), r.level) else {
            continue;
        };
        if leads[&walk] == r.observer_id {
            let cell = by_school.entry(i64::from(*urn)).or_insert((0, 0));
            *cell = (cell.0 + 1, cell.1 + i64::from(level));
        }
    }
    by_school
}

async fn variation_by_school_shows_schools_that_differ(app: TestApp) {
    seed(app.db(), &small()).await.unwrap();
    let token = app.leader("7001");

    let data = app.data(&token, VARIATION, json!({})).await;

    let levels = lead_levels(&app, "7001").await;
    let cells = data["variation"]["cells"].as_array().unwrap();
    assert_eq!(cells.len(), levels.len());
    let mut means = Vec::new();
    for cell in cells {
        let urn = cell["school"]["urn"].as_i64().unwrap();
        let (n, sum) = levels[&urn];
        assert_eq!(cell["suppressed"], json!(false), "school {urn}");
        assert_eq!(cell["n"], json!(n), "school {urn}");
        assert_eq!(cell["mean"], json!(sum as f64 / n as f64), "school {urn}");
        means.push(sum as f64 / n as f64);
    }
    let lowest = means.iter().copied().fold(f64::INFINITY, f64::min);
    let highest = means.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    assert!(highest - lowest > 0.5, "school means {lowest} to {highest}");
}

on_both_stores!(
    seeding_writes_the_walks_visits_and_ratings_asked_for,
    ratings_not_a_multiple_of_a_walk_round_down_to_whole_walks,
    the_same_seed_gives_the_same_rows_and_another_seed_others,
    a_second_run_writes_nothing_and_says_so,
    a_size_with_no_whole_walk_is_refused,
    variation_by_school_shows_schools_that_differ,
);
