//! Who is calling: identity's access token, verified with its published keys (`edu-jwt`); the
//! roles are read from the verified token's claims (as payment-engine does).

use axum::http::{HeaderMap, header};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use edu_common::problem::ApiError;
use edu_jwt::KeyCache;
use uuid::Uuid;

use crate::app::videos::Caller;

pub(super) async fn authenticate(keys: &KeyCache, headers: &HeaderMap) -> Result<Caller, ApiError> {
    let unauthenticated = |detail: &str| ApiError::Unauthenticated(detail.to_owned());
    let value = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| unauthenticated("Sign in to upload or watch lesson videos."))?;
    let token = value
        .strip_prefix("Bearer ")
        .ok_or_else(|| {
            unauthenticated("The Authorization header must read `Bearer <access token>`.")
        })?
        .trim();
    let principal = keys
        .verify(token)
        .await
        .map_err(|why| unauthenticated(&format!("The access token is not valid: {why}.")))?;
    let user_id = Uuid::parse_str(&principal.user_id)
        .map_err(|_| unauthenticated("The access token's subject is not a user id."))?;
    Ok(Caller {
        user_id,
        roles: roles_of(token),
        token: token.to_owned(),
    })
}

/// The `roles` claim of a token whose signature was already verified.
fn roles_of(token: &str) -> Vec<String> {
    token
        .split('.')
        .nth(1)
        .and_then(|claims| URL_SAFE_NO_PAD.decode(claims).ok())
        .and_then(|claims| serde_json::from_slice::<serde_json::Value>(&claims).ok())
        .and_then(|claims| claims.get("roles").cloned())
        .and_then(|roles| serde_json::from_value::<Vec<String>>(roles).ok())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(claims: &str) -> String {
        format!("e30.{}.sig", URL_SAFE_NO_PAD.encode(claims))
    }

    #[test]
    fn roles_come_from_the_claims_and_anything_else_means_none() {
        assert_eq!(
            roles_of(&token(r#"{"sub":"x","roles":["teacher"]}"#)),
            ["teacher"]
        );
        assert!(roles_of(&token(r#"{"roles":"teacher"}"#)).is_empty());
        assert!(roles_of("garbage").is_empty());
    }
}
