//! A visit's ratings with each rating's indicator and observer, read in
//! one statement: a rating then resolves both without a loader call, and
//! a page of walks costs the same statements whatever its ratings.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dataloader::Loader;
use entity::{indicator, observer, rating};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

/// A rating with its indicator and observer; either is `None` only if the
/// join found no row, which the foreign keys rule out.
#[derive(Clone)]
pub struct RatingRow {
    pub rating: rating::Model,
    pub indicator: Option<indicator::Model>,
    pub observer: Option<observer::Model>,
}

/// The ratings of each visit, within one trust.
pub struct RatingsOfVisit {
    pub(super) db: DatabaseConnection,
    pub(super) trust: String,
}

impl Loader<Uuid> for RatingsOfVisit {
    type Value = Vec<RatingRow>;
    type Error = Arc<DbErr>;

    async fn load(&self, visits: &[Uuid]) -> Result<HashMap<Uuid, Vec<RatingRow>>, Arc<DbErr>> {
        let rows = rating::Entity::find()
            .find_also_related(indicator::Entity)
            .find_also_related(observer::Entity)
            .filter(rating::Column::TrustId.eq(self.trust.as_str()))
            .filter(rating::Column::VisitId.is_in(visits.iter().copied()))
            .order_by_asc(rating::Column::IndicatorId)
            .order_by_asc(rating::Column::ObserverId)
            .all(&self.db)
            .await
            .map_err(Arc::new)?;

        // Every visit asked for gets an entry, so that a cached visit
        // without ratings is not asked for again.
        let mut grouped: HashMap<Uuid, Vec<RatingRow>> =
            visits.iter().map(|visit| (*visit, Vec::new())).collect();
        for (rating, indicator, observer) in rows {
            let row = RatingRow {
                rating,
                indicator,
                observer,
            };
            grouped.entry(row.rating.visit_id).or_default().push(row);
        }
        Ok(grouped)
    }
}
