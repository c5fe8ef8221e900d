//! Identity's keys for the edge check: cached for a lifetime; a token signed by a key id the cache
//! does not know refreshes them at once, but at most once per `refresh_spacing` (a flood of
//! made-up key ids cannot turn into a flood of JWKS requests). When identity is down the cached
//! keys keep verifying.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use tokio::sync::Mutex;

use crate::app::ports::KeySource;
use crate::domain::tokens::{KeySet, Principal, TokenError, verify};

#[derive(Debug)]
struct CacheState {
    keys: KeySet,
    fetched_at: Option<Instant>,
    last_attempt: Option<Instant>,
}

/// The JWKS cache: keys with a lifetime, refreshed on expiry and on an unknown key id.
#[derive(Debug, Clone)]
pub struct KeyCache {
    source: Arc<dyn KeySource>,
    state: Arc<Mutex<CacheState>>,
    lifetime: Duration,
    refresh_spacing: Duration,
}

impl KeyCache {
    pub fn new(source: Arc<dyn KeySource>, lifetime: Duration, refresh_spacing: Duration) -> Self {
        Self {
            source,
            state: Arc::new(Mutex::new(CacheState {
                keys: HashMap::new(),
                fetched_at: None,
                last_attempt: None,
            })),
            lifetime,
            refresh_spacing,
        }
    }

    /// Verifies a bearer token, refreshing the keys when they are stale or the key id is new.
    pub async fn verify(&self, token: &str) -> Result<Principal, TokenError> {
        let now = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64());
        let mut state = self.state.lock().await;
        let keys_expired = state
            .fetched_at
            .is_none_or(|at| at.elapsed() >= self.lifetime);
        if keys_expired {
            self.refresh(&mut state).await;
        }
        match verify(token, &state.keys, now) {
            Err(TokenError::UnknownKey) => {
                self.refresh(&mut state).await;
                verify(token, &state.keys, now)
            }
            outcome => outcome,
        }
    }

    /// Whether any key is cached, fetching them first when none is (start-up, readiness).
    pub async fn ensure_keys(&self) -> bool {
        let mut state = self.state.lock().await;
        if state.keys.is_empty() {
            self.refresh(&mut state).await;
        }
        !state.keys.is_empty()
    }

    async fn refresh(&self, state: &mut CacheState) {
        if state
            .last_attempt
            .is_some_and(|at| at.elapsed() < self.refresh_spacing)
        {
            return;
        }
        state.last_attempt = Some(Instant::now());
        match self.source.fetch().await {
            Ok(keys) if !keys.is_empty() => {
                state.keys = keys;
                state.fetched_at = Some(Instant::now());
            }
            Ok(_) => {
                tracing::warn!("identity's JWKS holds no P-256 key; keeping the cached ones");
            }
            Err(error) => {
                tracing::warn!(%error, "cannot refresh identity's JWKS; keeping the cached keys");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use p256::ecdsa::signature::Signer;
    use p256::ecdsa::{Signature, SigningKey};
    use serde_json::json;

    use super::*;
    use crate::domain::tokens::{AUDIENCE, ISSUER, KeysFuture};

    const USER: &str = "0b6c5e2a-0000-4000-8000-000000000001";

    fn key(seed: u8) -> SigningKey {
        SigningKey::from_slice(&[seed; 32]).unwrap()
    }

    fn keys() -> KeySet {
        HashMap::from([("k1".to_owned(), *key(1).verifying_key())])
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
        json!({"sub": USER, "exp": now + 900.0, "iat": now, "iss": ISSUER, "aud": AUDIENCE})
    }

    #[derive(Debug)]
    struct CountingSource {
        fetches: AtomicUsize,
        keys: std::sync::Mutex<Result<KeySet, String>>,
    }

    impl KeySource for CountingSource {
        fn fetch(&self) -> KeysFuture<'_> {
            self.fetches.fetch_add(1, Ordering::SeqCst);
            let keys = self.keys.lock().unwrap().clone();
            Box::pin(async move { keys })
        }
    }

    fn source(keys: Result<KeySet, String>) -> Arc<CountingSource> {
        Arc::new(CountingSource {
            fetches: AtomicUsize::new(0),
            keys: std::sync::Mutex::new(keys),
        })
    }

    fn live_token(kid: &str, signer: &SigningKey) -> String {
        let now = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap()
            .as_secs_f64();
        token(signer, &json!({"alg": "ES256", "kid": kid}), &claims(now))
    }

    #[tokio::test]
    async fn an_unknown_key_id_refreshes_the_keys_at_once() {
        let fake = source(Ok(keys()));
        let cache = KeyCache::new(fake.clone(), Duration::from_mins(5), Duration::ZERO);
        assert!(cache.verify(&live_token("k1", &key(1))).await.is_ok());
        let rotated = HashMap::from([("k2".to_owned(), *key(2).verifying_key())]);
        *fake.keys.lock().unwrap() = Ok(rotated);
        assert!(cache.verify(&live_token("k2", &key(2))).await.is_ok());
        assert_eq!(fake.fetches.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn made_up_key_ids_cannot_flood_identity_with_refreshes() {
        let fake = source(Ok(keys()));
        let cache = KeyCache::new(fake.clone(), Duration::from_mins(5), Duration::from_mins(1));
        for n in 0..50 {
            let outcome = cache
                .verify(&live_token(&format!("made-up-{n}"), &key(1)))
                .await;
            assert_eq!(outcome, Err(TokenError::UnknownKey));
        }
        assert_eq!(fake.fetches.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn cached_keys_keep_verifying_while_identity_is_down() {
        let fake = source(Ok(keys()));
        let cache = KeyCache::new(fake.clone(), Duration::ZERO, Duration::ZERO);
        assert!(cache.verify(&live_token("k1", &key(1))).await.is_ok());
        *fake.keys.lock().unwrap() = Err("connection refused".into());
        assert!(cache.verify(&live_token("k1", &key(1))).await.is_ok());
        assert!(
            fake.fetches.load(Ordering::SeqCst) >= 2,
            "the expired keys were not refreshed"
        );
    }
}
