//! The rate limiter as the request path sees it: Redis may be unreachable at start-up or later;
//! until a connection exists every check reports Redis down (and the bucket's policy applies),
//! while a background task keeps trying to connect.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::RwLock;

use crate::ratelimit::{Bucket, Outcome, RateLimiter};

#[derive(Debug, Clone)]
pub struct Limiter {
    inner: Arc<RwLock<Option<RateLimiter>>>,
}

impl Limiter {
    /// Connects now if it can, and keeps retrying in the background if it cannot.
    pub async fn start(url: String, prefix: String, timeout: Duration) -> Self {
        let limiter = Self {
            inner: Arc::new(RwLock::new(None)),
        };
        match RateLimiter::connect(&url, &prefix, timeout).await {
            Ok(connected) => *limiter.inner.write().await = Some(connected),
            Err(error) => {
                tracing::warn!(%error, "Redis unreachable: rate limits follow their outage policy until it answers");
                let inner = limiter.inner.clone();
                tokio::spawn(async move {
                    loop {
                        tokio::time::sleep(Duration::from_secs(2)).await;
                        if let Ok(connected) = RateLimiter::connect(&url, &prefix, timeout).await {
                            tracing::info!("Redis answers: rate limits are enforced again");
                            *inner.write().await = Some(connected);
                            return;
                        }
                    }
                });
            }
        }
        limiter
    }

    pub async fn check(&self, bucket: Bucket, key: &str) -> Outcome {
        match self.inner.read().await.as_ref() {
            Some(limiter) => limiter.check(bucket, key).await,
            None => Outcome::RedisDown(bucket.when_down),
        }
    }

    pub async fn ping(&self) -> Result<(), String> {
        match self.inner.read().await.as_ref() {
            Some(limiter) => limiter.ping().await,
            None => Err("not connected".into()),
        }
    }
}
