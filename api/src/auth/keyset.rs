//! A JSON Web Key Set turned into verifying keys by `kid`, each pinned to
//! the one algorithm its JWK allows.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use jsonwebtoken::jwk::{
    AlgorithmParameters, EllipticCurve, Jwk, KeyAlgorithm, PublicKeyUse, RSAKeyParameters,
};
use jsonwebtoken::{Algorithm, DecodingKey};
use serde_json::Value;

/// Smallest RSA modulus accepted, in bytes (2048 bits).
const MIN_RSA_BYTES: usize = 256;

/// A key that checks signatures of one algorithm only.
pub struct VerifyingKey {
    pub alg: Algorithm,
    pub key: DecodingKey,
}

/// The keys of one read of the key set.
pub struct KeySet {
    pub keys: HashMap<String, Arc<VerifyingKey>>,
    pub read_at: Instant,
}

impl KeySet {
    /// The signing keys of a JWKS document. Keys it cannot use (no `kid`,
    /// meant for encryption, an unsupported type, a weak RSA modulus, an
    /// `alg` that does not fit the key) are left out with a warning; a
    /// document that is not a key set at all is an error.
    pub fn parse(bytes: &[u8]) -> anyhow::Result<KeySet> {
        let document: Value = serde_json::from_slice(bytes)?;
        let Some(Value::Array(entries)) = document.get("keys") else {
            anyhow::bail!("not a JSON Web Key Set: no \"keys\" list");
        };
        let mut keys = HashMap::new();
        for entry in entries {
            let kid = entry.get("kid").and_then(Value::as_str).unwrap_or("");
            match verifying_key(entry) {
                Ok(key) if !kid.is_empty() => {
                    if keys.insert(kid.to_owned(), Arc::new(key)).is_some() {
                        tracing::warn!(jwk.kid = kid, "two keys share a kid; the last is used");
                    }
                }
                Ok(_) => tracing::warn!("a key without a kid is ignored"),
                Err(reason) => tracing::warn!(jwk.kid = kid, reason, "a key is ignored"),
            }
        }
        Ok(KeySet {
            keys,
            read_at: Instant::now(),
        })
    }
}

fn verifying_key(entry: &Value) -> Result<VerifyingKey, &'static str> {
    let jwk: Jwk = serde_json::from_value(entry.clone()).map_err(|_| "not a valid JWK")?;
    if matches!(jwk.common.public_key_use, Some(ref use_) if *use_ != PublicKeyUse::Signature) {
        return Err("not a signing key");
    }
    let alg = pinned_algorithm(&jwk)?;
    let key = DecodingKey::from_jwk(&jwk).map_err(|_| "key parameters do not decode")?;
    Ok(VerifyingKey { alg, key })
}

/// The one algorithm a key verifies: its `alg` when given, else the usual
/// one for its type. Shared secrets (`oct`) have no place in a key set.
fn pinned_algorithm(jwk: &Jwk) -> Result<Algorithm, &'static str> {
    use KeyAlgorithm as K;
    let named = jwk.common.key_algorithm;
    let alg = match &jwk.algorithm {
        AlgorithmParameters::RSA(rsa) => {
            check_modulus(rsa)?;
            match named {
                None => K::RS256,
                Some(a @ (K::RS256 | K::RS384 | K::RS512 | K::PS256 | K::PS384 | K::PS512)) => a,
                Some(_) => return Err("alg does not fit an RSA key"),
            }
        }
        AlgorithmParameters::EllipticCurve(ec) => match (&ec.curve, named) {
            (EllipticCurve::P256, None | Some(K::ES256)) => K::ES256,
            (EllipticCurve::P384, None | Some(K::ES384)) => K::ES384,
            _ => return Err("alg does not fit the EC key's curve"),
        },
        AlgorithmParameters::OctetKeyPair(okp) => match (&okp.curve, named) {
            (EllipticCurve::Ed25519, None | Some(K::EdDSA)) => K::EdDSA,
            _ => return Err("unsupported OKP key"),
        },
        AlgorithmParameters::OctetKey(_) => return Err("shared secrets are not taken from a JWKS"),
        _ => return Err("unsupported key type"),
    };
    Algorithm::try_from(alg).map_err(|_| "unsupported alg")
}

fn check_modulus(rsa: &RSAKeyParameters) -> Result<(), &'static str> {
    use base64::Engine;
    let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let modulus = engine
        .decode(rsa.n.trim_end_matches('='))
        .map_err(|_| "bad modulus")?;
    let significant = modulus.iter().skip_while(|byte| **byte == 0).count();
    if significant < MIN_RSA_BYTES {
        return Err("RSA modulus shorter than 2048 bits");
    }
    Ok(())
}
