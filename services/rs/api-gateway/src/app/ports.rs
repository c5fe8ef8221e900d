//! The ports the use cases need, as traits: the rate-limit store (identity's keys: `edu_jwt`).

use crate::domain::limits::{Bucket, Outcome};

/// What a rate-limit check or ping returns.
pub type LimitFuture<'a, T> = std::pin::Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Where rate limits are counted (Redis in production, a fake in unit tests).
pub trait RateLimits: Send + Sync + std::fmt::Debug {
    /// One request against `bucket` for `key`; Redis trouble is an outcome, never an error.
    fn check<'a>(&'a self, bucket: Bucket, key: &'a str) -> LimitFuture<'a, Outcome>;
    /// Whether the store answers (readiness).
    fn ping(&self) -> LimitFuture<'_, Result<(), String>>;
}
