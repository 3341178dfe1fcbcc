//! `TestApp`: the real service on a fresh database (a SQLite file or a new
//! PostgreSQL database), reached over HTTP.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use api::auth::{AuthKeys, Role};
use api::config::Cli;
use api::startup::{self, AppState};
use clap::Parser;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use serde_json::{Value, json};

/// The HS256 secret of every test app not started with `--jwt-…` keys.
pub const SECRET: &[u8] = b"test-secret-for-the-suite-only-0123456789";
pub const ISSUER: &str = "learning-walks";
pub const AUDIENCE: &str = "learning-walks-api";

/// Where a test's data lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Store {
    Sqlite,
    Postgres,
}

struct Inner {
    address: SocketAddr,
    db: DatabaseConnection,
    /// Signs HS256 test tokens, when the app takes them.
    signer: Option<AuthKeys>,
    /// The database's URL, for a second server on the same data.
    database_url: String,
    client: reqwest::Client,
    /// SQL statements the app has run so far.
    statements: Arc<AtomicUsize>,
    /// PostgreSQL: the admin URL and the test database's name, to drop it.
    postgres: Option<(String, String)>,
    /// SQLite: the file's directory, removed with the app.
    _dir: Option<tempdir::Dir>,
}

/// The running service and a client for it. Cheap to clone.
#[derive(Clone)]
pub struct TestApp(Arc<Inner>);

/// Runs `test` against a fresh app on `store`, then removes its database.
pub async fn run<F, Fut>(store: Store, test: F)
where
    F: FnOnce(TestApp) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    run_with(store, &[], test).await;
}

/// Like [`run`], with `args` added to the service's command line.
pub async fn run_with<F, Fut>(store: Store, args: &[&str], test: F)
where
    F: FnOnce(TestApp) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let Some(app) = TestApp::start(store, args).await else {
        return;
    };
    // The test itself reads and writes any trust's rows directly.
    let outcome = tokio::spawn(api::db::tenant::as_admin(test(app.clone()))).await;
    app.cleanup().await;
    if let Err(err) = outcome {
        std::panic::resume_unwind(err.into_panic());
    }
}

#[path = "tempdir.rs"]
pub mod tempdir;

#[path = "node.rs"]
pub mod node;

#[path = "pg.rs"]
mod pg;
use pg::{postgres_admin_url, with_database};

impl TestApp {
    async fn start(store: Store, args: &[&str]) -> Option<TestApp> {
        let (url, postgres, dir) = match store {
            Store::Sqlite => {
                let dir = tempdir::Dir::new();
                let url = format!("sqlite://{}?mode=rwc", dir.0.join("test.db").display());
                (url, None, Some(dir))
            }
            Store::Postgres => {
                let admin = postgres_admin_url()?;
                let name = format!("lw_test_{}", uuid::Uuid::new_v4().simple());
                let server = Database::connect(&admin)
                    .await
                    .expect("connect to PostgreSQL");
                server
                    .execute_unprepared(&format!("CREATE DATABASE {name}"))
                    .await
                    .expect("create test database");
                server.close().await.expect("close admin connection");
                (with_database(&admin, &name), Some((admin, name)), None)
            }
        };

        let secret = std::str::from_utf8(SECRET).expect("ASCII secret");
        let sources = ["--jwt-secret", "--jwt-jwks-file", "--jwt-jwks-url"];
        let own_keys = args.iter().any(|arg| sources.contains(arg));
        let default_keys = ["--jwt-secret", secret];
        let base = ["api", "--database-url", &url, "--no-demo"];
        let keys = if own_keys { &[][..] } else { &default_keys[..] };
        let cli = Cli::parse_from(base.iter().chain(keys).chain(args));
        let mut db = api::db::connect(&cli.config)
            .await
            .expect("connect and migrate");
        let statements = Arc::new(AtomicUsize::new(0));
        let counter = statements.clone();
        db.set_metric_callback(move |_| {
            counter.fetch_add(1, Ordering::SeqCst);
        });
        let production = cli.config.limits.production;
        let keys = AuthKeys::from_config(&cli.config.auth, production).await;
        let state = AppState::new(db.clone(), keys.expect("keys"), cli.config.limits.clone())
            .with_metrics_token(cli.config.metrics_token.as_deref());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let address = listener.local_addr().expect("address");
        tokio::spawn(startup::serve(
            listener,
            startup::app(state),
            std::future::pending(),
            std::time::Duration::from_secs(1),
        ));

        Some(TestApp(Arc::new(Inner {
            address,
            db,
            signer: AuthKeys::signer(&cli.config.auth).ok(),
            database_url: url,
            client: reqwest::Client::new(),
            statements,
            postgres,
            _dir: dir,
        })))
    }

    async fn cleanup(self) {
        let inner = &self.0;
        let _ = inner.db.clone().close().await;
        if let Some((admin, name)) = &inner.postgres {
            let server = Database::connect(admin)
                .await
                .expect("connect to PostgreSQL");
            server
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .await
                .expect("drop test database");
            let _ = server.close().await;
        }
    }

    pub fn db(&self) -> &DatabaseConnection {
        &self.0.db
    }

    pub fn database_url(&self) -> &str {
        &self.0.database_url
    }

    /// How many SQL statements the app has run since it started.
    pub fn statements(&self) -> usize {
        self.0.statements.load(Ordering::SeqCst)
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.0.address)
    }

    pub fn client(&self) -> &reqwest::Client {
        &self.0.client
    }

    /// An HS256 token signed with the app's secret for `trust` with `roles`,
    /// limited to `schools` when given.
    pub fn token(&self, trust: &str, roles: &[Role], schools: Option<Vec<i32>>) -> String {
        self.token_for("tester", trust, roles, schools)
    }

    /// Like [`token`](Self::token), for the subject `sub`.
    pub fn token_for(
        &self,
        sub: &str,
        trust: &str,
        roles: &[Role],
        schools: Option<Vec<i32>>,
    ) -> String {
        let roles = roles.to_vec();
        let signer = self.0.signer.as_ref().expect("an app with an HS256 secret");
        signer
            .issue(sub, trust, roles, schools, 1)
            .expect("sign token")
    }

    /// A trust-wide trust leader's token.
    pub fn leader(&self, trust: &str) -> String {
        self.token(trust, &[Role::TrustLeader], None)
    }

    /// POSTs a GraphQL request and returns the status and the whole body.
    pub async fn post(&self, token: &str, query: &str, variables: Value) -> (u16, Value) {
        let response = self
            .client()
            .post(self.url("/graphql"))
            .bearer_auth(token)
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await
            .expect("request");
        let status = response.status().as_u16();
        (status, response.json().await.expect("JSON body"))
    }

    /// GETs `/graphql` with these query parameters and `Authorization`.
    pub async fn get(&self, authorization: &str, params: &[(&str, &str)]) -> reqwest::Response {
        let request = self.client().get(self.url("/graphql"));
        let request = request.header("authorization", authorization).query(params);
        request.send().await.expect("request")
    }

    /// POSTs a GraphQL request that must be answered with 200; the body.
    pub async fn graphql(&self, token: &str, query: &str, variables: Value) -> Value {
        let (status, body) = self.post(token, query, variables).await;
        assert_eq!(status, 200, "unexpected status; body: {body}");
        without_cost(body)
    }

    /// Like [`graphql`](Self::graphql) but the response must carry no error,
    /// top-level or in a mutation's `userErrors`; returns `data`.
    pub async fn data(&self, token: &str, query: &str, variables: Value) -> Value {
        let body = self.graphql(token, query, variables).await;
        assert!(body.get("errors").is_none(), "unexpected errors: {body}");
        let fields = body["data"].as_object().into_iter().flatten();
        let refused = fields.filter_map(|(_, payload)| payload["userErrors"].as_array());
        assert!(
            refused.flatten().next().is_none(),
            "unexpected userErrors: {body}"
        );
        body["data"].clone()
    }
}

/// The body without `extensions.cost`, which every executed request
/// carries (its own test checks it), so tests can compare whole bodies.
pub fn without_cost(mut body: Value) -> Value {
    if let Some(body) = body.as_object_mut() {
        let only_cost = (body.get("extensions").and_then(Value::as_object))
            .is_some_and(|e| e.len() == 1 && e.contains_key("cost"));
        if only_cost {
            body.remove("extensions");
        }
    }
    body
}

/// A file of the repository's `data/` folder.
pub fn data_file(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../data")
        .join(name)
}
