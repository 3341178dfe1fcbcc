//! The key set's source (a file or a URL) and the keys last read from it,
//! re-read when they grow old or a token names a `kid` they lack — never
//! more often than the minimum interval, however many tokens ask.

use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use anyhow::Context;
use url::Url;

use super::keyset::{KeySet, VerifyingKey};

/// Largest key set document read, in bytes.
const MAX_JWKS_BYTES: usize = 1024 * 1024;

/// How long one fetch of a key set URL may take.
const FETCH_TIMEOUT: Duration = Duration::from_secs(5);

/// Where the key set lives.
enum Source {
    File(PathBuf),
    Url(Url, reqwest::Client),
}

/// A key set that keeps itself current.
pub struct Jwks {
    source: Source,
    current: RwLock<Arc<KeySet>>,
    /// When the source was last read (or tried); held while reading it.
    last_read: tokio::sync::Mutex<Instant>,
    max_age: Duration,
    min_refresh: Duration,
}

impl Jwks {
    /// Reads the key set from a file.
    pub async fn file(
        path: PathBuf,
        max_age: Duration,
        min_refresh: Duration,
    ) -> anyhow::Result<Jwks> {
        Jwks::load(Source::File(path), max_age, min_refresh).await
    }

    /// Fetches the key set from a URL: `https`, or `http` on a loopback host.
    pub async fn url(url: &str, max_age: Duration, min_refresh: Duration) -> anyhow::Result<Jwks> {
        let url = Url::parse(url).with_context(|| format!("JWT_JWKS_URL {url:?} is not a URL"))?;
        let loopback = match url.host() {
            Some(url::Host::Domain(name)) => name == "localhost",
            Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
            Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
            None => false,
        };
        let allowed = url.scheme() == "https" || (url.scheme() == "http" && loopback);
        anyhow::ensure!(
            allowed,
            "JWT_JWKS_URL must use https (http only on a loopback host)"
        );
        let client = reqwest::Client::builder()
            .timeout(FETCH_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        Jwks::load(Source::Url(url, client), max_age, min_refresh).await
    }

    async fn load(
        source: Source,
        max_age: Duration,
        min_refresh: Duration,
    ) -> anyhow::Result<Jwks> {
        let set = source.read().await?;
        anyhow::ensure!(
            !set.keys.is_empty(),
            "the key set at {} has no usable signing key",
            source.describe()
        );
        tracing::info!(
            jwks.keys = set.keys.len(),
            jwks.source = source.describe(),
            "key set read"
        );
        Ok(Jwks {
            source,
            current: RwLock::new(Arc::new(set)),
            last_read: tokio::sync::Mutex::new(Instant::now()),
            max_age,
            min_refresh,
        })
    }

    fn current(&self) -> Arc<KeySet> {
        match self.current.read() {
            Ok(set) => set.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// The key named `kid`, re-reading the set first when it is old, or
    /// when it lacks `kid` and was not read within the minimum interval.
    pub async fn key(&self, kid: &str) -> Option<Arc<VerifyingKey>> {
        if self.current().read_at.elapsed() >= self.max_age {
            // One request re-reads an old set; the others go on with it.
            if let Ok(mut last_read) = self.last_read.try_lock()
                && self.current().read_at.elapsed() >= self.max_age
            {
                self.refresh(&mut last_read).await;
            }
        }
        if let Some(key) = self.current().keys.get(kid) {
            return Some(key.clone());
        }

        let mut last_read = self.last_read.lock().await;
        if let Some(key) = self.current().keys.get(kid) {
            return Some(key.clone());
        }
        self.refresh(&mut last_read).await;
        self.current().keys.get(kid).cloned()
    }

    /// Reads the source unless it was read within the minimum interval.
    /// A read that fails keeps the keys already held.
    async fn refresh(&self, last_read: &mut Instant) {
        if last_read.elapsed() < self.min_refresh {
            return;
        }
        *last_read = Instant::now();
        match self.source.read().await {
            Ok(set) => {
                tracing::info!(jwks.keys = set.keys.len(), "key set re-read");
                let set = Arc::new(set);
                match self.current.write() {
                    Ok(mut current) => *current = set,
                    Err(poisoned) => *poisoned.into_inner() = set,
                }
            }
            // TODO: keys are kept however long the source stays unreadable;
            // a cap on their age would trade availability for revocation.
            Err(err) => tracing::warn!(error = format!("{err:#}"), "cannot re-read the key set"),
        }
    }
}

impl Source {
    fn describe(&self) -> String {
        match self {
            Source::File(path) => path.display().to_string(),
            Source::Url(url, _) => url.to_string(),
        }
    }

    async fn read(&self) -> anyhow::Result<KeySet> {
        let bytes = match self {
            Source::File(path) => read_file(path).await?,
            Source::Url(url, client) => fetch(client, url).await?,
        };
        KeySet::parse(&bytes)
            .with_context(|| format!("cannot read the key set {}", self.describe()))
    }
}

async fn read_file(path: &PathBuf) -> anyhow::Result<Vec<u8>> {
    let context = || format!("cannot read the key set file {}", path.display());
    let size = tokio::fs::metadata(path).await.with_context(context)?.len();
    anyhow::ensure!(
        size <= MAX_JWKS_BYTES as u64,
        "the key set file {} is too large",
        path.display()
    );
    tokio::fs::read(path).await.with_context(context)
}

async fn fetch(client: &reqwest::Client, url: &Url) -> anyhow::Result<Vec<u8>> {
    let context = || format!("cannot fetch the key set from {url}");
    let mut response = client.get(url.clone()).send().await.with_context(context)?;
    let status = response.status();
    anyhow::ensure!(
        status.is_success(),
        "the key set at {url} answered {status}"
    );
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.with_context(context)? {
        anyhow::ensure!(
            body.len() + chunk.len() <= MAX_JWKS_BYTES,
            "the key set at {url} is too large"
        );
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}
