//! Assembling the service from its parts. `main` and the tests both call
//! these, with dependencies passed in; nothing here reads the environment.

use std::future::{Future, IntoFuture};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use sea_orm::DatabaseConnection;
use tokio::net::TcpListener;

use crate::auth::AuthKeys;
use crate::config::Limits;
use crate::graphql::{ApiSchema, build_schema};

/// What every request handler shares.
#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub schema: ApiSchema,
    pub keys: Arc<AuthKeys>,
    pub limits: Limits,
    /// Automatic persisted queries, shared by the service's requests.
    pub persisted: Arc<crate::http::persisted::PersistedQueries>,
}

impl AppState {
    pub fn new(db: DatabaseConnection, keys: AuthKeys, limits: Limits) -> AppState {
        let schema = build_schema(db.clone(), &limits);
        AppState {
            db,
            schema,
            keys: Arc::new(keys),
            limits,
            persisted: Arc::default(),
        }
    }
}

/// The HTTP application: routes and layers.
pub fn app(state: AppState) -> Router {
    crate::http::router(state)
}

/// Serves `app` on `listener` until `shutdown` completes, then lets
/// requests in flight finish for up to `drain` before closing the rest.
// TODO: no header or body read timeout yet, so a client that never finishes
// its request holds its connection until shutdown; axum::serve has no knob
// for it and a hyper-util accept loop belongs with the hostile-client work.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
    drain: Duration,
) -> std::io::Result<()> {
    let (stopping, mut stopped) = tokio::sync::watch::channel(false);
    let signal = async move {
        shutdown.await;
        let _ = stopping.send(true);
    };
    let server = axum::serve(listener, app).with_graceful_shutdown(signal);
    let deadline = async move {
        let _ = stopped.wait_for(|stopping| *stopping).await;
        tokio::time::sleep(drain).await;
    };
    tokio::select! {
        served = server.into_future() => served,
        () = deadline => {
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
