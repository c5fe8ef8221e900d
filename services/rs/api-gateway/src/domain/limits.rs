//! Rate-limit decisions: what a check decided, the buckets, and what happens when the store is
//! down (ADR 0016: sign-in fails closed, the rest open).

use std::time::Duration;

/// What one check decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    pub allowed: bool,
    pub limit: u32,
    pub remaining: u32,
    /// When the caller may retry (rejected) or the bucket is full again (allowed).
    pub retry_after: Duration,
    pub reset_after: Duration,
}

/// What to do when Redis does not answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WhenRedisIsDown {
    Open,
    Closed,
}

/// A limit: `per_minute` requests per key per minute, and the outage policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bucket {
    pub name: &'static str,
    pub per_minute: u32,
    pub when_down: WhenRedisIsDown,
}

/// The outcome of checking a bucket: a decision, or Redis was down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Decided(Decision),
    RedisDown(WhenRedisIsDown),
}

/// Whole seconds, rounded up, at least 1: what `Retry-After` and `RateLimit-Reset` carry.
pub fn seconds_up(duration: Duration) -> u64 {
    duration
        .as_millis()
        .div_ceil(1000)
        .max(1)
        .try_into()
        .unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_seconds_round_up_and_are_never_zero() {
        assert_eq!(seconds_up(Duration::from_millis(0)), 1);
        assert_eq!(seconds_up(Duration::from_millis(1001)), 2);
        assert_eq!(seconds_up(Duration::from_mins(1)), 60);
    }
}
