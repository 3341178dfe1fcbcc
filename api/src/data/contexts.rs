//! Schools' own notes on their context, one new version per note.

use chrono::{NaiveDate, Utc};
use entity::school_context;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use crate::auth::{Caller, Role};
use crate::data::audit::{self, Change};
use crate::data::feed::{self, Entry};
use crate::data::keyset::{Key, Keyset, Kind};
use crate::data::{begin_write, schools, text};
use crate::error::{ApiError, ApiResult};

/// A school's context notes, newest version first.
pub const HISTORY: Keyset<school_context::Model> = Keyset {
    list: "contextHistory",
    kinds: &[Kind::Int],
    descending: true,
    key: |note| vec![Key::Int(note.version)],
};

/// Adds the next version of a school's context note. Trust leaders and the
/// school's own leaders write it.
pub async fn record(
    db: &DatabaseConnection,
    caller: &Caller,
    urn: i32,
    written_on: NaiveDate,
    note: &str,
) -> ApiResult<school_context::Model> {
    caller.require_any(&[Role::TrustLeader, Role::SchoolLeader])?;
    let scope = &caller.scope;
    let note = text::required("note", note, 4000, true)?;
    let txn = begin_write(db).await?;
    if schools::by_urn(&txn, scope, urn).await?.is_none() {
        return Err(ApiError::NotFound("No school with this URN".into()));
    }
    let latest = school_context::Entity::find()
        .filter(school_context::Column::TrustId.eq(scope.trust.as_str()))
        .filter(school_context::Column::SchoolUrn.eq(urn))
        .order_by_desc(school_context::Column::Version)
        .one(&txn)
        .await?;
    let context = school_context::Model {
        trust_id: scope.trust.clone(),
        school_urn: urn,
        version: latest.map_or(0, |note| note.version) + 1,
        written_on,
        note,
        written_by: caller.subject.clone(),
        created_at: Utc::now(),
    };
    school_context::Entity::insert(school_context::ActiveModel::from(context.clone()))
        .exec_without_returning(&txn)
        .await?;
    let change = Change::new("school_context.recorded", "School", urn, None);
    let none = None::<&school_context::Model>;
    audit::record(&txn, caller, change, none, Some(&context)).await?;
    feed::publish(
        &txn,
        &caller.scope.trust,
        vec![Entry::changed("School", urn, Some(urn))],
    )
    .await?;
    txn.commit().await?;
    Ok(context)
}
