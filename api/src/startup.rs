//! Assembling the service from its parts. `main` and the tests both call
//! these, with dependencies passed in; nothing here reads the environment.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use sea_orm::DatabaseConnection;
use tokio::net::TcpListener;
use tower::ServiceExt;
use tower_http::timeout::TimeoutBody;

use crate::auth::AuthKeys;
use crate::config::Limits;
use crate::graphql::rate::RateLimiter;
use crate::graphql::{Schemas, build_schemas, rate_limiter};

/// What every request handler shares.
#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub schema: Schemas,
    /// Each token subject's query-cost budget, shared with the schema.
    pub rate: Arc<RateLimiter>,
    pub keys: Arc<AuthKeys>,
    pub limits: Limits,
    /// Automatic persisted queries, shared by the service's requests.
    pub persisted: Arc<crate::http::persisted::PersistedQueries>,
    /// False once shutdown has begun: `/health` then answers 503, so a
    /// load balancer stops sending requests before connections close.
    pub ready: Arc<AtomicBool>,
    /// Request counts, latencies, error codes: what `/metrics` serves.
    pub observe: Arc<crate::observe::Metrics>,
    /// Scopes found to hold a moment ago.
    pub held: Arc<crate::auth::HeldScopes>,
}

impl AppState {
    pub fn new(db: DatabaseConnection, keys: AuthKeys, limits: Limits) -> AppState {
        let rate = rate_limiter(&limits);
        let schema = build_schemas(db.clone(), &limits, rate.clone());
        let held = crate::auth::HeldScopes::new(limits.scope_check_seconds);
        AppState {
            db,
            schema,
            rate,
            keys: Arc::new(keys),
            limits,
            persisted: Arc::default(),
            ready: Arc::new(AtomicBool::new(true)),
            observe: Arc::new(crate::observe::Metrics::new(None)),
            held: Arc::new(held),
        }
    }

    /// `/metrics` answers only requests bearing `token`, when given.
    pub fn with_metrics_token(mut self, token: Option<&str>) -> AppState {
        self.observe = Arc::new(crate::observe::Metrics::new(token));
        self
    }
}

/// The HTTP application: routes and layers.
pub fn app(state: AppState) -> Router {
    crate::http::router(state)
}

/// How long a client has to send a request's headers before its
/// connection is closed, unless the caller says otherwise.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// Serves `app` on `listener` until `shutdown` completes, then lets
/// requests in flight finish for up to `drain` before closing the rest.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
    drain: Duration,
) -> std::io::Result<()> {
    let serving = Serving {
        drain,
        header_read: HEADER_READ_TIMEOUT,
        notice: Duration::ZERO,
        ready: None,
    };
    serve_with(listener, app, shutdown, serving).await
}

/// How the server stops, and how long a client may take over headers.
#[derive(Debug, Clone)]
pub struct Serving {
    /// Requests in flight get this long to finish once accepting stops.
    pub drain: Duration,
    /// A connection that has not sent a request's headers within this is
    /// closed, and a request whose body pauses this long is refused, so
    /// slow clients cannot hold connections open.
    pub header_read: Duration,
    /// After the shutdown signal, `ready` turns false and the server goes
    /// on serving for this long before it stops accepting.
    pub notice: Duration,
    pub ready: Option<Arc<AtomicBool>>,
}

/// Like [`serve`], with every setting given.
pub async fn serve_with(
    listener: TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
    serving: Serving,
) -> std::io::Result<()> {
    let Serving {
        drain,
        header_read,
        notice,
        ready,
    } = serving;
    let shutdown = async move {
        shutdown.await;
        if let Some(ready) = ready {
            ready.store(false, Ordering::SeqCst);
        }
        tokio::time::sleep(notice).await;
    };
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, _) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(err) => {
                    // Out of file descriptors, say: wait a moment and go on.
                    tracing::warn!(error = %err, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // A body that stops arriving for as long as headers may take is
        // cut off, so a client cannot hold a connection by stalling there.
        let service = app
            .clone()
            .map_request(move |request: hyper::Request<Incoming>| {
                request.map(|body| Body::new(TimeoutBody::new(header_read, body)))
            });
        let connection = http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(header_read)
            .serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(err) = connection.await {
                tracing::debug!(error = %err, "connection ended with an error");
            }
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => Ok(()),
        () = tokio::time::sleep(drain) => {
            tracing::warn!(drain.secs = drain.as_secs(), "closing connections still open");
            Ok(())
        }
    }
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(err) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %err, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(err) => {
                tracing::error!(error = %err, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down");
}
