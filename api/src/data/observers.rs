//! The people of a trust who take part in walks.

use entity::observer::{self, Column};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::auth::Scope;
use crate::data::keyset::{self, Key, Keyset, Kind, Page, Window};
use crate::error::ApiResult;

/// The observer list, by display name and then the trust's reference.
pub const LIST: Keyset<observer::Model> = Keyset {
    list: "observers",
    kinds: &[Kind::Text, Kind::Text],
    descending: false,
    key: |o| {
        vec![
            Key::Text(o.display_name.clone()),
            Key::Text(o.reference.clone()),
        ]
    },
};

/// One page of the trust's observers. Observers are people of the trust,
/// so school-scoped callers see them too; their walks stay scoped.
pub async fn page(
    db: &impl ConnectionTrait,
    scope: &Scope,
    window: &Window,
) -> ApiResult<Page<observer::Model>> {
    let query = observer::Entity::find().filter(Column::TrustId.eq(scope.trust.as_str()));
    let columns = [Column::DisplayName, Column::Reference];
    keyset::page(db, query, &LIST, &columns, window).await
}
