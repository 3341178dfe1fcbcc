//! Bearer tokens: the claims, how they are checked, and the caller they
//! describe. Keys are built once from config.

use async_graphql::Enum;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
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

/// The claims of a bearer token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    /// GIAS group UID of the caller's trust.
    pub trust: String,
    /// URNs the caller is limited to; absent for trust-wide scope.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schools: Option<Vec<i32>>,
    pub roles: Vec<Role>,
    pub iss: String,
    pub aud: Audience,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iat: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<i64>,
    pub exp: i64,
}

/// A token's `aud`: one audience, or several (RFC 7519 allows both); the
/// check that ours is among them is jsonwebtoken's.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Audience {
    One(String),
    Many(Vec<String>),
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

/// Most URNs a token's `schools` claim may list; larger scopes are trust-wide.
const MAX_SCHOOLS: usize = 500;

/// Signing and checking keys with the rules every token must meet.
pub struct AuthKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    issuer: String,
    audience: String,
}

impl AuthKeys {
    pub fn hs256(secret: &[u8], issuer: &str, audience: &str) -> anyhow::Result<AuthKeys> {
        anyhow::ensure!(secret.len() >= 32, "JWT_SECRET must be at least 32 bytes");
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[issuer]);
        validation.set_audience(&[audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.validate_nbf = true;
        validation.leeway = 30;
        Ok(AuthKeys {
            encoding: EncodingKey::from_secret(secret)?,
            decoding: DecodingKey::from_secret(secret)?,
            validation,
            issuer: issuer.to_owned(),
            audience: audience.to_owned(),
        })
    }

    /// Checks a bearer token and returns the caller it names.
    pub fn verify(&self, token: &str) -> Result<Caller, ApiError> {
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map_err(|err| {
                tracing::debug!(error = %err, "token rejected");
                ApiError::Unauthenticated
            })?;
        let claims = data.claims;
        let school_count = claims.schools.as_ref().map(Vec::len);
        let empty_schools = matches!(school_count, Some(0)) || school_count > Some(MAX_SCHOOLS);
        let blank = |text: &str| text.trim().is_empty();
        if claims.roles.is_empty() || blank(&claims.trust) || blank(&claims.sub) || empty_schools {
            return Err(ApiError::Unauthenticated);
        }
        Ok(Caller {
            subject: claims.sub,
            scope: Scope {
                trust: claims.trust,
                schools: claims.schools,
            },
            roles: claims.roles,
        })
    }

    /// Signs a token for `trust` valid for `hours`.
    pub fn issue(
        &self,
        sub: &str,
        trust: &str,
        roles: Vec<Role>,
        schools: Option<Vec<i32>>,
        hours: i64,
    ) -> anyhow::Result<String> {
        let now = chrono::Utc::now().timestamp();
        let claims = Claims {
            sub: sub.to_owned(),
            trust: trust.to_owned(),
            schools,
            roles,
            iss: self.issuer.clone(),
            aud: Audience::One(self.audience.clone()),
            iat: Some(now),
            nbf: Some(now),
            exp: now + hours * 3600,
        };
        Ok(jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &self.encoding,
        )?)
    }
}

/// A fresh random secret for a server started without `JWT_SECRET`:
/// 244 bits from the operating system's generator, by way of two v4 UUIDs.
pub fn random_secret() -> String {
    format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    )
}
