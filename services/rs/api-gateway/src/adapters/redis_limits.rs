//! Rate limits in Redis (the `RateLimits` port): GCRA (the generic cell rate algorithm), one atomic script per check,
//! Redis's own clock (so several gateway instances agree). A limit of N per minute lets N
//! requests through at once and then one every 60/N s.
//!
//! When Redis cannot answer within `timeout`, the bucket's policy decides (ADR 0015): sign-in
//! buckets fail closed (503 — a brute-force window is worse than a short outage of log-in),
//! every other bucket fails open (the services keep their own checks). Never a 500.

use std::time::Duration;

use redis::Script;
use redis::aio::ConnectionManager;

use std::sync::Arc;

use tokio::sync::RwLock;

use crate::app::ports::{LimitFuture, RateLimits};
use crate::domain::limits::{Bucket, Decision, Outcome};

// Microseconds throughout: at 1,000,000 per minute a request's interval is 60 µs, which whole
// milliseconds would round to 0 (Redis then refuses the key's expiry and every check fails).
// `%d` keeps the stored time exact (Lua prints 16-digit numbers in scientific notation).
const GCRA: &str = r"
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) * 1000000 + tonumber(now_parts[2])
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local function ms(us) return math.ceil(us / 1000) end
if tat - now > tolerance then
  return {0, ms(tat - now - tolerance), 0, ms(tat - now)}
end
local new_tat = tat + interval
redis.call('SET', KEYS[1], string.format('%d', new_tat), 'PX', math.max(1, ms(new_tat - now)))
local remaining = math.floor((tolerance - (new_tat - now)) / interval) + 1
return {1, 0, remaining, ms(new_tat - now)}
";

#[derive(Clone)]
pub struct RateLimiter {
    connection: ConnectionManager,
    script: Script,
    prefix: String,
    timeout: Duration,
}

impl std::fmt::Debug for RateLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RateLimiter")
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

impl RateLimiter {
    /// Connects lazily-resiliently: the manager reconnects after Redis comes back.
    pub async fn connect(url: &str, prefix: &str, timeout: Duration) -> Result<Self, String> {
        let client = redis::Client::open(url).map_err(|e| format!("{url}: {e}"))?;
        let config = redis::aio::ConnectionManagerConfig::new()
            .set_connection_timeout(Some(timeout))
            .set_response_timeout(Some(timeout))
            .set_number_of_retries(1);
        let connection = tokio::time::timeout(
            timeout * 4,
            ConnectionManager::new_with_config(client, config),
        )
        .await
        .map_err(|_| {
            format!(
                "{url}: no connection within {} ms",
                (timeout * 4).as_millis()
            )
        })?
        .map_err(|e| format!("{url}: {e}"))?;
        Ok(Self {
            connection,
            script: Script::new(GCRA),
            prefix: prefix.to_owned(),
            timeout,
        })
    }

    /// One request against `bucket` for `key` (a user id or a client address).
    pub async fn check(&self, bucket: Bucket, key: &str) -> Outcome {
        let per_minute = bucket.per_minute.clamp(1, 60_000_000);
        let interval_us = 60_000_000 / u64::from(per_minute);
        let tolerance_us = interval_us * u64::from(per_minute - 1);
        let redis_key = format!("{}gw:rl:{}:{key}", self.prefix, bucket.name);
        let mut connection = self.connection.clone();
        let mut invocation = self.script.key(redis_key);
        invocation.arg(interval_us).arg(tolerance_us);
        let call = invocation.invoke_async::<(i64, i64, i64, i64)>(&mut connection);
        match tokio::time::timeout(self.timeout, call).await {
            Ok(Ok((allowed, retry_ms, remaining, reset_ms))) => Outcome::Decided(Decision {
                allowed: allowed == 1,
                limit: per_minute,
                remaining: u32::try_from(remaining.max(0)).unwrap_or(0),
                retry_after: Duration::from_millis(u64::try_from(retry_ms.max(0)).unwrap_or(0)),
                reset_after: Duration::from_millis(u64::try_from(reset_ms.max(0)).unwrap_or(0)),
            }),
            Ok(Err(error)) => {
                tracing::warn!(%error, bucket = bucket.name, "rate limit check failed");
                Outcome::RedisDown(bucket.when_down)
            }
            Err(_) => {
                tracing::warn!(bucket = bucket.name, "rate limit check timed out");
                Outcome::RedisDown(bucket.when_down)
            }
        }
    }

    /// Whether Redis answers (readiness).
    pub async fn ping(&self) -> Result<(), String> {
        let mut connection = self.connection.clone();
        let command = redis::cmd("PING");
        let ping = command.query_async::<String>(&mut connection);
        match tokio::time::timeout(self.timeout, ping).await {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(error)) => Err(error.to_string()),
            Err(_) => Err(format!("no answer within {} ms", self.timeout.as_millis())),
        }
    }
}

/// The limiter the request path holds: Redis may be unreachable at start-up or later; until a
/// connection exists every check reports Redis down (the bucket's policy applies), while a
/// background task keeps trying to connect.
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
}

impl RateLimits for Limiter {
    fn check<'a>(&'a self, bucket: Bucket, key: &'a str) -> LimitFuture<'a, Outcome> {
        Box::pin(async move {
            match self.inner.read().await.as_ref() {
                Some(limiter) => limiter.check(bucket, key).await,
                None => Outcome::RedisDown(bucket.when_down),
            }
        })
    }

    fn ping(&self) -> LimitFuture<'_, Result<(), String>> {
        Box::pin(async move {
            match self.inner.read().await.as_ref() {
                Some(limiter) => limiter.ping().await,
                None => Err("not connected".into()),
            }
        })
    }
}
