//! Configuration: one typed struct read once from flags and environment.

use std::net::SocketAddr;

use clap::builder::{BoolishValueParser, NonEmptyStringValueParser};
use clap::{ArgAction, Args, Parser, Subcommand, ValueEnum};

use crate::auth::Role;

/// Learning walks for multi-academy trusts: the GraphQL API.
#[derive(Debug, Parser)]
#[command(name = "api", version)]
pub struct Cli {
    #[command(flatten)]
    pub config: Config,

    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Settings shared by the server and the subcommands.
#[derive(Debug, Clone, Args)]
pub struct Config {
    /// Database to use: `sqlite://FILE?mode=rwc` (embedded default) or
    /// `postgres://USER@HOST:PORT/DB`.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://learning-walks.db?mode=rwc",
        global = true
    )]
    pub database_url: String,

    /// Seconds to wait for the database before giving up at start-up.
    #[arg(
        long,
        env = "DATABASE_CONNECT_TIMEOUT",
        default_value_t = 5,
        global = true
    )]
    pub database_connect_timeout: u64,

    /// Largest number of pooled database connections.
    #[arg(
        long,
        env = "DATABASE_MAX_CONNECTIONS",
        default_value_t = 10,
        global = true
    )]
    pub database_max_connections: u32,

    /// Address the HTTP server listens on.
    #[arg(
        long,
        env = "LISTEN_ADDR",
        default_value = "127.0.0.1:8080",
        global = true
    )]
    pub listen_addr: SocketAddr,

    /// HS256 secret that signs and checks bearer tokens. When absent the
    /// server makes a random one for its own lifetime and prints a token.
    #[arg(long, env = "JWT_SECRET", hide_env_values = true, global = true)]
    pub jwt_secret: Option<String>,

    /// Required `iss` claim.
    #[arg(
        long,
        env = "JWT_ISSUER",
        default_value = "learning-walks",
        global = true
    )]
    pub jwt_issuer: String,

    /// Required `aud` claim.
    #[arg(
        long,
        env = "JWT_AUDIENCE",
        default_value = "learning-walks-api",
        global = true
    )]
    pub jwt_audience: String,

    /// Seconds requests in flight get to finish after Ctrl-C or SIGTERM.
    #[arg(long, env = "SHUTDOWN_GRACE", default_value_t = 10, global = true)]
    pub shutdown_grace: u64,

    /// Seconds a client has to send a request's headers before its
    /// connection is closed (1 to 300).
    #[arg(
        long,
        env = "HEADER_READ_TIMEOUT",
        default_value_t = 10,
        value_parser = clap::value_parser!(u64).range(1..=300),
        global = true
    )]
    pub header_read_timeout: u64,

    /// Do not load the demo trusts and walks into an empty SQLite database
    /// (`NO_DEMO` accepts true/false, yes/no, 1/0).
    #[arg(
        long,
        env = "NO_DEMO",
        global = true,
        action = ArgAction::SetTrue,
        value_parser = BoolishValueParser::new()
    )]
    pub no_demo: bool,

    /// Log output: `human` for terminals, `json` for collectors.
    #[arg(long, env = "LOG_FORMAT", value_enum, default_value_t = LogFormat::Human, global = true)]
    pub log_format: LogFormat,

    #[command(flatten)]
    pub limits: Limits,
}

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
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_page_size: 100,
            max_query_depth: 12,
            max_query_complexity: 250_000,
            production: false,
            rate_limit_per_minute: 5_000_000,
            rate_limits: Vec::new(),
            execution_timeout_ms: 10_000,
            max_aliases: 50,
            max_root_fields: 30,
            max_directives: 5,
            max_body_bytes: 1_048_576,
            max_import_bytes: 33_554_432,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Human,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the API (the default when no subcommand is given).
    Serve,
    /// Load data files into the database.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Load sample data.
    #[command(subcommand)]
    Seed(SeedCommand),
    /// Print a signed bearer token for local use (needs JWT_SECRET).
    Token(TokenArgs),
    /// Print the GraphQL schema (SDL).
    Schema,
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Schools and trusts from a GIAS CSV (2017 group-links or edubasealldata shape).
    Schools { file: std::path::PathBuf },
    /// A protocol JSON file, as a published version of one trust's protocol.
    Protocol {
        file: std::path::PathBuf,
        /// GIAS group UID of the trust that owns the protocol.
        #[arg(long)]
        trust: String,
    },
    /// Walks, visits, observers and ratings from a CSV file (one row per
    /// observer, indicator and visit), in one transaction.
    Ratings {
        file: std::path::PathBuf,
        /// GIAS group UID of the trust the walks belong to.
        #[arg(long)]
        trust: String,
        /// Key of the protocol; its latest published version is used.
        #[arg(long, default_value = "trust-core")]
        protocol: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum SeedCommand {
    /// The four demo trusts, their protocols and deterministic demo walks.
    Demo,
}

#[derive(Debug, Args)]
pub struct TokenArgs {
    /// GIAS group UID of the caller's trust.
    #[arg(long, value_parser = NonEmptyStringValueParser::new())]
    pub trust: String,
    /// Role granted (repeat for several).
    #[arg(long = "role", required = true)]
    pub roles: Vec<String>,
    /// Limit the token to this school's URN (repeat for several).
    #[arg(long = "school")]
    pub schools: Vec<i32>,
    /// Subject: the caller's opaque id.
    #[arg(long, default_value = "local-user", value_parser = NonEmptyStringValueParser::new())]
    pub sub: String,
    /// Lifetime in hours, 1 to 8760 (a year).
    #[arg(long, default_value_t = 12, value_parser = clap::value_parser!(i64).range(1..=8760))]
    pub hours: i64,
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
