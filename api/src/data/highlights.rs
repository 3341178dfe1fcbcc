//! Highlights of strong practice: recorded from a walk, published for the
//! whole trust by a leader.

use chrono::Utc;
use entity::{WalkStatus, focus_area, highlight};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, DatabaseConnection, EntityTrait,
    QueryFilter,
};
use uuid::Uuid;

use crate::auth::{Caller, Role, Scope};
use crate::data::audit::{self, Change};
use crate::data::evidence::{self, EvidenceWarning};
use crate::data::feed::{self, Entry};
use crate::data::keyset::{self, Key, Keyset, Kind, Page, Window};
use crate::data::{begin_write, text, walks};
use crate::error::{ApiError, ApiResult};

/// Strong practice to share.
#[derive(Debug, Clone)]
pub struct NewHighlight {
    pub walk_id: Uuid,
    /// Key of a focus area of the walk's protocol.
    pub focus_area_key: String,
    pub title: String,
    pub description: String,
}

/// Highlights a caller may read: their own schools', and every published
/// one of the trust.
pub(crate) fn readable(scope: &Scope) -> Condition {
    let trust = Condition::all().add(highlight::Column::TrustId.eq(scope.trust.as_str()));
    match &scope.schools {
        None => trust,
        Some(urns) => trust.add(
            Condition::any()
                .add(highlight::Column::SchoolUrn.is_in(urns.iter().copied()))
                .add(highlight::Column::PublishedAt.is_not_null()),
        ),
    }
}

/// Records a highlight from a walk that has been submitted.
pub async fn create(
    db: &DatabaseConnection,
    caller: &Caller,
    input: NewHighlight,
) -> ApiResult<(highlight::Model, Vec<EvidenceWarning>)> {
    let scope = &caller.scope;
    let title = text::required("title", &input.title, 200, false)?;
    let description = text::required("description", &input.description, 4000, true)?;
    let txn = begin_write(db).await?;
    let Some(walk) = walks::by_id(&txn, scope, input.walk_id).await? else {
        return Err(ApiError::NotFound("No walk with this id".into()));
    };
    let observed = [
        WalkStatus::Submitted,
        WalkStatus::Debriefed,
        WalkStatus::Closed,
    ];
    if !observed.contains(&walk.status) {
        return Err(ApiError::invalid(
            "walkId",
            "highlights come from submitted walks",
        ));
    }
    let area = focus_area::Entity::find()
        .filter(focus_area::Column::TrustId.eq(scope.trust.as_str()))
        .filter(focus_area::Column::ProtocolId.eq(walk.protocol_id))
        .filter(focus_area::Column::Key.eq(input.focus_area_key.as_str()))
        .one(&txn)
        .await?;
    let Some(area) = area else {
        let message = format!(
            "the walk's protocol has no focus area '{}'",
            input.focus_area_key
        );
        return Err(ApiError::invalid("focusAreaKey", message));
    };
    let texts = vec![
        ("title".to_owned(), title.as_str()),
        ("description".to_owned(), description.as_str()),
    ];
    let warnings = evidence::review(&txn, scope, texts).await?;

    let row = highlight::Model {
        trust_id: scope.trust.clone(),
        id: Uuid::new_v4(),
        walk_id: walk.id,
        school_urn: walk.school_urn,
        focus_area_id: area.id,
        title,
        description,
        published_at: None,
        created_by: caller.subject.clone(),
        created_at: Utc::now(),
    };
    highlight::Entity::insert(highlight::ActiveModel::from(row.clone()))
        .exec_without_returning(&txn)
        .await?;
    let change = Change::new("highlight.created", "Highlight", row.id, Some(walk.id));
    audit::record(&txn, caller, change, None::<&highlight::Model>, Some(&row)).await?;
    feed::publish(
        &txn,
        &caller.scope.trust,
        vec![Entry::changed("Highlight", row.id, Some(row.school_urn))],
    )
    .await?;
    txn.commit().await?;
    Ok((row, warnings))
}

/// Publishes a highlight of the caller's schools to the whole trust.
pub async fn publish(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
) -> ApiResult<highlight::Model> {
    caller.require_any(&[Role::TrustLeader, Role::SchoolLeader])?;
    let scope = &caller.scope;
    let txn = begin_write(db).await?;
    let mut own = Condition::all().add(highlight::Column::TrustId.eq(scope.trust.as_str()));
    if let Some(urns) = &scope.schools {
        own = own.add(highlight::Column::SchoolUrn.is_in(urns.iter().copied()));
    }
    let found = highlight::Entity::find()
        .filter(own)
        .filter(highlight::Column::Id.eq(id))
        .one(&txn)
        .await?;
    let Some(before) = found else {
        return Err(ApiError::NotFound("No highlight with this id".into()));
    };
    if before.published_at.is_some() {
        return Ok(before);
    }
    let mut row: highlight::ActiveModel = before.clone().into();
    row.published_at = Set(Some(Utc::now()));
    let after = row.update(&txn).await?;
    let change = Change::new("highlight.published", "Highlight", id, Some(after.walk_id));
    audit::record(&txn, caller, change, Some(&before), Some(&after)).await?;
    // Once published, every school of the trust may read it.
    feed::publish(
        &txn,
        &caller.scope.trust,
        vec![Entry::changed("Highlight", id, None)],
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}

/// Highlights newest first, in the caller's list and under each walk.
pub const LIST: Keyset<highlight::Model> = Keyset {
    list: "highlights",
    kinds: &[Kind::Time, Kind::Uuid],
    descending: true,
    key: |h| vec![Key::Time(h.created_at), Key::Uuid(h.id)],
};

/// One page of the highlights the caller may read.
pub async fn page(
    db: &DatabaseConnection,
    scope: &Scope,
    published_only: bool,
    window: &Window,
) -> ApiResult<Page<highlight::Model>> {
    let mut query = highlight::Entity::find().filter(readable(scope));
    if published_only {
        query = query.filter(highlight::Column::PublishedAt.is_not_null());
    }
    let columns = [highlight::Column::CreatedAt, highlight::Column::Id];
    keyset::page(db, query, &LIST, &columns, window).await
}
