//! Protocol versions through their life: a trust leader saves a draft
//! (a new version of a key), publishes it, and later retires it. A
//! published version never changes; editing it means saving a new draft.

use chrono::Utc;
use entity::{ProtocolStatus, protocol};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, ModelTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::auth::Caller;
use crate::data::audit::{self, Change};
use crate::data::feed::{self, Entry};
use crate::data::{begin_write, protocols};
use crate::error::{ApiError, ApiResult};
use crate::import::protocol::draft_rows;
use crate::import::store::insert_chunked;

/// Saves `content` (the protocol file shape, without a version) as the
/// draft of its key: a new version after the latest, or in place of the
/// key's current draft.
pub async fn save(
    db: &DatabaseConnection,
    caller: &Caller,
    mut content: serde_json::Value,
) -> ApiResult<protocol::Model> {
    caller.require_trust_leader()?;
    let trust = caller.scope.trust.as_str();
    let key = content["key"].as_str().unwrap_or_default().to_owned();
    let txn = begin_write(db).await?;
    let latest = protocol::Entity::find()
        .filter(protocol::Column::TrustId.eq(trust))
        .filter(protocol::Column::Key.eq(key.as_str()))
        .order_by_desc(protocol::Column::Version)
        .one(&txn)
        .await?;
    let version = match &latest {
        Some(draft) if draft.status == ProtocolStatus::Draft => draft.version,
        Some(published) => published.version + 1,
        None => 1,
    };
    content["version"] = version.into();
    let rows = draft_rows(trust, content.to_string().as_bytes())
        .map_err(|err| ApiError::invalid("input", format!("{err:#}")))?;
    let mut entries = Vec::new();
    if let Some(draft) = latest.filter(|p| p.status == ProtocolStatus::Draft) {
        entries.push(Entry::deleted("Protocol", draft.id, None));
        // Its levels, focus areas and indicators go with it.
        draft.delete(&txn).await?;
    }

    let saved = rows.protocol.clone();
    protocol::Entity::insert(protocol::ActiveModel::from(rows.protocol))
        .exec_without_returning(&txn)
        .await?;
    insert_chunked(&txn, rows.levels, None).await?;
    insert_chunked(&txn, rows.focus_areas, None).await?;
    insert_chunked(&txn, rows.indicators, None).await?;
    let change = Change::new("protocol.draft_saved", "Protocol", saved.id, None);
    audit::record(
        &txn,
        caller,
        change,
        None::<&protocol::Model>,
        Some(&content),
    )
    .await?;
    entries.push(Entry::changed("Protocol", saved.id, None));
    feed::publish(&txn, &caller.scope.trust, entries).await?;
    txn.commit().await?;
    Ok(saved)
}

/// Moves a version of the caller's trust from `from` to `to`.
pub async fn advance(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    from: ProtocolStatus,
    to: ProtocolStatus,
) -> ApiResult<protocol::Model> {
    caller.require_trust_leader()?;
    let scope = &caller.scope;
    let txn = begin_write(db).await?;
    let Some(before) = protocols::by_id(&txn, scope, id).await? else {
        return Err(ApiError::NotFound("No protocol with this id".into()));
    };
    if before.status != from {
        let message = format!(
            "the protocol version is {}; only a {} version can become {}",
            name(before.status),
            name(from),
            name(to)
        );
        return Err(ApiError::invalid("protocolId", message));
    }
    let mut update = protocol::Entity::update_many()
        .col_expr(protocol::Column::Status, Expr::value(to))
        .filter(protocol::Column::TrustId.eq(scope.trust.as_str()))
        .filter(protocol::Column::Id.eq(id))
        .filter(protocol::Column::Status.eq(from));
    if to == ProtocolStatus::Published {
        update = update.col_expr(protocol::Column::PublishedAt, Expr::value(Some(Utc::now())));
    }
    if update.exec(&txn).await?.rows_affected != 1 {
        return Err(ApiError::Conflict(
            "the protocol version changed meanwhile; read it again".into(),
        ));
    }
    let after = protocols::by_id(&txn, scope, id).await?;
    let after = after.ok_or_else(|| ApiError::Internal(anyhow::anyhow!("protocol vanished")))?;
    let change = Change::new(
        if to == ProtocolStatus::Published {
            "protocol.published"
        } else {
            "protocol.retired"
        },
        "Protocol",
        id,
        None,
    );
    audit::record(&txn, caller, change, Some(&before), Some(&after)).await?;
    feed::publish(
        &txn,
        &caller.scope.trust,
        vec![Entry::changed("Protocol", id, None)],
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}

fn name(status: ProtocolStatus) -> &'static str {
    match status {
        ProtocolStatus::Draft => "DRAFT",
        ProtocolStatus::Published => "PUBLISHED",
        ProtocolStatus::Retired => "RETIRED",
    }
}
