//! The ports the use cases need, as traits: identity's keys and the rate-limit store.

use crate::domain::limits::{Bucket, Outcome};
use crate::domain::tokens::KeysFuture;

/// Fetches identity's JWKS (a port, so tests hand in keys without a server).
pub trait KeySource: Send + Sync + std::fmt::Debug {
    fn fetch(&self) -> KeysFuture<'_>;
}

/// What a rate-limit check or ping returns.
pub type LimitFuture<'a, T> = std::pin::Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Where rate limits are counted (Redis in production, a fake in unit tests).
pub trait RateLimits: Send + Sync + std::fmt::Debug {
    /// One request against `bucket` for `key`; Redis trouble is an outcome, never an error.
    fn check<'a>(&'a self, bucket: Bucket, key: &'a str) -> LimitFuture<'a, Outcome>;
    /// Whether the store answers (readiness).
    fn ping(&self) -> LimitFuture<'_, Result<(), String>>;
}
