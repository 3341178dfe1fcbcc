//! Configuration: one typed struct read once from flags and environment.

mod auth;
mod limits;

pub use auth::Auth;
pub use limits::Limits;

use std::net::SocketAddr;

use clap::builder::{BoolishValueParser, NonEmptyStringValueParser};
use clap::{ArgAction, Args, Parser, Subcommand, ValueEnum};

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

    /// Seconds requests in flight get to finish after Ctrl-C or SIGTERM.
    #[arg(long, env = "SHUTDOWN_GRACE", default_value_t = 10, global = true)]
    pub shutdown_grace: u64,

    /// Seconds between Ctrl-C or SIGTERM and no longer taking connections;
    /// `/health` answers 503 meanwhile, so a load balancer moves away first.
    #[arg(long, env = "SHUTDOWN_NOTICE", default_value_t = 0, global = true)]
    pub shutdown_notice: u64,

    /// Seconds a client has to send a request's headers before its
    /// connection is closed, and the longest pause allowed inside a
    /// request's body (1 to 300).
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

    /// Bearer token `/metrics` requires; unset, `/metrics` is open (it
    /// holds only aggregate figures, no trust or caller).
    #[arg(long, env = "METRICS_TOKEN", hide_env_values = true, global = true)]
    pub metrics_token: Option<String>,

    #[command(flatten)]
    pub auth: Auth,

    #[command(flatten)]
    pub limits: Limits,
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
    /// Print an HS256 bearer token for local use (needs JWT_SECRET).
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
    /// Generated trusts, schools and walks at scale, through the importers;
    /// the same flags give the same rows.
    Synthetic(SyntheticArgs),
}

/// How much synthetic data to generate; see `api::demo::synthetic`.
#[derive(Debug, Args)]
pub struct SyntheticArgs {
    /// Ratings to generate: one walk per 24 ratings.
    #[arg(long, default_value_t = 1_500_000, value_parser = clap::value_parser!(u64).range(24..))]
    pub ratings: u64,
    /// Trusts, GIAS group UIDs 7000 upwards.
    #[arg(long, default_value_t = 40, value_parser = clap::value_parser!(u32).range(1..=2000))]
    pub trusts: u32,
    /// Schools, URNs 700000 upwards (default: 15 per trust).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=99_999))]
    pub schools: Option<u32>,
    /// Academic years, ending with 2025/26.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=10))]
    pub years: u32,
    /// Seed of every draw.
    #[arg(long, default_value_t = crate::demo::synthetic::SyntheticSize::DEFAULT_SEED)]
    pub seed: u64,
}

impl SyntheticArgs {
    /// The size these flags ask for.
    pub fn size(&self) -> crate::demo::synthetic::SyntheticSize {
        let mut size = crate::demo::synthetic::SyntheticSize::new(self.ratings, self.trusts);
        size.schools = self.schools.unwrap_or(size.schools);
        size.years = self.years;
        size.seed = self.seed;
        size
    }
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
