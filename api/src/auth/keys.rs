//! `AuthKeys`: the keys tokens are checked with, built once from config,
//! and the rules every token must meet.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde_json::{Map, Value, json};

use super::claims::ClaimNames;
use super::jwks::Jwks;
use super::keyset::VerifyingKey;
use super::{Caller, Role, Scope};
use crate::config::Auth;
use crate::error::ApiError;

/// Longest token looked at; longer ones are refused before any parsing.
pub const MAX_TOKEN_BYTES: usize = 8 * 1024;

/// The claims every token must carry (`nbf` unless configured otherwise);
/// `jsonwebtoken` checks their values.
const REQUIRED: [&str; 5] = ["exp", "nbf", "iss", "aud", "sub"];

/// Checking (and, for HS256, signing) keys with the rules every token
/// must meet. Tokens naming a `kid` are checked with the key set's key of
/// that id; tokens without one with the HS256 secret.
pub struct AuthKeys {
    secret: Option<Secret>,
    jwks: Option<Jwks>,
    /// Whether the secret was made up for this process (development only).
    generated: bool,
    issuer: String,
    audience: String,
    leeway: u64,
    /// Without it, a token lacking `nbf` must have an `iat` not in the future.
    require_nbf: bool,
    claims: ClaimNames,
}

/// An HS256 secret, pinned to HS256.
struct Secret {
    encoding: EncodingKey,
    verifying: Arc<VerifyingKey>,
}

impl AuthKeys {
    /// The keys `auth` configures. With no key source, development mode
    /// gets a random HS256 secret for this process and production mode is
    /// an error.
    pub async fn from_config(auth: &Auth, production: bool) -> anyhow::Result<AuthKeys> {
        let max_age = Duration::from_secs(auth.jwt_jwks_max_age);
        let min_refresh = Duration::from_secs(auth.jwt_jwks_min_refresh);
        let jwks = match (&auth.jwt_jwks_file, &auth.jwt_jwks_url) {
            (Some(_), Some(_)) => anyhow::bail!("set JWT_JWKS_FILE or JWT_JWKS_URL, not both"),
            (Some(path), None) => Some(Jwks::file(path.clone(), max_age, min_refresh).await?),
            (None, Some(url)) => Some(Jwks::url(url, max_age, min_refresh).await?),
            (None, None) => None,
        };
        let generated = jwks.is_none() && auth.jwt_secret.is_none();
        anyhow::ensure!(
            !(generated && production),
            "PRODUCTION is set but no token keys are: set JWT_JWKS_URL or JWT_JWKS_FILE \
             (or JWT_SECRET for HS256)"
        );
        let secret = match (&auth.jwt_secret, generated) {
            (Some(secret), _) => Some(Secret::new(secret.as_bytes())?),
            (None, true) => Some(Secret::new(random_secret().as_bytes())?),
            (None, false) => None,
        };
        Ok(AuthKeys {
            secret,
            jwks,
            generated,
            issuer: auth.jwt_issuer.clone(),
            audience: auth.jwt_audience.clone(),
            leeway: auth.jwt_leeway,
            require_nbf: auth.jwt_require_nbf,
            claims: claim_names(auth),
        })
    }

    /// HS256 keys with `auth`'s rules and claim names, for signing tokens
    /// (`api token`); no key set is read.
    pub fn signer(auth: &Auth) -> anyhow::Result<AuthKeys> {
        let secret = (auth.jwt_secret.as_deref())
            .context("JWT_SECRET is not set: the token must be signed with the server's secret")?;
        let mut keys = AuthKeys::hs256(secret.as_bytes(), &auth.jwt_issuer, &auth.jwt_audience)?;
        keys.leeway = auth.jwt_leeway;
        keys.require_nbf = auth.jwt_require_nbf;
        keys.claims = claim_names(auth);
        Ok(keys)
    }

    /// HS256 keys with the default claim names and 30 seconds' leeway.
    pub fn hs256(secret: &[u8], issuer: &str, audience: &str) -> anyhow::Result<AuthKeys> {
        Ok(AuthKeys {
            secret: Some(Secret::new(secret)?),
            jwks: None,
            generated: false,
            issuer: issuer.to_owned(),
            audience: audience.to_owned(),
            leeway: 30,
            require_nbf: true,
            claims: ClaimNames::default(),
        })
    }

    /// Whether the HS256 secret was made up for this process.
    pub fn generated(&self) -> bool {
        self.generated
    }

    /// Checks a bearer token and returns the caller it names. Every
    /// failure is the same `Unauthenticated`; the reason goes to the debug
    /// log, the token never.
    pub async fn verify(&self, token: &str) -> Result<Caller, ApiError> {
        self.check(token).await.map_err(|reason| {
            tracing::debug!(reason, "token rejected");
            ApiError::Unauthenticated
        })
    }

    async fn check(&self, token: &str) -> Result<Caller, &'static str> {
        if token.len() > MAX_TOKEN_BYTES {
            return Err("token too large");
        }
        let header = jsonwebtoken::decode_header(token).map_err(|_| "malformed header")?;
        let key = match (&header.kid, &self.jwks, &self.secret) {
            (Some(kid), Some(jwks), _) => jwks.key(kid).await.ok_or("unknown kid")?,
            (Some(_), None, _) => return Err("a kid but no key set"),
            (None, _, Some(secret)) => secret.verifying.clone(),
            (None, _, None) => return Err("no key for a token without kid"),
        };
        if header.alg != key.alg {
            return Err("algorithm is not the key's");
        }
        let claims =
            jsonwebtoken::decode::<Map<String, Value>>(token, &key.key, &self.validation(key.alg))
                .map_err(|err| match err.kind() {
                    jsonwebtoken::errors::ErrorKind::InvalidSignature => "bad signature",
                    _ => "claims fail validation",
                })?;
        if !self.require_nbf && !claims.claims.contains_key("nbf") {
            let now = chrono::Utc::now().timestamp();
            let iat = claims.claims.get("iat").and_then(Value::as_i64);
            if iat.is_none_or(|iat| iat > now + self.leeway as i64) {
                return Err("no nbf, and no iat or one in the future");
            }
        }
        self.claims.caller(claims.claims)
    }

    fn validation(&self, alg: Algorithm) -> Validation {
        let mut validation = Validation::new(alg);
        validation.algorithms = vec![alg];
        validation.set_issuer(&[&self.issuer]);
        validation.set_audience(&[&self.audience]);
        let required = REQUIRED.iter().filter(|c| self.require_nbf || **c != "nbf");
        validation.set_required_spec_claims(&required.collect::<Vec<_>>());
        validation.validate_exp = true;
        validation.validate_nbf = true;
        validation.leeway = self.leeway;
        validation
    }

    /// Signs an HS256 token for `trust` valid for `hours`.
    pub fn issue(
        &self,
        sub: &str,
        trust: &str,
        roles: Vec<Role>,
        schools: Option<Vec<i32>>,
        hours: i64,
    ) -> anyhow::Result<String> {
        let secret = self
            .secret
            .as_ref()
            .context("no HS256 secret to sign with")?;
        let caller = Caller {
            subject: sub.to_owned(),
            scope: Scope {
                trust: trust.to_owned(),
                schools,
            },
            roles,
        };
        let now = chrono::Utc::now().timestamp();
        let mut claims = self.claims.claims(&caller);
        let times = [("iat", now), ("nbf", now), ("exp", now + hours * 3600)];
        claims.extend(times.map(|(name, at)| (name.to_owned(), json!(at))));
        claims.insert("iss".into(), json!(self.issuer));
        claims.insert("aud".into(), json!(self.audience));
        let header = Header::new(Algorithm::HS256);
        Ok(jsonwebtoken::encode(&header, &claims, &secret.encoding)?)
    }
}

impl Secret {
    fn new(secret: &[u8]) -> anyhow::Result<Secret> {
        anyhow::ensure!(secret.len() >= 32, "JWT_SECRET must be at least 32 bytes");
        let verifying = VerifyingKey {
            alg: Algorithm::HS256,
            key: DecodingKey::from_secret(secret)?,
        };
        Ok(Secret {
            encoding: EncodingKey::from_secret(secret)?,
            verifying: Arc::new(verifying),
        })
    }
}

fn claim_names(auth: &Auth) -> ClaimNames {
    ClaimNames {
        trust: auth.jwt_claim_trust.clone(),
        roles: auth.jwt_claim_roles.clone(),
        schools: auth.jwt_claim_schools.clone(),
    }
}

/// A fresh random secret for a development server started without keys:
/// 244 bits from the operating system's generator, by way of two v4 UUIDs.
pub fn random_secret() -> String {
    format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    )
}
