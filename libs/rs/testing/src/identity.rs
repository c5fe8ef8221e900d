//! identity, faked for Rust tests: one fixed ES256 key, its JWKS served on port 0, and access
//! tokens signed with it carrying the claims identity writes (edu-jwt's issuer and audience).

use std::time::{SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::routing::get;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{Signature, SigningKey};
use serde_json::{Value, json};

use crate::app::{TestApp, spawn_app};

/// The `kid` of the test key in the JWKS and in every token's header.
pub const KEY_ID: &str = "test-key";

/// The test key: fixed, so tokens made anywhere in a test verify against any fake's JWKS.
pub fn signing_key() -> SigningKey {
    SigningKey::from_slice(&[7; 32]).unwrap_or_else(|error| panic!("the test key: {error}"))
}

fn now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |elapsed| elapsed.as_secs_f64())
}

/// identity's JWKS document with the test key.
pub fn jwks() -> Value {
    let public = p256::PublicKey::from(signing_key().verifying_key()).to_jwk_string();
    let mut jwk: Value =
        serde_json::from_str(&public).unwrap_or_else(|error| panic!("the test JWK: {error}"));
    jwk["kid"] = json!(KEY_ID);
    jwk["alg"] = json!("ES256");
    jwk["use"] = json!("sig");
    json!({"keys": [jwk]})
}

/// `/.well-known/jwks.json` served on 127.0.0.1:0.
pub async fn jwks_server() -> TestApp {
    let document = jwks();
    spawn_app(Router::new().route(
        "/.well-known/jwks.json",
        get(move || async move { axum::Json(document) }),
    ))
    .await
}

/// The claims identity puts in an access token for `user` with `roles`, expiring in
/// `expires_in` seconds (negative: expired), issued a minute ago.
pub fn claims(user: &str, roles: &[&str], expires_in: f64) -> Value {
    json!({"sub": user, "email": "student@example.org", "roles": roles,
        "exp": now() + expires_in, "iat": now() - 60.0,
        "iss": edu_jwt::tokens::ISSUER, "aud": edu_jwt::tokens::AUDIENCE})
}

/// `claims` signed with the test key: a compact JWS.
pub fn sign(claims: &Value) -> String {
    let header = json!({"alg": "ES256", "kid": KEY_ID});
    let input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let signature: Signature = signing_key().sign(input.as_bytes());
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature.to_bytes()))
}

/// An access token for `user` with `roles`, valid for `expires_in` seconds.
pub fn access_token(user: &str, roles: &[&str], expires_in: f64) -> String {
    sign(&claims(user, roles, expires_in))
}
