//! Who is calling: identity's access token, verified with its published keys (`edu-jwt`, the
//! same issuer, audience and keys as the other services). HTTP takes it from
//! `Authorization: Bearer`; a WebSocket from the `access_token` query parameter or the
//! `Sec-WebSocket-Protocol` entry `access_token.<token>` (browsers cannot set headers on a
//! WebSocket). The token's expiry is read from its verified claims: a WebSocket is closed then
//! unless the client sent a fresh token.

use std::time::{Duration, SystemTime};

use axum::http::{HeaderMap, header};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use edu_common::problem::ApiError;
use edu_jwt::KeyCache;
use uuid::Uuid;

/// The subprotocol a WebSocket client offers (and the server selects).
pub const PROTOCOL: &str = "edu.qa.v1";
/// The prefix of the subprotocol entry that carries the token.
pub const TOKEN_PROTOCOL_PREFIX: &str = "access_token.";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub user_id: Uuid,
    /// When the token stops being valid.
    pub expires_at: SystemTime,
}

fn unauthenticated(detail: &str) -> ApiError {
    ApiError::Unauthenticated(detail.to_owned())
}

/// Verifies `token`; the caller it speaks for.
pub async fn verify(keys: &KeyCache, token: &str) -> Result<Caller, ApiError> {
    let principal = keys
        .verify(token)
        .await
        .map_err(|why| unauthenticated(&format!("The access token is not valid: {why}.")))?;
    let user_id = Uuid::parse_str(&principal.user_id)
        .map_err(|_| unauthenticated("The access token's subject is not a user id."))?;
    let expires_at = expiry_of(token)
        .ok_or_else(|| unauthenticated("The access token has no readable expiry."))?;
    Ok(Caller {
        user_id,
        expires_at,
    })
}

/// The bearer token of an HTTP request.
pub fn bearer(headers: &HeaderMap) -> Result<&str, ApiError> {
    let value = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| {
            unauthenticated("Sign in: a course's Q&A is for its enrolled students and its teacher.")
        })?;
    value.strip_prefix("Bearer ").map(str::trim).ok_or_else(|| {
        unauthenticated("The Authorization header must read `Bearer <access token>`.")
    })
}

/// A WebSocket handshake's token: the `access_token` query parameter, else the
/// `access_token.<token>` entry of `Sec-WebSocket-Protocol`, else the bearer header.
pub fn socket_token<'a>(query: Option<&'a str>, headers: &'a HeaderMap) -> Option<&'a str> {
    if let Some(token) = query.filter(|t| !t.is_empty()) {
        return Some(token);
    }
    let offered = headers
        .get_all(header::SEC_WEBSOCKET_PROTOCOL)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .find_map(|p| p.strip_prefix(TOKEN_PROTOCOL_PREFIX));
    offered.or_else(|| bearer(headers).ok())
}

/// The `exp` claim of a token whose signature was already verified.
fn expiry_of(token: &str) -> Option<SystemTime> {
    let claims = token.split('.').nth(1)?;
    let claims = URL_SAFE_NO_PAD.decode(claims).ok()?;
    let claims: serde_json::Value = serde_json::from_slice(&claims).ok()?;
    let exp = claims.get("exp")?.as_f64()?;
    (exp.is_finite() && exp > 0.0).then(|| SystemTime::UNIX_EPOCH + Duration::from_secs_f64(exp))
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn token(claims: &str) -> String {
        format!("e30.{}.sig", URL_SAFE_NO_PAD.encode(claims))
    }

    #[test]
    fn the_expiry_comes_from_the_claims() {
        let at = expiry_of(&token(r#"{"sub":"x","exp":1800000000.5}"#)).unwrap();
        assert_eq!(
            at.duration_since(SystemTime::UNIX_EPOCH).unwrap(),
            Duration::from_millis(1_800_000_000_500)
        );
        assert_eq!(expiry_of(&token(r#"{"sub":"x"}"#)), None);
        assert_eq!(expiry_of("garbage"), None);
    }

    #[test]
    fn a_socket_token_comes_from_the_query_then_the_protocol_then_the_header() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::SEC_WEBSOCKET_PROTOCOL,
            HeaderValue::from_static("edu.qa.v1, access_token.abc.def.ghi"),
        );
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer hdr"),
        );
        assert_eq!(socket_token(Some("q"), &headers), Some("q"));
        assert_eq!(socket_token(None, &headers), Some("abc.def.ghi"));
        headers.remove(header::SEC_WEBSOCKET_PROTOCOL);
        assert_eq!(socket_token(Some(""), &headers), Some("hdr"));
        assert_eq!(socket_token(None, &HeaderMap::new()), None);
    }
}
