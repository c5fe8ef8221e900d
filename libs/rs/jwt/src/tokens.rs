//! Access tokens, with the rules of `edu.auth.tokens` (Python): ES256 only (the header cannot
//! choose `none` or an HMAC algorithm), identity's issuer and audience, expiry and issue time
//! with 10 s of clock skew, a user id as subject; and identity's JWKS read into keys.

use std::collections::HashMap;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use p256::ecdsa::signature::Verifier;
use p256::ecdsa::{Signature, VerifyingKey};
use serde::Deserialize;

pub const ISSUER: &str = "eduplatform-identity";
pub const AUDIENCE: &str = "eduplatform";
pub const CLOCK_SKEW_SECONDS: f64 = 10.0;

/// Why a token was refused, worded like the Python verifier's reasons.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("it is not a well-formed token")]
    Malformed,
    #[error("it is not signed with ES256")]
    WrongAlgorithm,
    #[error("it was signed by an unknown key")]
    UnknownKey,
    #[error("its signature does not match")]
    BadSignature,
    #[error("it has expired")]
    Expired,
    #[error("it was issued in the future")]
    NotYetValid,
    #[error("it was issued by someone else")]
    WrongIssuer,
    #[error("it is meant for another audience")]
    WrongAudience,
    #[error("its subject is not a user id")]
    BadSubject,
}

/// Who a verified token speaks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub user_id: String,
}

#[derive(Deserialize)]
struct Header {
    alg: String,
    kid: Option<String>,
}

#[derive(Deserialize)]
struct Claims {
    sub: serde_json::Value,
    exp: serde_json::Value,
    iat: serde_json::Value,
    iss: serde_json::Value,
    aud: serde_json::Value,
}

/// One signing key of a JWKS document.
#[derive(Debug, Clone, Deserialize)]
pub struct Jwk {
    pub kid: String,
    #[serde(flatten)]
    pub key: serde_json::Value,
}

#[derive(Debug, Deserialize)]
struct Jwks {
    keys: Vec<Jwk>,
}

/// Verifying keys by key id.
pub type KeySet = HashMap<String, VerifyingKey>;

/// What a key source's fetch returns ([`crate::KeySource`]).
pub type KeysFuture<'a> =
    std::pin::Pin<Box<dyn Future<Output = Result<KeySet, String>> + Send + 'a>>;

/// Parses a JWKS document into verifying keys; keys that are not P-256 are skipped.
pub fn parse_jwks(body: &[u8]) -> Result<KeySet, String> {
    let document: Jwks =
        serde_json::from_slice(body).map_err(|error| format!("not a JWKS document: {error}"))?;
    let mut keys = HashMap::new();
    for jwk in document.keys {
        // p256 refuses members it does not know ("alg", "use"...): hand it only the key.
        let only_key: serde_json::Map<String, serde_json::Value> = ["kty", "crv", "x", "y"]
            .iter()
            .filter_map(|name| jwk.key.get(*name).map(|v| ((*name).to_owned(), v.clone())))
            .collect();
        let text = serde_json::Value::Object(only_key).to_string();
        if let Ok(public) = p256::PublicKey::from_jwk_str(&text) {
            keys.insert(jwk.kid, VerifyingKey::from(public));
        }
    }
    Ok(keys)
}

/// Verifies `token` with `keys` at `now` (seconds since the epoch).
pub fn verify<S: std::hash::BuildHasher>(
    token: &str,
    keys: &HashMap<String, VerifyingKey, S>,
    now: f64,
) -> Result<Principal, TokenError> {
    let mut parts = token.split('.');
    let (Some(header), Some(payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(TokenError::Malformed);
    };
    let signing_input = &token[..header.len() + 1 + payload.len()];
    let header: Header = decode_json(header)?;
    if header.alg != "ES256" {
        return Err(TokenError::WrongAlgorithm);
    }
    let key = header
        .kid
        .as_ref()
        .and_then(|kid| keys.get(kid))
        .ok_or(TokenError::UnknownKey)?;
    let signature = URL_SAFE_NO_PAD
        .decode(signature)
        .ok()
        .and_then(|bytes| Signature::from_slice(&bytes).ok())
        .ok_or(TokenError::Malformed)?;
    key.verify(signing_input.as_bytes(), &signature)
        .map_err(|_| TokenError::BadSignature)?;
    let claims: Claims = decode_json(payload)?;
    check_claims(&claims, now)
}

fn check_claims(claims: &Claims, now: f64) -> Result<Principal, TokenError> {
    let exp = claims.exp.as_f64().ok_or(TokenError::Malformed)?;
    let iat = claims.iat.as_f64().ok_or(TokenError::Malformed)?;
    if exp + CLOCK_SKEW_SECONDS <= now {
        return Err(TokenError::Expired);
    }
    if iat - CLOCK_SKEW_SECONDS > now {
        return Err(TokenError::NotYetValid);
    }
    if claims.iss.as_str() != Some(ISSUER) {
        return Err(TokenError::WrongIssuer);
    }
    let audience_ok = match &claims.aud {
        serde_json::Value::String(aud) => aud == AUDIENCE,
        serde_json::Value::Array(auds) => auds.iter().any(|a| a.as_str() == Some(AUDIENCE)),
        _ => false,
    };
    if !audience_ok {
        return Err(TokenError::WrongAudience);
    }
    let subject = claims.sub.as_str().ok_or(TokenError::BadSubject)?;
    if !is_uuid(subject) {
        return Err(TokenError::BadSubject);
    }
    Ok(Principal {
        user_id: subject.to_ascii_lowercase(),
    })
}

fn decode_json<T: serde::de::DeserializeOwned>(part: &str) -> Result<T, TokenError> {
    let bytes = URL_SAFE_NO_PAD
        .decode(part)
        .map_err(|_| TokenError::Malformed)?;
    serde_json::from_slice(&bytes).map_err(|_| TokenError::Malformed)
}

fn is_uuid(text: &str) -> bool {
    let hex = text.replace('-', "");
    hex.len() == 32 && hex.chars().all(|c| c.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use base64::Engine;
    use p256::ecdsa::SigningKey;
    use p256::ecdsa::signature::Signer;
    use serde_json::json;

    use super::*;

    const USER: &str = "0b6c5e2a-0000-4000-8000-000000000001";

    fn key(seed: u8) -> SigningKey {
        SigningKey::from_slice(&[seed; 32]).unwrap()
    }

    fn encode(value: &serde_json::Value) -> String {
        URL_SAFE_NO_PAD.encode(value.to_string())
    }

    fn token(
        signer: &SigningKey,
        header: &serde_json::Value,
        claims: &serde_json::Value,
    ) -> String {
        let input = format!("{}.{}", encode(header), encode(claims));
        let signature: Signature = signer.sign(input.as_bytes());
        format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature.to_bytes()))
    }

    fn claims(now: f64) -> serde_json::Value {
        json!({"sub": USER, "exp": now + 900.0, "iat": now, "iss": ISSUER, "aud": AUDIENCE,
               "email": "a@example.org", "roles": ["student"]})
    }

    fn keys() -> KeySet {
        HashMap::from([("k1".to_owned(), *key(1).verifying_key())])
    }

    const NOW: f64 = 1_800_000_000.0;

    fn es256() -> serde_json::Value {
        json!({"alg": "ES256", "kid": "k1", "typ": "JWT"})
    }

    #[test]
    fn a_token_signed_by_identitys_key_is_accepted() {
        let principal = verify(&token(&key(1), &es256(), &claims(NOW)), &keys(), NOW).unwrap();
        assert_eq!(principal.user_id, USER);
    }

    #[test]
    fn an_expired_token_is_refused_after_the_clock_skew() {
        let mut expired = claims(NOW);
        expired["exp"] = json!(NOW - 11.0);
        let outcome = verify(&token(&key(1), &es256(), &expired), &keys(), NOW);
        assert_eq!(outcome, Err(TokenError::Expired));
        expired["exp"] = json!(NOW - 9.0);
        assert!(verify(&token(&key(1), &es256(), &expired), &keys(), NOW).is_ok());
    }

    #[test]
    fn the_header_cannot_choose_another_algorithm() {
        for alg in ["none", "HS256", "RS256"] {
            let header = json!({"alg": alg, "kid": "k1"});
            let outcome = verify(&token(&key(1), &header, &claims(NOW)), &keys(), NOW);
            assert_eq!(outcome, Err(TokenError::WrongAlgorithm), "{alg}");
        }
    }

    #[test]
    fn a_tampered_claim_or_a_foreign_key_breaks_the_signature() {
        let good = token(&key(1), &es256(), &claims(NOW));
        let mut parts: Vec<&str> = good.split('.').collect();
        let mut other = claims(NOW);
        other["sub"] = json!("0b6c5e2a-0000-4000-8000-000000000002");
        let forged_payload = encode(&other);
        parts[1] = &forged_payload;
        assert_eq!(
            verify(&parts.join("."), &keys(), NOW),
            Err(TokenError::BadSignature)
        );
        let foreign = token(&key(2), &es256(), &claims(NOW));
        assert_eq!(
            verify(&foreign, &keys(), NOW),
            Err(TokenError::BadSignature)
        );
    }

    #[test]
    fn issuer_audience_and_subject_are_checked() {
        for (field, value, error) in [
            ("iss", json!("someone-else"), TokenError::WrongIssuer),
            ("aud", json!("another-app"), TokenError::WrongAudience),
            ("sub", json!("admin"), TokenError::BadSubject),
        ] {
            let mut wrong = claims(NOW);
            wrong[field] = value;
            assert_eq!(
                verify(&token(&key(1), &es256(), &wrong), &keys(), NOW),
                Err(error)
            );
        }
        assert_eq!(verify("a.b", &keys(), NOW), Err(TokenError::Malformed));
    }

    #[test]
    fn a_jwks_with_the_members_identity_publishes_is_read() {
        let public = p256::PublicKey::from(key(1).verifying_key());
        let mut jwk: serde_json::Value = serde_json::from_str(&public.to_jwk_string()).unwrap();
        jwk["kid"] = json!("k1");
        jwk["alg"] = json!("ES256");
        jwk["use"] = json!("sig");
        let rsa = json!({"kid": "r1", "kty": "RSA", "n": "AQAB", "e": "AQAB"});
        let document = json!({"keys": [jwk, rsa]}).to_string();
        let keys = parse_jwks(document.as_bytes()).unwrap();
        assert_eq!(keys.keys().collect::<Vec<_>>(), ["k1"]);
        assert!(parse_jwks(b"[]").is_err());
    }
}
