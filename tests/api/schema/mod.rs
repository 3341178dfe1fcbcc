//! The checked-in SDL is the SDL the code produces, and it breaks no client
//! of the last release unless the change log says so.

mod compat;

fn read(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_default()
}

#[test]
fn schema_graphql_matches_the_code() {
    assert!(
        read("schema.graphql") == api::graphql::sdl(),
        "schema.graphql is stale: regenerate it with `cargo run -p api -- schema > schema.graphql`"
    );
}

/// The change log's section for changes not yet released.
fn unreleased(changelog: &str) -> &str {
    let start = changelog
        .find("## Unreleased")
        .expect("CHANGELOG.md has ## Unreleased");
    let rest = &changelog[start + 2..];
    let end = rest.find("\n## ").map_or(rest.len(), |i| i);
    &rest[..end]
}

#[test]
fn every_breaking_change_since_the_release_is_in_the_change_log() {
    let released = read("docs/schema-released.graphql");
    assert!(
        !released.is_empty(),
        "docs/schema-released.graphql is missing"
    );
    let changelog = read("CHANGELOG.md");
    let listed = unreleased(&changelog);
    let missing: Vec<String> = compat::breaking(&released, &api::graphql::sdl())
        .into_iter()
        .filter(|(at, _)| !listed.contains(&format!("`{at}`")))
        .map(|(at, what)| format!("{at}: {what}"))
        .collect();
    assert!(
        missing.is_empty(),
        "breaking changes not listed under ## Unreleased in CHANGELOG.md:\n{}",
        missing.join("\n")
    );
}

#[test]
fn every_deprecation_gives_a_reason_and_a_removal_date() {
    let sdl = api::graphql::sdl();
    let reasons: Vec<&str> = sdl
        .lines()
        .filter(|line| line.contains("@deprecated") && !line.starts_with("directive"))
        .collect();
    assert!(!reasons.is_empty(), "the check has something to check");
    for line in reasons {
        assert!(
            line.contains("@deprecated(reason: \"") && line.contains("Removed after 20"),
            "a deprecation needs a reason naming what to use and a removal date: {line}"
        );
    }
}
