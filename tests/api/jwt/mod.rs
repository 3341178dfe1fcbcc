//! The JWT attack suite: tokens forged, bent, stale or oversized, sent over
//! HTTP to a server that checks RS256 and ES256 keys from a JWKS file or
//! URL. The keys are the test-only ones in `test-keys/`.

mod attacks;
mod claims;
mod rotation;
mod server;

use std::path::PathBuf;

use base64::Engine;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

use crate::helpers::tempdir::Dir;
use crate::helpers::{Store, TestApp, run_with};

pub const VIEWER: &str = "{ viewer { subject trustUid schoolUrns roles } }";

/// The one answer every refused token gets.
pub fn refused() -> (u16, Value) {
    let body = json!({ "errors": [{ "message": "a valid bearer token is required",
                                    "extensions": { "code": "UNAUTHENTICATED" } }] });
    (401, body)
}

/// What `VIEWER` answers for a token of `claims()` unchanged.
pub fn viewer() -> (u16, Value) {
    let viewer = json!({ "subject": "partner-7", "trustUid": "2516", "schoolUrns": null,
                         "roles": ["PARTNER"] });
    (200, json!({ "data": { "viewer": viewer } }))
}

fn key_file(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("api/jwt/test-keys")
        .join(name)
}

/// The DER inside a PEM file.
fn der(name: &str) -> Vec<u8> {
    let pem = std::fs::read_to_string(key_file(name)).unwrap();
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    base64::engine::general_purpose::STANDARD
        .decode(body)
        .unwrap()
}

/// The private key `name` (`rsa-1`, `rsa-2` or `ec-1`).
pub fn private(name: &str) -> EncodingKey {
    let der = der(&format!("{name}.test-only.pem"));
    match name.starts_with("ec") {
        true => EncodingKey::from_ec_der(&der),
        false => EncodingKey::from_rsa_der(&der),
    }
}

/// The public JWK of key `name` under `kid`, naming `alg` when given.
pub fn jwk(name: &str, kid: &str, alg: Option<&str>) -> Value {
    let all = std::fs::read(key_file("public-jwks.test-only.json")).unwrap();
    let all: Value = serde_json::from_slice(&all).unwrap();
    let mut jwk = all[name].clone();
    jwk["kid"] = json!(kid);
    jwk["use"] = json!("sig");
    if let Some(alg) = alg {
        jwk["alg"] = json!(alg);
    }
    jwk
}

/// The usual key set: `rsa-1` (RS256) and `ec-1` (ES256).
pub fn usual_keys() -> Value {
    json!({ "keys": [jwk("rsa-1", "rsa-1", Some("RS256")), jwk("ec-1", "ec-1", Some("ES256"))] })
}

/// Valid claims of a partner of trust 2516, changed by `edit`.
pub fn claims(edit: impl FnOnce(&mut Value)) -> Value {
    let now = chrono::Utc::now().timestamp();
    let mut claims = json!({ "sub": "partner-7", "trust": "2516", "roles": ["partner"],
        "iss": "learning-walks", "aud": "learning-walks-api",
        "iat": now, "nbf": now, "exp": now + 600 });
    edit(&mut claims);
    claims
}

/// `claims` signed with `alg` by `key`, naming `kid` when given.
pub fn sign(alg: Algorithm, kid: Option<&str>, key: &EncodingKey, claims: &Value) -> String {
    let mut header = Header::new(alg);
    header.kid = kid.map(str::to_owned);
    jsonwebtoken::encode(&header, claims, key).unwrap()
}

/// A good RS256 token by `rsa-1` with `claims`.
pub fn rs256(claims: &Value) -> String {
    sign(Algorithm::RS256, Some("rsa-1"), &private("rsa-1"), claims)
}

pub fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// A token put together by hand: any header, any signature.
pub fn forge(header: &Value, claims: &Value, signature: &[u8]) -> String {
    let header = b64(header.to_string().as_bytes());
    let claims = b64(claims.to_string().as_bytes());
    format!("{header}.{claims}.{}", b64(signature))
}

/// `VIEWER` with `token`: the status and whole body.
pub async fn ask(app: &TestApp, token: &str) -> (u16, Value) {
    let (status, body) = app.post(token, VIEWER, json!({})).await;
    (status, crate::helpers::without_cost(body))
}

/// A JWKS file that tests rewrite while the server runs.
pub struct JwksFile {
    _dir: Dir,
    pub path: PathBuf,
}

impl JwksFile {
    pub fn new(keys: &Value) -> JwksFile {
        let dir = Dir::new();
        let file = JwksFile {
            path: dir.0.join("jwks.json"),
            _dir: dir,
        };
        file.write(keys);
        file
    }

    pub fn write(&self, keys: &Value) {
        write_keys(&self.path, keys);
    }
}

/// Replaces the key set file whole, as a deploy would (write, then rename).
pub fn write_keys(path: &std::path::Path, keys: &Value) {
    let next = path.with_extension("next");
    std::fs::write(&next, keys.to_string()).unwrap();
    std::fs::rename(&next, path).unwrap();
}

/// Runs `test` on SQLite against an app checking tokens with the key set
/// in `file` and `args`, trust 2516 created.
pub async fn with_file<F, Fut>(file: &JwksFile, args: &[&str], test: F)
where
    F: FnOnce(TestApp) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let path = file.path.to_str().unwrap();
    let mut all = vec!["--jwt-jwks-file", path];
    all.extend(args);
    run_with(Store::Sqlite, &all, |app| async move {
        app.create_trust("2516").await;
        test(app).await;
    })
    .await;
}
