//! Forged and bent tokens against RS256 and ES256 keys from a JWKS file:
//! each gets the same bare `UNAUTHENTICATED`, and good tokens still pass.

use hmac::{Hmac, KeyInit, Mac};
use jsonwebtoken::{Algorithm, EncodingKey};
use serde_json::{Value, json};

use super::{
    JwksFile, ask, claims, forge, private, refused, rs256, sign, usual_keys, viewer, with_file,
};
use crate::helpers::SECRET;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn good_rs256_and_es256_tokens_pass() {
    with_file(&JwksFile::new(&usual_keys()), &[], |app| async move {
        assert_eq!(ask(&app, &rs256(&claims(|_| {}))).await, viewer());
        let es256 = sign(
            Algorithm::ES256,
            Some("ec-1"),
            &private("ec-1"),
            &claims(|_| {}),
        );
        assert_eq!(ask(&app, &es256).await, viewer());
        let listed = claims(|c| c["aud"] = json!(["other", "learning-walks-api"]));
        assert_eq!(ask(&app, &rs256(&listed)).await, viewer());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alg_none_and_algorithm_confusion_are_refused() {
    with_file(&JwksFile::new(&usual_keys()), &[], |app| async move {
        let good = claims(|_| {});
        let mut forged = Vec::new();
        for alg in ["none", "None", "NONE", ""] {
            for kid in [json!("rsa-1"), Value::Null] {
                let header = json!({ "alg": alg, "typ": "JWT", "kid": kid });
                forged.push(forge(&header, &good, b""));
            }
        }
        // HS256 with the RSA public key (PEM text) as the HMAC secret.
        let public = std::fs::read(super::key_file("rsa-1.test-only.pub.pem")).unwrap();
        let as_secret = EncodingKey::from_secret(&public).unwrap();
        forged.push(sign(Algorithm::HS256, Some("rsa-1"), &as_secret, &good));
        forged.push(sign(Algorithm::HS256, None, &as_secret, &good));
        // The same by hand, with the key's DER bytes too, in case a
        // library canonicalised the PEM.
        let header = json!({ "alg": "HS256", "typ": "JWT", "kid": "rsa-1" });
        for secret in [public.clone(), super::der("rsa-1.test-only.pub.pem")] {
            forged.push(hmac_signed(&header, &good, &secret));
        }
        // RS256 signed by the RSA key, sent under the ES256 key's kid, and
        // ES256 under the RSA key's kid.
        forged.push(sign(
            Algorithm::RS256,
            Some("ec-1"),
            &private("rsa-1"),
            &good,
        ));
        forged.push(sign(
            Algorithm::ES256,
            Some("rsa-1"),
            &private("ec-1"),
            &good,
        ));
        // The right key, another algorithm of its family.
        forged.push(sign(
            Algorithm::RS512,
            Some("rsa-1"),
            &private("rsa-1"),
            &good,
        ));
        forged.push(sign(
            Algorithm::PS256,
            Some("rsa-1"),
            &private("rsa-1"),
            &good,
        ));
        // HS256 is not configured here: the suite's secret gets nowhere.
        let shared = EncodingKey::from_secret(SECRET).unwrap();
        forged.push(sign(Algorithm::HS256, None, &shared, &good));
        for token in forged {
            assert_eq!(ask(&app, &token).await, refused(), "{token}");
        }
    })
    .await;
}

/// An HS256 signature made by hand over `header` and `claims`.
fn hmac_signed(header: &Value, claims: &Value, secret: &[u8]) -> String {
    let unsigned = forge(header, claims, b"");
    let signing_input = unsigned.trim_end_matches('.');
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret).unwrap();
    mac.update(signing_input.as_bytes());
    format!(
        "{signing_input}.{}",
        super::b64(&mac.finalize().into_bytes())
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn times_are_checked_with_thirty_seconds_of_skew() {
    with_file(&JwksFile::new(&usual_keys()), &[], |app| async move {
        let now = chrono::Utc::now().timestamp();
        let at = |exp: i64, nbf: i64| claims(|c| (c["exp"], c["nbf"]) = (json!(exp), json!(nbf)));
        for (exp, nbf) in [(now - 10, now - 600), (now + 600, now + 10)] {
            assert_eq!(
                ask(&app, &rs256(&at(exp, nbf))).await,
                viewer(),
                "{exp} {nbf}"
            );
        }
        for (exp, nbf) in [(now - 60, now - 600), (now + 600, now + 60)] {
            assert_eq!(
                ask(&app, &rs256(&at(exp, nbf))).await,
                refused(),
                "{exp} {nbf}"
            );
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_issuer_or_audience_or_a_missing_claim_is_refused() {
    with_file(&JwksFile::new(&usual_keys()), &[], |app| async move {
        let mut bent = vec![
            claims(|c| c["iss"] = json!("someone-else")),
            claims(|c| c["aud"] = json!("another-api")),
            claims(|c| c["aud"] = json!(["another-api", "a-third"])),
            claims(|c| c["exp"] = json!("tomorrow")),
            claims(|c| c["roles"] = json!(["partner", "superuser"])),
            claims(|c| c["roles"] = json!("partner")),
            claims(|c| c["trust"] = json!(2516)),
            claims(|c| c["schools"] = json!(["137106"])),
        ];
        for name in ["sub", "trust", "roles", "iss", "aud", "exp", "nbf"] {
            bent.push(claims(|c| {
                c.as_object_mut().unwrap().remove(name);
            }));
        }
        for claims in bent {
            assert_eq!(ask(&app, &rs256(&claims)).await, refused(), "{claims}");
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tampered_malformed_and_unknown_key_tokens_are_refused() {
    with_file(&JwksFile::new(&usual_keys()), &[], |app| async move {
        let good = rs256(&claims(|_| {}));
        let parts: Vec<&str> = good.split('.').collect();
        let mut bad = Vec::new();
        for edit in [
            claims(|c| c["trust"] = json!("3111")),
            claims(|c| c["roles"] = json!(["trust_leader"])),
            claims(|c| c["exp"] = json!(chrono::Utc::now().timestamp() + 86_400 * 365)),
        ] {
            let payload = super::b64(edit.to_string().as_bytes());
            bad.push(format!("{}.{payload}.{}", parts[0], parts[2]));
        }
        let header = json!({ "alg": "RS256", "kid": "rsa-1" });
        bad.push(format!(
            "{}.{}.{}",
            super::b64(header.to_string().as_bytes()),
            parts[1],
            parts[2]
        ));
        bad.push(format!("{}.{}.", parts[0], parts[1]));
        bad.push(format!("{}.{}", parts[0], parts[1]));
        bad.push(format!("{good}.{}", parts[2]));
        bad.push(format!(
            "{}.{}.{}",
            parts[0],
            parts[1],
            "A".repeat(parts[2].len())
        ));
        bad.push("a.b.c".into());
        bad.push(format!("{}.e30.", super::b64(b"not json")));
        // A well-signed token naming a key that is nowhere.
        let claims = claims(|_| {});
        bad.push(sign(
            Algorithm::RS256,
            Some("rsa-9"),
            &private("rsa-1"),
            &claims,
        ));
        bad.push(sign(Algorithm::RS256, Some(""), &private("rsa-1"), &claims));
        bad.push(sign(Algorithm::RS256, None, &private("rsa-1"), &claims));
        // Signed by a key the server was never given, under a known kid.
        bad.push(sign(
            Algorithm::RS256,
            Some("rsa-1"),
            &private("rsa-2"),
            &claims,
        ));
        for token in bad {
            assert_eq!(ask(&app, &token).await, refused(), "{token}");
        }
        assert_eq!(ask(&app, &good).await, viewer());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_over_eight_kib_is_refused_however_well_signed() {
    with_file(&JwksFile::new(&usual_keys()), &[], |app| async move {
        let padded = |len: usize| rs256(&claims(|c| c["pad"] = json!("x".repeat(len))));
        let base = padded(0).len();
        // Base64 grows the padding by 4/3; find the largest that fits.
        let fits = (0..200)
            .map(|extra| padded((8192 - base) * 3 / 4 - 2 + extra))
            .take_while(|token| token.len() <= api::auth::MAX_TOKEN_BYTES)
            .last()
            .unwrap();
        assert!(fits.len() > 8150, "{}", fits.len());
        assert_eq!(ask(&app, &fits).await, viewer());
        let over = padded(8192);
        assert!(over.len() > api::auth::MAX_TOKEN_BYTES);
        assert_eq!(ask(&app, &over).await, refused());
        assert_eq!(ask(&app, &"x".repeat(100_000)).await, refused());
    })
    .await;
}
