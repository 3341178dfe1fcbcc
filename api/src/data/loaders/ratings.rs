//! A visit's ratings with each rating's indicator and observer, read in
//! one statement: a rating then resolves both without a loader call, and
//! a page of walks costs the same statements whatever its ratings.
//!
//! A page of 100 walks reads thousands of these rows but only a handful of
//! indicators and observers, so columns are read by position (sea-orm's
//! models read by name, formatting each name per row) and each indicator
//! and observer is read once and shared.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dataloader::Loader;
use entity::{RatingOutcome, indicator, observer, rating};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QueryResult, QuerySelect, QueryTrait,
};
use uuid::Uuid;

/// A rating with its indicator and observer; either is `None` only when
/// the rating was read alone.
#[derive(Clone)]
pub struct RatingRow {
    pub rating: rating::Model,
    pub indicator: Option<Arc<indicator::Model>>,
    pub observer: Option<Arc<observer::Model>>,
}

/// The ratings of each visit, within one trust.
pub struct RatingsOfVisit {
    pub(super) db: DatabaseConnection,
    pub(super) trust: String,
}

/// The columns read, in this order: the rating's, then the indicator's
/// after its id, then the observer's after its id.
fn columns() -> [sea_orm::sea_query::SimpleExpr; 14] {
    use indicator::Column as I;
    use observer::Column as O;
    use rating::Column as R;
    [
        R::VisitId.into_expr(),
        R::IndicatorId.into_expr(),
        R::ObserverId.into_expr(),
        R::Outcome.into_expr(),
        R::Level.into_expr(),
        R::Evidence.into_expr(),
        R::RecordedAt.into_expr(),
        I::ProtocolId.into_expr(),
        I::FocusAreaId.into_expr(),
        I::Code.into_expr(),
        I::Statement.into_expr(),
        I::Position.into_expr(),
        O::Reference.into_expr(),
        O::DisplayName.into_expr(),
    ]
}

/// Reads rows of [`columns`], sharing indicators and observers by id.
struct Reader<'a> {
    trust: &'a str,
    indicators: HashMap<Uuid, Arc<indicator::Model>>,
    observers: HashMap<Uuid, Arc<observer::Model>>,
}

/// The record read before under `id`, or the one `read` reads, kept.
fn shared<T>(
    kept: &mut HashMap<Uuid, Arc<T>>,
    id: Uuid,
    read: impl FnOnce() -> Result<T, DbErr>,
) -> Result<Arc<T>, DbErr> {
    if let Some(record) = kept.get(&id) {
        return Ok(record.clone());
    }
    let record = Arc::new(read()?);
    kept.insert(id, record.clone());
    Ok(record)
}

impl Reader<'_> {
    fn row(&mut self, row: &QueryResult) -> Result<RatingRow, DbErr> {
        let rating = rating::Model {
            trust_id: self.trust.to_owned(),
            visit_id: row.try_get_by_index(0)?,
            indicator_id: row.try_get_by_index(1)?,
            observer_id: row.try_get_by_index(2)?,
            outcome: row.try_get_by_index::<RatingOutcome>(3)?,
            level: row.try_get_by_index(4)?,
            evidence: row.try_get_by_index(5)?,
            recorded_at: row.try_get_by_index(6)?,
        };
        let trust = self.trust;
        let indicator = shared(&mut self.indicators, rating.indicator_id, || {
            Ok(indicator::Model {
                trust_id: trust.to_owned(),
                id: rating.indicator_id,
                protocol_id: row.try_get_by_index(7)?,
                focus_area_id: row.try_get_by_index(8)?,
                code: row.try_get_by_index(9)?,
                statement: row.try_get_by_index(10)?,
                position: row.try_get_by_index(11)?,
            })
        })?;
        let observer = shared(&mut self.observers, rating.observer_id, || {
            Ok(observer::Model {
                trust_id: trust.to_owned(),
                id: rating.observer_id,
                reference: row.try_get_by_index(12)?,
                display_name: row.try_get_by_index(13)?,
            })
        })?;
        Ok(RatingRow {
            rating,
            indicator: Some(indicator),
            observer: Some(observer),
        })
    }
}

impl Loader<Uuid> for RatingsOfVisit {
    type Value = Vec<RatingRow>;
    type Error = Arc<DbErr>;

    async fn load(&self, visits: &[Uuid]) -> Result<HashMap<Uuid, Vec<RatingRow>>, Arc<DbErr>> {
        // The store guarantees each rating its indicator and observer (foreign
        // keys on SQLite, per-statement checks on PostgreSQL).
        let select = rating::Entity::find()
            .select_only()
            .inner_join(indicator::Entity)
            .inner_join(observer::Entity)
            .filter(rating::Column::TrustId.eq(self.trust.as_str()))
            .filter(rating::Column::VisitId.is_in(visits.iter().copied()))
            .order_by_asc(rating::Column::IndicatorId)
            .order_by_asc(rating::Column::ObserverId);
        let select = columns().into_iter().fold(select, |s, c| s.expr(c));
        let select = select.build(self.db.get_database_backend());
        let rows = self.db.query_all_raw(select).await.map_err(Arc::new)?;

        // Every visit asked for gets an entry, so that a cached visit
        // without ratings is not asked for again.
        let mut grouped: HashMap<Uuid, Vec<RatingRow>> =
            visits.iter().map(|visit| (*visit, Vec::new())).collect();
        let mut reader = Reader {
            trust: &self.trust,
            indicators: HashMap::new(),
            observers: HashMap::new(),
        };
        for row in &rows {
            let row = reader.row(row).map_err(Arc::new)?;
            grouped.entry(row.rating.visit_id).or_default().push(row);
        }
        Ok(grouped)
    }
}
