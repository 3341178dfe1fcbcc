//! The caller a verified token describes: roles, scope, and the checks
//! resolvers make on them.

use async_graphql::Enum;
use serde::{Deserialize, Serialize};

use crate::error::ApiError;

/// What a caller may do. Roles grant verbs; the scope limits nouns.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Enum)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// All of the trust: read and write.
    TrustLeader,
    /// Read-only, trust-wide.
    Analyst,
    /// Their own schools: read and write.
    SchoolLeader,
    /// Records walks: read and write within scope.
    Observer,
    /// An integration client such as an MIS vendor: read and write.
    Partner,
}

impl Role {
    pub fn parse(name: &str) -> Option<Role> {
        serde_json::from_value(serde_json::Value::String(name.to_owned())).ok()
    }

    fn may_write(self) -> bool {
        !matches!(self, Role::Analyst)
    }
}

/// The records a caller may see: one trust, optionally some of its schools.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    pub trust: String,
    pub schools: Option<Vec<i32>>,
}

impl Scope {
    pub fn sees_school(&self, urn: i32) -> bool {
        self.schools.as_ref().is_none_or(|urns| urns.contains(&urn))
    }
}

/// Who is calling, as the verified token says.
#[derive(Debug, Clone)]
pub struct Caller {
    pub subject: String,
    pub scope: Scope,
    pub roles: Vec<Role>,
}

impl Caller {
    /// Fails unless the caller holds one of `roles`.
    pub fn require_any(&self, roles: &[Role]) -> Result<(), ApiError> {
        if self.roles.iter().any(|role| roles.contains(role)) {
            Ok(())
        } else {
            Err(ApiError::Forbidden("your roles do not allow this".into()))
        }
    }

    /// Fails unless the caller leads the whole trust.
    pub fn require_trust_leader(&self) -> Result<(), ApiError> {
        if self.roles.contains(&Role::TrustLeader) && self.scope.schools.is_none() {
            Ok(())
        } else {
            Err(ApiError::Forbidden(
                "only a trust-wide trust leader may do this".into(),
            ))
        }
    }

    /// Whether the caller writes only as an observer, who records only on
    /// walks they are on (their token `sub` is their observer reference).
    pub fn observer_only(&self) -> bool {
        let leads = [Role::TrustLeader, Role::SchoolLeader, Role::Partner];
        self.roles.contains(&Role::Observer) && !self.roles.iter().any(|r| leads.contains(r))
    }

    /// Fails for a caller who writes only as an observer.
    pub fn require_leader_or_partner(&self) -> Result<(), ApiError> {
        self.require_write()?;
        if self.observer_only() {
            return Err(ApiError::Forbidden(
                "observers record visits and ratings only".into(),
            ));
        }
        Ok(())
    }

    /// Fails unless one of the caller's roles may change data.
    pub fn require_write(&self) -> Result<(), ApiError> {
        if self.roles.iter().any(|role| role.may_write()) {
            Ok(())
        } else {
            Err(ApiError::Forbidden("your roles allow reading only".into()))
        }
    }
}
