//! The checked-in SDL is the SDL the code produces.

#[test]
fn schema_graphql_matches_the_code() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../schema.graphql");
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        checked_in == api::graphql::sdl(),
        "schema.graphql is stale: regenerate it with `cargo run -p api -- schema > schema.graphql`"
    );
}
