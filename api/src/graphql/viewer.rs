//! Who the token says the caller is, and their trust.

use async_graphql::{Context, ID, Object, Result};
use entity::trust;

use super::{caller, db, ids};
use crate::auth::{Caller, Role};
use crate::data::trusts;
use crate::neutral;

/// The caller as their token describes them.
pub struct Viewer(Caller);

#[Object]
impl Viewer {
    /// The token's subject: the caller's opaque id.
    async fn subject(&self) -> &str {
        &self.0.subject
    }

    /// GIAS group UID of the caller's trust.
    async fn trust_uid(&self) -> &str {
        &self.0.scope.trust
    }

    /// The caller's trust, or null if this service does not hold it.
    async fn trust(&self, ctx: &Context<'_>) -> Result<Option<Trust>> {
        Ok(trusts::of_scope(db(ctx), &self.0.scope).await?.map(Trust))
    }

    /// URNs the caller is limited to; null means the whole trust.
    async fn school_urns(&self) -> Option<&[i32]> {
        self.0.scope.schools.as_deref()
    }

    /// Roles granted by the token.
    async fn roles(&self) -> &[Role] {
        &self.0.roles
    }

    /// Whether the caller's roles allow changing data.
    async fn can_write(&self) -> bool {
        self.0.require_write().is_ok()
    }
}

/// A multi-academy trust: the tenant whose data the caller sees.
pub struct Trust(pub trust::Model);

#[Object]
impl Trust {
    /// Opaque global id.
    pub(crate) async fn id(&self) -> ID {
        ids::encode(ids::TRUST, &self.0.uid)
    }

    /// GIAS group UID, the trust's public identifier.
    async fn uid(&self) -> &str {
        &self.0.uid
    }

    async fn name(&self) -> &str {
        &self.0.name
    }

    /// Companies House number of the trust's company.
    async fn companies_house_number(&self) -> Option<&str> {
        self.0.companies_house_number.as_deref()
    }

    /// Figures over fewer visits than this are suppressed.
    async fn min_cell_size(&self) -> i32 {
        self.0.min_cell_size
    }

    /// Whether evidence with judgemental wording or a personal name is
    /// refused rather than stored with a warning.
    async fn strict_neutral_language(&self) -> bool {
        self.0.strict_neutral_language
    }

    /// Whether the trust uses the service's default judgemental terms.
    async fn uses_default_judgemental_terms(&self) -> bool {
        self.0.judgemental_terms.is_none()
    }

    /// The terms evidence is checked against, in lower case.
    async fn judgemental_terms(&self) -> Vec<String> {
        neutral::terms_of(self.0.judgemental_terms.as_deref())
    }
}

#[derive(Default)]
pub struct ViewerQuery;

#[Object]
impl ViewerQuery {
    /// Who the token says I am: subject, trust, scope and roles.
    async fn viewer(&self, ctx: &Context<'_>) -> Result<Viewer> {
        Ok(Viewer(caller(ctx)?.clone()))
    }

    /// The caller's trust; with `uid`, only if that is its GIAS group UID
    /// (any other trust reads as null, like one that does not exist).
    async fn trust(&self, ctx: &Context<'_>, uid: Option<String>) -> Result<Option<Trust>> {
        let scope = &caller(ctx)?.scope;
        if uid.is_some_and(|uid| uid != scope.trust) {
            return Ok(None);
        }
        Ok(trusts::of_scope(db(ctx), scope).await?.map(Trust))
    }
}
