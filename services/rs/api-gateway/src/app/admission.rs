//! Whether a request may go on: its access token (when it carries one) and its rate limit.

use edu_jwt::{KeyCache, Principal, TokenError};

use crate::app::ports::RateLimits;
use crate::domain::limits::{Bucket, Decision, Outcome, WhenRedisIsDown};

/// Log-in and sign-up: a stricter limit per client address, failing closed.
pub const SIGN_IN_PATHS: [&str; 2] = ["/auth/login", "/auth/signup"];

/// The per-minute limits (settings).
#[derive(Debug, Clone)]
pub struct Limits {
    pub per_user_per_minute: u32,
    pub per_address_per_minute: u32,
    pub sign_in_per_address_per_minute: u32,
}

/// Why a request stops at the gateway.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    MalformedAuthorization,
    InvalidToken(TokenError),
    Limited(Decision),
    SignInPaused,
}

/// The caller's identity from an `Authorization` header value, if one was sent.
pub async fn authenticate(
    keys: &KeyCache,
    authorization: Option<&str>,
) -> Result<Option<Principal>, Refusal> {
    let Some(value) = authorization else {
        return Ok(None);
    };
    let token = value
        .strip_prefix("Bearer ")
        .ok_or(Refusal::MalformedAuthorization)?;
    keys.verify(token.trim())
        .await
        .map(Some)
        .map_err(Refusal::InvalidToken)
}

/// The bucket a request counts against: sign-in per address, else per user, else per address.
pub fn bucket_for<'a>(
    limits: &Limits,
    sign_in: bool,
    principal: Option<&'a Principal>,
    client_key: &'a str,
) -> (Bucket, &'a str) {
    if sign_in {
        let bucket = Bucket {
            name: "sign-in",
            per_minute: limits.sign_in_per_address_per_minute,
            when_down: WhenRedisIsDown::Closed,
        };
        return (bucket, client_key);
    }
    if let Some(principal) = principal {
        let bucket = Bucket {
            name: "user",
            per_minute: limits.per_user_per_minute,
            when_down: WhenRedisIsDown::Open,
        };
        return (bucket, principal.user_id.as_str());
    }
    let bucket = Bucket {
        name: "address",
        per_minute: limits.per_address_per_minute,
        when_down: WhenRedisIsDown::Open,
    };
    (bucket, client_key)
}

/// Counts the request; `Ok(None)` when the store is down and the bucket fails open.
pub async fn limit(
    store: &dyn RateLimits,
    limits: &Limits,
    sign_in: bool,
    principal: Option<&Principal>,
    client_key: &str,
) -> Result<Option<Decision>, Refusal> {
    let (bucket, key) = bucket_for(limits, sign_in, principal, client_key);
    match store.check(bucket, key).await {
        Outcome::Decided(decision) if decision.allowed => Ok(Some(decision)),
        Outcome::Decided(decision) => Err(Refusal::Limited(decision)),
        Outcome::RedisDown(WhenRedisIsDown::Open) => Ok(None),
        Outcome::RedisDown(WhenRedisIsDown::Closed) => Err(Refusal::SignInPaused),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;
    use std::time::Duration;

    use super::*;
    use crate::app::ports::LimitFuture;

    const LIMITS: Limits = Limits {
        per_user_per_minute: 600,
        per_address_per_minute: 1200,
        sign_in_per_address_per_minute: 30,
    };

    #[derive(Debug, Default)]
    struct FakeStore {
        seen: Mutex<Vec<(String, String)>>,
        down: bool,
        allow: bool,
    }

    impl RateLimits for FakeStore {
        fn check<'a>(&'a self, bucket: Bucket, key: &'a str) -> LimitFuture<'a, Outcome> {
            self.seen
                .lock()
                .unwrap()
                .push((bucket.name.to_owned(), key.to_owned()));
            let outcome = if self.down {
                Outcome::RedisDown(bucket.when_down)
            } else {
                Outcome::Decided(Decision {
                    allowed: self.allow,
                    limit: bucket.per_minute,
                    remaining: 0,
                    retry_after: Duration::from_secs(2),
                    reset_after: Duration::from_secs(2),
                })
            };
            Box::pin(async move { outcome })
        }

        fn ping(&self) -> LimitFuture<'_, Result<(), String>> {
            Box::pin(async { Ok(()) })
        }
    }

    fn user() -> Principal {
        Principal {
            user_id: "u-1".into(),
        }
    }

    #[tokio::test]
    async fn sign_in_counts_per_address_even_for_a_signed_in_user() {
        let store = FakeStore {
            allow: true,
            ..FakeStore::default()
        };
        limit(&store, &LIMITS, true, Some(&user()), "203.0.113.9")
            .await
            .unwrap();
        limit(&store, &LIMITS, false, Some(&user()), "203.0.113.9")
            .await
            .unwrap();
        limit(&store, &LIMITS, false, None, "203.0.113.9")
            .await
            .unwrap();
        let seen = store.seen.lock().unwrap().clone();
        assert_eq!(
            seen,
            [
                ("sign-in".to_owned(), "203.0.113.9".to_owned()),
                ("user".to_owned(), "u-1".to_owned()),
                ("address".to_owned(), "203.0.113.9".to_owned()),
            ]
        );
    }

    #[tokio::test]
    async fn over_the_limit_is_refused_with_the_decision() {
        let store = FakeStore::default();
        let refusal = limit(&store, &LIMITS, false, None, "a").await.unwrap_err();
        assert!(matches!(refusal, Refusal::Limited(d) if d.limit == 1200));
    }

    #[tokio::test]
    async fn with_the_store_down_sign_in_is_paused_and_the_rest_goes_on() {
        let store = FakeStore {
            down: true,
            ..FakeStore::default()
        };
        assert_eq!(
            limit(&store, &LIMITS, true, None, "a").await,
            Err(Refusal::SignInPaused)
        );
        assert_eq!(limit(&store, &LIMITS, false, None, "a").await, Ok(None));
    }
}
