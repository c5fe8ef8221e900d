//! Who is calling: identity's access token, verified with its published keys (`edu-jwt`); the
//! roles are read from the verified token's claims (edu-jwt's `Principal` carries the user id
//! only).

use axum::http::{HeaderMap, header};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use edu_common::problem::ApiError;
use edu_jwt::KeyCache;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Caller {
    pub user_id: Uuid,
    pub roles: Vec<String>,
}

impl Caller {
    pub(super) fn is_admin(&self) -> bool {
        self.roles.iter().any(|role| role == "admin")
    }
}

pub(super) async fn authenticate(keys: &KeyCache, headers: &HeaderMap) -> Result<Caller, ApiError> {
    let unauthenticated = |detail: &str| ApiError::Unauthenticated(detail.to_owned());
    let value = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| unauthenticated("Sign in: payments belong to the signed-in student."))?;
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
            roles_of(&token(r#"{"sub":"x","roles":["admin","teacher"]}"#)),
            ["admin", "teacher"]
        );
        assert!(roles_of(&token(r#"{"sub":"x"}"#)).is_empty());
        assert!(roles_of(&token(r#"{"roles":"admin"}"#)).is_empty());
        assert!(roles_of("garbage").is_empty());
    }
}
