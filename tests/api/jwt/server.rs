//! A key set served over HTTP on 127.0.0.1, as an identity provider would,
//! counting how often it is fetched and failing on request.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::Value;

#[derive(Default)]
struct Shared {
    keys: Mutex<Value>,
    fetches: AtomicUsize,
    failing: AtomicBool,
}

/// The server; it stops with the test's runtime.
pub struct JwksServer {
    shared: Arc<Shared>,
    pub url: String,
}

impl JwksServer {
    pub async fn start(keys: &Value) -> JwksServer {
        let shared = Arc::new(Shared::default());
        *shared.keys.lock().unwrap() = keys.clone();
        let state = shared.clone();
        let router = Router::new().route(
            "/.well-known/jwks.json",
            get(move || {
                let state = state.clone();
                async move { serve(&state) }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!(
            "http://{}/.well-known/jwks.json",
            listener.local_addr().unwrap()
        );
        tokio::spawn(async move { axum::serve(listener, router).await });
        JwksServer { shared, url }
    }

    /// Serves `keys` from now on.
    pub fn set(&self, keys: &Value) {
        *self.shared.keys.lock().unwrap() = keys.clone();
    }

    /// Answers 503 from now on (or again serves keys).
    pub fn fail(&self, failing: bool) {
        self.shared.failing.store(failing, Ordering::SeqCst);
    }

    /// How many times the key set has been asked for.
    pub fn fetches(&self) -> usize {
        self.shared.fetches.load(Ordering::SeqCst)
    }
}

fn serve(shared: &Shared) -> Response {
    shared.fetches.fetch_add(1, Ordering::SeqCst);
    if shared.failing.load(Ordering::SeqCst) {
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    }
    let keys = shared.keys.lock().unwrap().clone();
    axum::Json(keys).into_response()
}
