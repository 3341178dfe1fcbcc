//! A rating's visit, indicator and observer stay real on both stores:
//! SQLite declares the foreign keys, PostgreSQL checks them once per
//! statement (migration 015). Each case writes through the admin
//! connection and then counts the rows itself.

use entity::{indicator, observer, rating, visit};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter, QueryOrder, SqlErr,
};
use uuid::Uuid;

use crate::helpers::TestApp;
use crate::on_both_stores;

async fn count(db: &DatabaseConnection, visit_id: Option<Uuid>) -> u64 {
    let mut query = rating::Entity::find();
    if let Some(id) = visit_id {
        query = query.filter(rating::Column::VisitId.eq(id));
    }
    query.count(db).await.expect("a count")
}

fn is_foreign_key(err: &DbErr) -> bool {
    matches!(
        err.sql_err(),
        Some(SqlErr::ForeignKeyConstraintViolation(_))
    )
}

/// A rating of the demo, and another trust's indicator and observer.
async fn fixture(db: &DatabaseConnection) -> (rating::Model, indicator::Model, observer::Model) {
    api::demo::load(db).await.expect("demo");
    let first = rating::Entity::find()
        .order_by_asc(rating::Column::VisitId)
        .one(db)
        .await
        .expect("ratings")
        .expect("a rating");
    let elsewhere = indicator::Entity::find()
        .filter(indicator::Column::TrustId.ne(first.trust_id.clone()))
        .one(db)
        .await
        .expect("indicators")
        .expect("another trust's indicator");
    let observer = observer::Entity::find()
        .filter(observer::Column::TrustId.ne(first.trust_id.clone()))
        .one(db)
        .await
        .expect("observers")
        .expect("another trust's observer");
    (first, elsewhere, observer)
}

async fn insert(db: &DatabaseConnection, rows: Vec<rating::Model>) -> Result<(), DbErr> {
    let rows = rows.into_iter().map(IntoActiveModel::into_active_model);
    rating::Entity::insert_many(rows)
        .exec_without_returning(db)
        .await
        .map(drop)
}

async fn ratings_name_rows_of_their_trust(app: TestApp) {
    let db = app.db();
    let (first, foreign_indicator, foreign_observer) = fixture(db).await;

    // Moving a rating to another trust's indicator is refused.
    let err = rating::Entity::update_many()
        .col_expr(
            rating::Column::IndicatorId,
            Expr::value(foreign_indicator.id),
        )
        .filter(rating::Column::TrustId.eq(first.trust_id.clone()))
        .filter(rating::Column::VisitId.eq(first.visit_id))
        .filter(rating::Column::IndicatorId.eq(first.indicator_id))
        .filter(rating::Column::ObserverId.eq(first.observer_id))
        .exec(db)
        .await
        .expect_err("refused");
    assert!(is_foreign_key(&err), "{err}");

    // The first rating, taken out, is a good row to write beside bad ones.
    rating::Entity::delete(first.clone().into_active_model())
        .exec(db)
        .await
        .expect("deleted");
    let before = count(db, None).await;
    assert!(before > 100, "{before}");

    // Each reference unknown, or another trust's; alone, and after a good row.
    let bad = [
        rating::Model {
            visit_id: Uuid::new_v4(),
            ..first.clone()
        },
        rating::Model {
            indicator_id: Uuid::new_v4(),
            ..first.clone()
        },
        rating::Model {
            observer_id: Uuid::new_v4(),
            ..first.clone()
        },
        rating::Model {
            indicator_id: foreign_indicator.id,
            ..first.clone()
        },
        rating::Model {
            observer_id: foreign_observer.id,
            ..first.clone()
        },
    ];
    for row in bad {
        let err = insert(db, vec![row.clone()]).await.expect_err("refused");
        assert!(is_foreign_key(&err), "{err}");
        let err = insert(db, vec![first.clone(), row])
            .await
            .expect_err("refused");
        assert!(is_foreign_key(&err), "{err}");
        assert_eq!(count(db, None).await, before);
    }

    // The good row alone is written.
    insert(db, vec![first.clone()]).await.expect("written");
    assert_eq!(count(db, None).await, before + 1);
}

async fn parents_keep_their_ratings(app: TestApp) {
    let db = app.db();
    let (first, _, _) = fixture(db).await;
    let before = count(db, None).await;
    let of_visit = count(db, Some(first.visit_id)).await;
    assert!(of_visit >= 1);

    // An observer or indicator that ratings name cannot go.
    let err = observer::Entity::delete_many()
        .filter(observer::Column::TrustId.eq(first.trust_id.clone()))
        .filter(observer::Column::Id.eq(first.observer_id))
        .exec(db)
        .await
        .expect_err("refused");
    assert!(is_foreign_key(&err), "{err}");
    let err = indicator::Entity::delete_many()
        .filter(indicator::Column::TrustId.eq(first.trust_id.clone()))
        .filter(indicator::Column::Id.eq(first.indicator_id))
        .exec(db)
        .await
        .expect_err("refused");
    assert!(is_foreign_key(&err), "{err}");

    // A visit's key cannot change under its ratings.
    let err = visit::Entity::update_many()
        .col_expr(visit::Column::Id, Expr::value(Uuid::new_v4()))
        .filter(visit::Column::TrustId.eq(first.trust_id.clone()))
        .filter(visit::Column::Id.eq(first.visit_id))
        .exec(db)
        .await
        .expect_err("refused");
    assert!(is_foreign_key(&err), "{err}");
    assert_eq!(count(db, None).await, before);

    // Deleting the visit deletes its ratings and no others.
    visit::Entity::delete_many()
        .filter(visit::Column::TrustId.eq(first.trust_id.clone()))
        .filter(visit::Column::Id.eq(first.visit_id))
        .exec(db)
        .await
        .expect("deleted");
    assert_eq!(count(db, Some(first.visit_id)).await, 0);
    assert_eq!(count(db, None).await, before - of_visit);
}

on_both_stores!(ratings_name_rows_of_their_trust, parents_keep_their_ratings);
