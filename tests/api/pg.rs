//! The PostgreSQL server the tests make their databases on.

/// The PostgreSQL server for tests, from `TEST_DATABASE_URL`. Without it the
/// PostgreSQL variants are skipped, except under CI where that is an error.
pub fn postgres_admin_url() -> Option<String> {
    match std::env::var("TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var("CI").is_ok() => panic!("TEST_DATABASE_URL must be set under CI"),
        _ => {
            eprintln!("skipped: TEST_DATABASE_URL is not set");
            None
        }
    }
}

/// `url` with its database replaced by `name`.
pub fn with_database(url: &str, name: &str) -> String {
    let mut parsed = url::Url::parse(url).expect("TEST_DATABASE_URL is a URL");
    parsed.set_path(&format!("/{name}"));
    parsed.to_string()
}
