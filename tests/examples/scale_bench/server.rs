//! The two services of the bench: the release binary the load tools drive,
//! and an in-process one that records the SQL each request issues.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context, Result, ensure};
use api::auth::{AuthKeys, Role};
use api::startup::{self, AppState};
use sea_orm::DatabaseConnection;
use serde_json::Value;

/// Settings both services share: no rate limit (the bench is one subject
/// sending as fast as it can) and no kept reports, unless asked for.
pub fn settings(url: &str, secret: &str, kept_reports: bool) -> Vec<String> {
    let kept = if kept_reports { "128" } else { "0" };
    [
        "--database-url",
        url,
        "--no-demo",
        "--jwt-secret",
        secret,
        "--rate-limit-per-minute",
        "1000000000000",
        "--report-cache-entries",
        kept,
        "--max-import-bytes",
        "1073741824",
    ]
    .map(str::to_owned)
    .to_vec()
}

/// The release binary serving on a loopback port the system picks.
pub struct Served {
    child: Child,
    pub endpoint: String,
}

impl Served {
    pub fn start(binary: &Path, args: &[String]) -> Result<Served> {
        let mut child = Command::new(binary)
            .args(args)
            .env("LISTEN_ADDR", "127.0.0.1:0")
            // The importer's phases, printed below; requests stay at INFO.
            .env("RUST_LOG", "info,api::import=debug")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| format!("cannot start {}", binary.display()))?;
        let stdout = child.stdout.take().context("no stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let endpoint = loop {
            let line = lines
                .next()
                .context("the server stopped before serving")??;
            if let Some(url) = line.strip_prefix("GraphiQL: ") {
                break url.trim().to_owned();
            }
        };
        // Its request log goes on being written; read it so it never blocks,
        // and show where each import's time went.
        std::thread::spawn(move || {
            for line in lines.map_while(Result::ok) {
                if line.contains("ratings imported") {
                    println!("server: {line}");
                }
            }
        });
        Ok(Served { child, endpoint })
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// `/import/ratings` on the same server.
    pub fn import_url(&self) -> String {
        self.endpoint
            .replace("/graphql", "/import/ratings?protocolKey=trust-core")
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The in-process service, and the statements recorded while it listens.
#[derive(Clone)]
pub struct Recorder {
    client: reqwest::Client,
    pub endpoint: String,
    pub token: String,
    listening: Arc<AtomicBool>,
    heard: Arc<Mutex<Vec<String>>>,
}

impl Recorder {
    /// Serves `db` in-process with a trust leader's token of `trust`.
    pub async fn start(
        mut db: DatabaseConnection,
        keys: AuthKeys,
        limits: api::config::Limits,
        trust: &str,
    ) -> Result<Recorder> {
        let listening = Arc::new(AtomicBool::new(false));
        let heard = Arc::new(Mutex::new(Vec::new()));
        let (on, log) = (listening.clone(), heard.clone());
        db.set_metric_callback(move |info| {
            if on.load(Ordering::SeqCst) {
                let sql = info.statement.to_string();
                log.lock().unwrap_or_else(|e| e.into_inner()).push(sql);
            }
        });
        let token = keys.issue("scale-bench", trust, vec![Role::TrustLeader], None, 4)?;
        let state = AppState::new(db, keys, limits);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let endpoint = format!("http://{}/graphql", listener.local_addr()?);
        let drain = Duration::from_secs(1);
        let app = startup::app(state);
        tokio::spawn(startup::serve(listener, app, std::future::pending(), drain));
        Ok(Recorder {
            client: reqwest::Client::new(),
            endpoint,
            token,
            listening,
            heard,
        })
    }

    /// Posts a GraphQL body to `endpoint`; fails on any error in the answer.
    pub async fn post(&self, endpoint: &str, body: &Value) -> Result<Value> {
        let request = self.client.post(endpoint).bearer_auth(&self.token);
        let value: Value = request.json(body).send().await?.json().await?;
        ensure!(value.get("errors").is_none(), "request failed: {value}");
        Ok(value)
    }

    /// Posts a ratings file to an `/import/ratings` address.
    pub async fn import(&self, url: &str, csv: &str) -> Result<Value> {
        let request = self.client.post(url).bearer_auth(&self.token);
        let request = request.header("content-type", "text/csv");
        let response = request.body(csv.to_owned()).send().await?;
        let status = response.status();
        let value: Value = response.json().await?;
        ensure!(status.is_success(), "import failed ({status}): {value}");
        Ok(value)
    }

    /// The answer to `body` from the in-process service, and every SQL
    /// statement it ran for it, values written in. It is asked once before,
    /// unrecorded, so what is recorded is what a client repeating it gets:
    /// without the token's scope check, which runs once in a while.
    pub async fn record(&self, body: &Value) -> Result<(Value, Vec<String>)> {
        self.post(&self.endpoint, body).await?;
        self.heard.lock().unwrap_or_else(|e| e.into_inner()).clear();
        self.listening.store(true, Ordering::SeqCst);
        let answer = self.post(&self.endpoint, body).await;
        self.listening.store(false, Ordering::SeqCst);
        Ok((answer?, self.take()))
    }

    /// Records the statements of an import through the in-process service.
    pub async fn record_import(&self, csv: &str) -> Result<(Value, Vec<String>)> {
        self.heard.lock().unwrap_or_else(|e| e.into_inner()).clear();
        self.listening.store(true, Ordering::SeqCst);
        let url = self
            .endpoint
            .replace("/graphql", "/import/ratings?protocolKey=trust-core");
        let answer = self.import(&url, csv).await;
        self.listening.store(false, Ordering::SeqCst);
        Ok((answer?, self.take()))
    }

    fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.heard.lock().unwrap_or_else(|e| e.into_inner()))
    }
}
