//! Which keys a server takes, as configured: HS256 only when a secret is
//! set, none at all refused in production, and claim names as an identity
//! provider emits them.

use api::auth::AuthKeys;
use api::config::Cli;
use clap::Parser;
use jsonwebtoken::{Algorithm, EncodingKey};
use serde_json::{Value, json};

use super::{JwksFile, ask, claims, jwk, private, refused, rs256, sign, usual_keys, viewer};
use crate::helpers::{SECRET, Store, run_with};

/// Builds the keys as `main` does, from these flags.
async fn keys(args: &[&str]) -> anyhow::Result<AuthKeys> {
    let cli = Cli::parse_from(["api"].iter().chain(args));
    AuthKeys::from_config(&cli.config.auth, cli.config.limits.production).await
}

fn error(result: anyhow::Result<AuthKeys>) -> String {
    format!("{:#}", result.err().expect("an error"))
}

#[tokio::test]
async fn production_without_keys_refuses_to_start_and_development_makes_a_secret() {
    assert_eq!(
        error(keys(&["--production"]).await),
        "PRODUCTION is set but no token keys are: set JWT_JWKS_URL or JWT_JWKS_FILE \
         (or JWT_SECRET for HS256)"
    );
    assert!(keys(&[]).await.unwrap().generated());
    let secret = std::str::from_utf8(SECRET).unwrap();
    let configured = keys(&["--production", "--jwt-secret", secret])
        .await
        .unwrap();
    assert!(!configured.generated());
}

#[tokio::test]
async fn a_key_set_without_usable_keys_or_a_bad_source_stops_start_up() {
    let weak = json!({ "keys": [
        { "kty": "oct", "k": "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LTEyMzQ", "kid": "shared" },
        { "kty": "RSA", "n": "sXch", "e": "AQAB", "kid": "tiny" },
        jwk("rsa-1", "", Some("RS256")),
        jwk("rsa-1", "wrong-alg", Some("ES256")),
        jwk("ec-1", "ec-as-rsa", Some("RS256")),
        { "kty": "RSA", "use": "enc", "n": jwk("rsa-1", "x", None)["n"], "e": "AQAB", "kid": "enc" },
    ] });
    let file = JwksFile::new(&weak);
    let path = file.path.to_str().unwrap();
    let message = error(keys(&["--jwt-jwks-file", path]).await);
    assert_eq!(
        message,
        format!("the key set at {path} has no usable signing key")
    );

    file.write(&json!({ "not": "a key set" }));
    let message = error(keys(&["--jwt-jwks-file", path]).await);
    assert_eq!(
        message,
        format!("cannot read the key set {path}: not a JSON Web Key Set: no \"keys\" list")
    );

    let both = [
        "--jwt-jwks-file",
        path,
        "--jwt-jwks-url",
        "https://127.0.0.1:1/jwks",
    ];
    assert_eq!(
        error(keys(&both).await),
        "set JWT_JWKS_FILE or JWT_JWKS_URL, not both"
    );
    assert_eq!(
        error(keys(&["--jwt-jwks-url", "ftp://127.0.0.1/jwks.json"]).await),
        "JWT_JWKS_URL must use https (http only on a loopback host)"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hs256_is_taken_only_beside_a_configured_secret() {
    let file = JwksFile::new(&usual_keys());
    let path = file.path.to_str().unwrap().to_owned();
    let secret = std::str::from_utf8(SECRET).unwrap();
    let args = ["--jwt-jwks-file", &path, "--jwt-secret", secret];
    run_with(Store::Sqlite, &args, |app| async move {
        app.create_trust("2516").await;
        let hs256 = sign(
            Algorithm::HS256,
            None,
            &EncodingKey::from_secret(SECRET).unwrap(),
            &claims(|_| {}),
        );
        assert_eq!(ask(&app, &hs256).await, viewer());
        assert_eq!(ask(&app, &rs256(&claims(|_| {}))).await, viewer());
        // A kid sends the token to the key set, where HS256 has no key.
        let named = sign(
            Algorithm::HS256,
            Some("rsa-1"),
            &EncodingKey::from_secret(SECRET).unwrap(),
            &claims(|_| {}),
        );
        assert_eq!(ask(&app, &named).await, refused());
        // Without a kid the token goes to the secret, where RS256 has no place.
        let unnamed = sign(Algorithm::RS256, None, &private("rsa-1"), &claims(|_| {}));
        assert_eq!(ask(&app, &unnamed).await, refused());
    })
    .await;
    // With the secret alone, a token naming a kid is refused all the same:
    // the secret checks only tokens without one.
    run_with(Store::Sqlite, &["--jwt-secret", secret], |app| async move {
        app.create_trust("2516").await;
        let key = EncodingKey::from_secret(SECRET).unwrap();
        let plain = sign(Algorithm::HS256, None, &key, &claims(|_| {}));
        assert_eq!(ask(&app, &plain).await, viewer());
        let named = sign(Algorithm::HS256, Some("abc"), &key, &claims(|_| {}));
        assert_eq!(ask(&app, &named).await, refused());
    })
    .await;
}

const TRUST: &str = "https://walks.example.org/trust";
const ROLES: &str = "https://walks.example.org/roles";
const SCHOOLS: &str = "https://walks.example.org/schools";

/// Claims of an Auth0 access token with the Action of the README: the
/// scope namespaced, beside Auth0's own claims, and no `nbf`.
fn namespaced(schools: Option<Vec<i32>>) -> Value {
    let mut claims = claims(|c| {
        let c = c.as_object_mut().unwrap();
        for plain in ["trust", "roles", "nbf"] {
            c.remove(plain);
        }
        c.insert("sub".into(), json!("auth0|64f1c0ffee"));
        c.insert("azp".into(), json!("a1b2c3"));
        c.insert("scope".into(), json!("openid profile"));
    });
    claims[TRUST] = json!("2516");
    claims[ROLES] = json!(["school_leader"]);
    if let Some(schools) = schools {
        claims[SCHOOLS] = json!(schools);
    }
    claims
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn namespaced_claims_work_when_configured_and_not_otherwise() {
    let file = JwksFile::new(&usual_keys());
    let path = file.path.to_str().unwrap().to_owned();
    let names = ["--jwt-claim-trust", TRUST, "--jwt-claim-roles", ROLES];
    let configured: Vec<&str> = [
        "--jwt-jwks-file",
        path.as_str(),
        "--jwt-claim-schools",
        SCHOOLS,
        "--jwt-require-nbf",
        "false",
    ]
    .into_iter()
    .chain(names)
    .collect();
    run_with(Store::Sqlite, &configured, |app| async move {
        app.import_schools().await;
        let token = rs256(&namespaced(Some(vec![137106])));
        let viewer = json!({ "subject": "auth0|64f1c0ffee", "trustUid": "2516",
                             "schoolUrns": [137106], "roles": ["SCHOOL_LEADER"] });
        assert_eq!(
            ask(&app, &token).await,
            (200, json!({ "data": { "viewer": viewer } }))
        );
        // The plain names mean nothing now.
        let plain = claims(|c| {
            c.as_object_mut().unwrap().remove("nbf");
        });
        assert_eq!(ask(&app, &rs256(&plain)).await, refused());
        // A namespaced school of another trust is refused like any other.
        let elsewhere = rs256(&namespaced(Some(vec![137106, 142070])));
        assert_eq!(ask(&app, &elsewhere).await, refused());
        // Without nbf, iat stands in: one in the future, or none, is refused.
        let later = chrono::Utc::now().timestamp() + 120;
        let future = namespaced(None);
        let mut future = future.as_object().unwrap().clone();
        future.insert("iat".into(), json!(later));
        assert_eq!(ask(&app, &rs256(&json!(future))).await, refused());
        future.remove("iat");
        assert_eq!(ask(&app, &rs256(&json!(future))).await, refused());
    })
    .await;

    // By default the names are plain and nbf is required: refused for the
    // names alone, nbf given.
    let plain = ["--jwt-jwks-file", path.as_str()];
    run_with(Store::Sqlite, &plain, |app| async move {
        app.import_schools().await;
        let mut token = namespaced(None);
        token["nbf"] = token["iat"].clone();
        assert_eq!(ask(&app, &rs256(&token)).await, refused());
        token["trust"] = json!("2516");
        token["roles"] = json!(["school_leader"]);
        let viewer = json!({ "subject": "auth0|64f1c0ffee", "trustUid": "2516",
                             "schoolUrns": null, "roles": ["SCHOOL_LEADER"] });
        let answer = (200, json!({ "data": { "viewer": viewer } }));
        assert_eq!(ask(&app, &rs256(&token)).await, answer);
    })
    .await;
}
