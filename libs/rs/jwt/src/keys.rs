//! Identity's keys for checking tokens: cached for a lifetime; a token signed by a key id the cache
//! does not know refreshes them at once, but at most once per `refresh_spacing` (a flood of
//! made-up key ids cannot turn into a flood of JWKS requests). When identity is down the cached
//! keys keep verifying.
//!
//! No request waits for identity while the cache holds keys that can verify its token: keys past
//! their lifetime still verify, and the refresh runs in the background (one at a time). Only a
//! token whose key id the cache does not know, or an empty cache (start-up), waits for a fetch,
//! and then only that request: the lock on the keys is never held across a fetch. A hung
//! identity (it accepts connections and never answers: each fetch ends at its timeout) would
//! otherwise hold every signed-in request for the fetch's timeout, again and again (found by
//! the chaos experiment `05-identity-down-gateway-keys`, which stops identity with SIGSTOP).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use crate::tokens::{KeySet, KeysFuture, Principal, TokenError, verify};

/// Fetches identity's JWKS (a port, so tests hand in keys without a server).
pub trait KeySource: Send + Sync + std::fmt::Debug {
    fn fetch(&self) -> KeysFuture<'_>;
}

#[derive(Debug)]
struct CacheState {
    keys: Arc<KeySet>,
    fetched_at: Option<Instant>,
    last_attempt: Option<Instant>,
}

/// The JWKS cache: keys with a lifetime, refreshed on expiry and on an unknown key id.
#[derive(Debug, Clone)]
pub struct KeyCache {
    source: Arc<dyn KeySource>,
    /// Held only to read or swap the keys, never across a fetch.
    state: Arc<Mutex<CacheState>>,
    /// One fetch at a time; a request that must wait for keys waits on the one in flight.
    fetching: Arc<tokio::sync::Mutex<()>>,
    lifetime: Duration,
    refresh_spacing: Duration,
}

impl KeyCache {
    pub fn new(source: Arc<dyn KeySource>, lifetime: Duration, refresh_spacing: Duration) -> Self {
        Self {
            source,
            state: Arc::new(Mutex::new(CacheState {
                keys: Arc::new(HashMap::new()),
                fetched_at: None,
                last_attempt: None,
            })),
            fetching: Arc::new(tokio::sync::Mutex::new(())),
            lifetime,
            refresh_spacing,
        }
    }

    /// Verifies a bearer token, refreshing the keys when they are stale or the key id is new.
    pub async fn verify(&self, token: &str) -> Result<Principal, TokenError> {
        let now = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64());
        let (mut keys, expired) = self.snapshot();
        if keys.is_empty() {
            self.refresh().await;
            keys = self.snapshot().0;
        } else if expired {
            self.refresh_in_background();
        }
        match verify(token, &keys, now) {
            Err(TokenError::UnknownKey) => {
                self.refresh().await;
                verify(token, &self.snapshot().0, now)
            }
            outcome => outcome,
        }
    }

    /// Whether any key is cached, fetching them first when none is (start-up, readiness).
    pub async fn ensure_keys(&self) -> bool {
        if self.snapshot().0.is_empty() {
            self.refresh().await;
        }
        !self.snapshot().0.is_empty()
    }

    /// The keys now, and whether they are past their lifetime.
    fn snapshot(&self) -> (Arc<KeySet>, bool) {
        let state = self.lock();
        let expired = state
            .fetched_at
            .is_none_or(|at| at.elapsed() >= self.lifetime);
        (state.keys.clone(), expired)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, CacheState> {
        // A panic while the lock was held left the state whole (each write is one assignment).
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// A refresh no request waits for; skipped while one is in flight.
    fn refresh_in_background(&self) {
        let Ok(fetching) = self.fetching.clone().try_lock_owned() else {
            return;
        };
        let cache = self.clone();
        tokio::spawn(async move {
            cache.fetch_if_due().await;
            drop(fetching);
        });
    }

    /// Waits for the fetch in flight, if any, else fetches (at most once per spacing).
    async fn refresh(&self) {
        let _fetching = self.fetching.lock().await;
        self.fetch_if_due().await;
    }

    async fn fetch_if_due(&self) {
        {
            let mut state = self.lock();
            if state
                .last_attempt
                .is_some_and(|at| at.elapsed() < self.refresh_spacing)
            {
                return;
            }
            state.last_attempt = Some(Instant::now());
        }
        match self.source.fetch().await {
            Ok(keys) if !keys.is_empty() => {
                let mut state = self.lock();
                state.keys = Arc::new(keys);
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
    use crate::tokens::{AUDIENCE, ISSUER};

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
        let refreshed = tokio::time::timeout(Duration::from_secs(2), async {
            while fake.fetches.load(Ordering::SeqCst) < 2 {
                tokio::task::yield_now().await;
            }
        });
        assert!(
            refreshed.await.is_ok(),
            "the expired keys were not refreshed"
        );
    }

    /// Identity hung: the first fetch answers, every later one never does (as a fetch from a
    /// stopped process lasts until its timeout).
    #[derive(Debug, Default)]
    struct HangingSource {
        fetches: AtomicUsize,
    }

    impl KeySource for HangingSource {
        fn fetch(&self) -> KeysFuture<'_> {
            if self.fetches.fetch_add(1, Ordering::SeqCst) == 0 {
                Box::pin(async { Ok(keys()) })
            } else {
                Box::pin(std::future::pending())
            }
        }
    }

    const PROMPTLY: Duration = Duration::from_millis(500);

    #[tokio::test]
    async fn expired_keys_verify_at_once_while_identity_hangs() {
        let hanging = Arc::new(HangingSource::default());
        let cache = KeyCache::new(hanging.clone(), Duration::ZERO, Duration::ZERO);
        assert!(cache.verify(&live_token("k1", &key(1))).await.is_ok());
        for _ in 0..3 {
            let token = live_token("k1", &key(1));
            let verified = tokio::time::timeout(PROMPTLY, cache.verify(&token));
            let outcome = verified
                .await
                .expect("a request waited for a hung identity");
            assert!(outcome.is_ok(), "{outcome:?}");
        }
        tokio::task::yield_now().await;
        assert_eq!(
            hanging.fetches.load(Ordering::SeqCst),
            2,
            "one refresh in flight at a time"
        );
    }

    #[tokio::test]
    async fn a_known_key_is_not_held_up_by_the_fetch_for_an_unknown_one() {
        let hanging = Arc::new(HangingSource::default());
        let cache = KeyCache::new(hanging.clone(), Duration::from_mins(5), Duration::ZERO);
        assert!(cache.verify(&live_token("k1", &key(1))).await.is_ok());
        let waiting = cache.clone();
        let unknown = tokio::spawn(async move { waiting.verify(&live_token("k9", &key(9))).await });
        while hanging.fetches.load(Ordering::SeqCst) < 2 {
            tokio::task::yield_now().await;
        }
        let token = live_token("k1", &key(1));
        let verified = tokio::time::timeout(PROMPTLY, cache.verify(&token));
        let outcome = verified
            .await
            .expect("a known key waited for another token's fetch");
        assert!(outcome.is_ok(), "{outcome:?}");
        assert!(
            !unknown.is_finished(),
            "the unknown key id waits for its fetch"
        );
        unknown.abort();
    }
}
