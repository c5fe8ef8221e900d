//! Payments the provider never confirmed: after the deadline (`EDU_PAYMENT_DEADLINE_SECONDS`)
//! a pending payment fails with a `payment.failed` the student can read, so a checkout never
//! waits forever. A confirmation that arrives later is refused as an illegal move (422, logged):
//! our sandbox never takes money for a charge it did not confirm; a real provider's intent is to
//! be cancelled before the deadline (ADR 0022).

use std::sync::Arc;
use std::time::Duration;

use edu_common::clock::Clock;
use edu_common::shutdown::Shutdown;
use uuid::Uuid;

use crate::app::payments::to_microseconds;
use crate::app::ports::{PaymentStore, StoreError};

/// What the student reads about a payment the provider never confirmed.
pub const TIMED_OUT: &str = "The payment provider did not confirm the payment in time; nothing was taken. Please try again.";

/// Payments failed per pass.
const BATCH: i64 = 100;

#[derive(Debug, Clone)]
pub struct Expiry {
    store: Arc<dyn PaymentStore>,
    clock: Arc<dyn Clock>,
    deadline: Duration,
    interval: Duration,
}

impl Expiry {
    pub fn new(
        store: Arc<dyn PaymentStore>,
        clock: Arc<dyn Clock>,
        deadline: Duration,
        interval: Duration,
    ) -> Self {
        Self {
            store,
            clock,
            deadline,
            interval,
        }
    }

    /// One pass: the payments failed now.
    pub async fn expire_once(&self) -> Result<Vec<Uuid>, StoreError> {
        let now = to_microseconds(self.clock.now());
        let made_before = now.checked_sub(self.deadline).unwrap_or(now);
        self.store
            .expire(made_before, now, TIMED_OUT.to_owned(), BATCH)
            .await
    }

    /// Passes every `interval` until `stop`.
    pub async fn run(&self, stop: Shutdown) {
        while !stop.is_triggered() {
            match self.expire_once().await {
                Ok(expired) if !expired.is_empty() => {
                    tracing::info!(
                        count = expired.len(),
                        "payments failed after their deadline"
                    );
                }
                Ok(_) => {}
                Err(error) => tracing::warn!(%error, "the payment deadline pass failed"),
            }
            tokio::select! {
                () = stop.wait() => {}
                () = tokio::time::sleep(self.interval) => {}
            }
        }
    }
}
