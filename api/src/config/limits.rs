//! Limits on what one request may ask for, and on the clients that ask:
//! page sizes, query shape and cost, bodies, time, rate, origins, mode.

use clap::Args;

use crate::auth::Role;

/// Limits on what one request may ask for.
#[derive(Debug, Clone, Args)]
pub struct Limits {
    /// Largest `first` or `last` a connection accepts (every connection
    /// needs one of them).
    #[arg(long, env = "MAX_PAGE_SIZE", default_value_t = 100, global = true)]
    pub max_page_size: u64,

    /// Deepest selection set a query may have.
    #[arg(long, env = "MAX_QUERY_DEPTH", default_value_t = 12, global = true)]
    pub max_query_depth: usize,

    /// Web origins whose pages may call the API from a browser, e.g.
    /// `https://dashboard.trust.example` (repeat, or separate with commas in
    /// the variable). None by default: browsers then refuse cross-origin
    /// reads, and server-to-server callers are unaffected.
    #[arg(
        long = "cors-allowed-origin",
        env = "CORS_ALLOWED_ORIGINS",
        value_delimiter = ',',
        value_parser = web_origin,
        global = true
    )]
    pub cors_allowed_origins: Vec<String>,

    /// Production mode: introspection and "did you mean" suggestions are
    /// off, except introspection for tokens with the `partner` role.
    #[arg(long, env = "PRODUCTION", default_value_t = false, global = true)]
    pub production: bool,

    /// Milliseconds a query may run before it is stopped and answered
    /// with `TIMEOUT` (mutations always run to the end of their
    /// transaction).
    #[arg(
        long,
        env = "EXECUTION_TIMEOUT_MS",
        default_value_t = 10_000,
        value_parser = clap::value_parser!(u64).range(1..=600_000),
        global = true
    )]
    pub execution_timeout_ms: u64,

    /// Query cost points a token subject may spend a minute, refilled
    /// continuously; past it, requests get `RATE_LIMITED` and a retry hint.
    #[arg(
        long,
        env = "RATE_LIMIT_PER_MINUTE",
        default_value_t = 5_000_000,
        global = true
    )]
    pub rate_limit_per_minute: u64,

    /// A role's own budget, as `role=points` (repeat, or separate with
    /// commas in the variable), e.g. `partner=20000000`; a caller gets its
    /// best role's.
    #[arg(
        long = "rate-limit",
        env = "RATE_LIMITS",
        value_delimiter = ',',
        value_parser = role_budget,
        global = true
    )]
    pub rate_limits: Vec<(Role, u64)>,

    /// Most aliases one document may write (`QUERY_TOO_MANY_ALIASES`).
    #[arg(long, env = "MAX_ALIASES", default_value_t = 50, global = true)]
    pub max_aliases: usize,

    /// Most fields one operation may ask for at its root
    /// (`QUERY_TOO_MANY_ROOT_FIELDS`).
    #[arg(long, env = "MAX_ROOT_FIELDS", default_value_t = 30, global = true)]
    pub max_root_fields: usize,

    /// Most directives one selection may carry (`QUERY_TOO_MANY_DIRECTIVES`).
    #[arg(long, env = "MAX_DIRECTIVES", default_value_t = 5, global = true)]
    pub max_directives: usize,

    /// Largest cost of a query: each field costs 1 and a connection its
    /// page size (`first` or `last`) times the cost of each node.
    #[arg(
        long,
        env = "MAX_QUERY_COMPLEXITY",
        default_value_t = 250_000,
        global = true
    )]
    pub max_query_complexity: usize,

    /// Longest GraphQL document (the query text), in bytes.
    #[arg(
        long,
        env = "MAX_DOCUMENT_BYTES",
        default_value_t = 32_768,
        global = true
    )]
    pub max_document_bytes: usize,

    /// Largest request body, in bytes.
    #[arg(
        long,
        env = "MAX_BODY_BYTES",
        default_value_t = 1_048_576,
        global = true
    )]
    pub max_body_bytes: usize,

    /// Largest ratings file `POST /import/ratings` takes, in bytes.
    #[arg(
        long,
        env = "MAX_IMPORT_BYTES",
        default_value_t = 33_554_432,
        global = true
    )]
    pub max_import_bytes: usize,

    /// Variation reports kept in memory, per trust data version and scope,
    /// for repeated questions; 0 builds every report afresh.
    #[arg(
        long,
        env = "REPORT_CACHE_ENTRIES",
        default_value_t = 128,
        global = true
    )]
    pub report_cache_entries: usize,

    /// Seconds a token's scope, once found to hold (its trust exists, its
    /// schools are the trust's), is trusted without asking the store
    /// again; 0 checks on every request.
    #[arg(long, env = "SCOPE_CHECK_SECONDS", default_value_t = 5, global = true)]
    pub scope_check_seconds: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_page_size: 100,
            max_query_depth: 12,
            max_query_complexity: 250_000,
            production: false,
            cors_allowed_origins: Vec::new(),
            rate_limit_per_minute: 5_000_000,
            rate_limits: Vec::new(),
            execution_timeout_ms: 10_000,
            max_aliases: 50,
            max_root_fields: 30,
            max_directives: 5,
            max_document_bytes: 32_768,
            max_body_bytes: 1_048_576,
            max_import_bytes: 33_554_432,
            report_cache_entries: 128,
            scope_check_seconds: 5,
        }
    }
}

/// `role=points`, e.g. `partner=20000000`.
fn role_budget(text: &str) -> Result<(Role, u64), String> {
    let (role, points) =
        (text.split_once('=')).ok_or_else(|| format!("{text:?} is not role=points"))?;
    let role = Role::parse(role.trim()).ok_or_else(|| format!("{role:?} is not a role"))?;
    let points = (points.trim().parse())
        .map_err(|_| format!("{points:?} is not a whole number of points"))?;
    Ok((role, points))
}

/// `https://host[:port]` (or `http://`), with nothing after it.
fn web_origin(text: &str) -> Result<String, String> {
    let text = text.trim();
    let rest = (text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://")))
    .ok_or_else(|| format!("{text:?} is not an origin: it starts with https:// or http://"))?;
    let plain = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':');
    if rest.is_empty() || !rest.chars().all(plain) {
        return Err(format!(
            "{text:?} is not an origin: a scheme, a host and a port at most"
        ));
    }
    Ok(text.to_owned())
}
