//! The `api` command: serves by default; imports, seeds, signs tokens and
//! prints the schema on request.

use anyhow::Context;
use api::auth::{AuthKeys, Role};
use api::config::{Cli, Command, Config, ImportCommand, LogFormat, SeedCommand, TokenArgs};
use api::startup::{self, AppState};
use api::{db, demo, graphql, import, telemetry};
use clap::Parser;
use entity::trust;
use sea_orm::{DatabaseBackend, DatabaseConnection, EntityTrait, PaginatorTrait, QueryOrder};

/// Serving a page allocates many small strings and maps; mimalloc answers
/// those faster than the system allocator (see docs/benchmarks.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() {
    let cli = Cli::parse();
    let format = cli.config.log_format;
    telemetry::init(format);
    if let Err(err) = run(cli).await {
        match format {
            LogFormat::Json => tracing::error!(error = format!("{err:#}"), "stopped"),
            LogFormat::Human => eprintln!("error: {err:#}"),
        }
        std::process::exit(1);
    }
}

/// The command line reaches every trust's rows; each request the server
/// answers reaches only its caller's (see `db::tenant`).
async fn run(cli: Cli) -> anyhow::Result<()> {
    db::tenant::as_admin(command(cli)).await
}

async fn command(cli: Cli) -> anyhow::Result<()> {
    let config = cli.config;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(config).await,
        Command::Schema => {
            print!("{}", graphql::sdl());
            Ok(())
        }
        Command::Token(args) => print_token(&config, args),
        Command::Import(ImportCommand::Schools { file }) => {
            let bytes = std::fs::read(&file).with_context(|| format!("cannot read {file:?}"))?;
            let db = db::connect(&config).await?;
            println!("{}", import::gias::import_schools(&db, &bytes).await?);
            Ok(())
        }
        Command::Import(ImportCommand::Protocol { file, trust }) => {
            let bytes = std::fs::read(&file).with_context(|| format!("cannot read {file:?}"))?;
            let db = db::connect(&config).await?;
            println!(
                "{}",
                import::protocol::import_protocol(&db, &trust, &bytes).await?
            );
            Ok(())
        }
        Command::Import(ImportCommand::Ratings {
            file,
            trust,
            protocol,
        }) => {
            let bytes = std::fs::read(&file).with_context(|| format!("cannot read {file:?}"))?;
            let db = db::connect(&config).await?;
            let import = import::ratings::import_ratings(&db, &trust, &protocol, &bytes);
            println!("{}", import.await?);
            Ok(())
        }
        Command::Seed(SeedCommand::Demo) => {
            let db = db::connect(&config).await?;
            println!("{}", demo::load(&db).await?);
            Ok(())
        }
        Command::Seed(SeedCommand::Synthetic(args)) => {
            let (db, size) = (db::connect(&config).await?, args.size());
            let loaded = demo::synthetic::seed_reporting(&db, &size, |t| {
                println!(
                    "trust {} ({} of {}): {} schools, {} walks, {} ratings; {:.1} s so far",
                    t.uid, t.number, t.of, t.schools, t.walks, t.ratings, t.seconds
                );
            });
            println!("{}", loaded.await?);
            Ok(())
        }
    }
}

fn print_token(config: &Config, args: TokenArgs) -> anyhow::Result<()> {
    let roles = args
        .roles
        .iter()
        .map(|name| Role::parse(name).with_context(|| format!("unknown role {name:?}")))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let schools = (!args.schools.is_empty()).then_some(args.schools);
    let keys = AuthKeys::signer(&config.auth)?;
    let token = keys.issue(&args.sub, &args.trust, roles, schools, args.hours)?;
    println!("{token}");
    Ok(())
}

async fn serve(config: Config) -> anyhow::Result<()> {
    // Keys first: a server that cannot check tokens writes nothing.
    let keys = AuthKeys::from_config(&config.auth, config.limits.production).await?;
    let db = db::connect(&config).await?;
    load_demo_if_empty(&config, &db).await?;

    let generated = keys.generated();
    let sample_token = if generated {
        sample_token(&db, &keys).await?
    } else {
        None
    };

    let listener = tokio::net::TcpListener::bind(config.listen_addr)
        .await
        .with_context(|| format!("cannot listen on {}", config.listen_addr))?;
    let address = listener.local_addr()?;
    tracing::info!(listen.addr = %address, "serving");
    println!("GraphiQL: http://{address}/graphql");
    if generated {
        println!(
            "No token keys are configured: this development server checks HS256 tokens \
             with a random secret made for this process only."
        );
        match sample_token {
            Some((uid, token)) => {
                println!("A trust_leader token for trust {uid}, valid 12 hours:\n{token}")
            }
            None => println!("No trust is loaded yet; import schools to get a token."),
        }
    }
    let state = AppState::new(db, keys, config.limits.clone())
        .with_metrics_token(config.metrics_token.as_deref());
    let serving = startup::Serving {
        drain: std::time::Duration::from_secs(config.shutdown_grace),
        header_read: std::time::Duration::from_secs(config.header_read_timeout),
        notice: std::time::Duration::from_secs(config.shutdown_notice),
        ready: Some(state.ready.clone()),
    };
    let app = startup::app(state);
    startup::serve_with(listener, app, startup::shutdown_signal(), serving).await?;
    Ok(())
}

/// On the embedded SQLite store, an empty database gets the demo, except
/// in production mode.
async fn load_demo_if_empty(config: &Config, db: &DatabaseConnection) -> anyhow::Result<()> {
    let is_sqlite = db.get_database_backend() == DatabaseBackend::Sqlite;
    let skip = config.no_demo || config.limits.production || !is_sqlite;
    if skip || trust::Entity::find().count(db).await? > 0 {
        return Ok(());
    }
    let loaded = demo::load(db).await?;
    tracing::info!("{loaded}");
    println!("Loaded the demo: {loaded}");
    Ok(())
}

/// A token for the first trust, printed when the server made up its secret.
async fn sample_token(
    db: &DatabaseConnection,
    keys: &AuthKeys,
) -> anyhow::Result<Option<(String, String)>> {
    let first = trust::Entity::find()
        .order_by_asc(trust::Column::Uid)
        .one(db)
        .await?;
    let Some(first) = first else { return Ok(None) };
    let token = keys.issue("local-user", &first.uid, vec![Role::TrustLeader], None, 12)?;
    Ok(Some((first.uid, token)))
}
