//! Token settings: where the keys come from, the rules every token must
//! meet, and the names of the claims that carry the caller's scope.

use clap::builder::{BoolishValueParser, NonEmptyStringValueParser};
use clap::{ArgAction, Args};

/// How bearer tokens are checked. With no key source at all, development
/// mode makes a random HS256 secret for the process; production mode
/// refuses to start.
#[derive(Debug, Clone, Args)]
pub struct Auth {
    /// HS256 secret (at least 32 bytes) that signs and checks bearer tokens
    /// without a `kid`. Set it only when you mean to use shared secrets.
    #[arg(long, env = "JWT_SECRET", hide_env_values = true, global = true)]
    pub jwt_secret: Option<String>,

    /// JSON Web Key Set file with the public keys (RS256, ES256…) that
    /// check tokens naming a `kid`; re-read when a token names a `kid` it
    /// lacks and every `JWT_JWKS_MAX_AGE` seconds.
    #[arg(long, env = "JWT_JWKS_FILE", global = true)]
    pub jwt_jwks_file: Option<std::path::PathBuf>,

    /// JSON Web Key Set URL (`https://`, or `http://` on a loopback host),
    /// e.g. an identity provider's `/.well-known/jwks.json`; fetched at
    /// start-up and refreshed like the file.
    #[arg(long, env = "JWT_JWKS_URL", global = true)]
    pub jwt_jwks_url: Option<String>,

    /// Seconds after which the key set is read again.
    #[arg(
        long,
        env = "JWT_JWKS_MAX_AGE",
        default_value_t = 300,
        value_parser = clap::value_parser!(u64).range(1..=86_400),
        global = true
    )]
    pub jwt_jwks_max_age: u64,

    /// Fewest seconds between two reads of the key set, so that tokens
    /// naming unknown `kid`s cannot hammer the source.
    #[arg(
        long,
        env = "JWT_JWKS_MIN_REFRESH",
        default_value_t = 5,
        value_parser = clap::value_parser!(u64).range(1..=3_600),
        global = true
    )]
    pub jwt_jwks_min_refresh: u64,

    /// Required `iss` claim.
    #[arg(
        long,
        env = "JWT_ISSUER",
        default_value = "learning-walks",
        global = true
    )]
    pub jwt_issuer: String,

    /// Required `aud` claim (the token's `aud` may be a list holding it).
    #[arg(
        long,
        env = "JWT_AUDIENCE",
        default_value = "learning-walks-api",
        global = true
    )]
    pub jwt_audience: String,

    /// Seconds of clock skew allowed when checking `exp` and `nbf`.
    #[arg(
        long,
        env = "JWT_LEEWAY",
        default_value_t = 30,
        value_parser = clap::value_parser!(u64).range(0..=300),
        global = true
    )]
    pub jwt_leeway: u64,

    /// Require `nbf` (true/false). Identity providers that never emit it
    /// (Auth0, Okta, Keycloak) need false: then a token without `nbf` must
    /// carry an `iat` that is not in the future.
    #[arg(
        long,
        env = "JWT_REQUIRE_NBF",
        default_value_t = true,
        action = ArgAction::Set,
        value_parser = BoolishValueParser::new(),
        global = true
    )]
    pub jwt_require_nbf: bool,

    /// Name of the claim holding the trust's GIAS group UID, e.g.
    /// `https://walks.example.org/trust` for namespaced claims.
    #[arg(long, env = "JWT_CLAIM_TRUST", default_value = "trust",
          value_parser = NonEmptyStringValueParser::new(), global = true)]
    pub jwt_claim_trust: String,

    /// Name of the claim holding the caller's roles.
    #[arg(long, env = "JWT_CLAIM_ROLES", default_value = "roles",
          value_parser = NonEmptyStringValueParser::new(), global = true)]
    pub jwt_claim_roles: String,

    /// Name of the claim holding the URNs a school-scoped caller sees.
    #[arg(long, env = "JWT_CLAIM_SCHOOLS", default_value = "schools",
          value_parser = NonEmptyStringValueParser::new(), global = true)]
    pub jwt_claim_schools: String,
}
