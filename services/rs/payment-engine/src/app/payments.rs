//! Taking a payment request and showing a payment to the student who made it.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use edu_common::clock::Clock;
use uuid::Uuid;

use crate::app::ports::{BalanceLine, Created, PaymentStore, StoreError};
use crate::domain::idempotency::{IdempotencyKey, PaymentRequest};
use crate::domain::payment::Payment;

/// `time` as PostgreSQL keeps it (microseconds): the answer to a new payment and the replays
/// read back from the database show the same `created_at`.
pub fn to_microseconds(time: SystemTime) -> SystemTime {
    let since = time.duration_since(UNIX_EPOCH).unwrap_or_default();
    UNIX_EPOCH + Duration::new(since.as_secs(), since.subsec_micros() * 1_000)
}

#[derive(Debug, Clone)]
pub struct Payments {
    store: Arc<dyn PaymentStore>,
    clock: Arc<dyn Clock>,
}

impl Payments {
    pub fn new(store: Arc<dyn PaymentStore>, clock: Arc<dyn Clock>) -> Self {
        Self { store, clock }
    }

    pub fn store(&self) -> &Arc<dyn PaymentStore> {
        &self.store
    }

    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    /// Starts a payment, or answers with the one this key already made.
    pub async fn create(
        &self,
        key: IdempotencyKey,
        request: PaymentRequest,
    ) -> Result<Created, StoreError> {
        let now = to_microseconds(self.clock.now());
        self.store.create(key, request, Uuid::new_v4(), now).await
    }

    /// The payment `id` when `student_id` made it; someone else's is as good as missing.
    pub async fn of_student(
        &self,
        student_id: Uuid,
        id: Uuid,
    ) -> Result<Option<Payment>, StoreError> {
        let payment = self.store.payment(id).await?;
        Ok(payment.filter(|p| p.student_id == student_id))
    }

    /// Every account's balance per currency, derived from the entries.
    pub async fn balances(&self) -> Result<Vec<BalanceLine>, StoreError> {
        self.store.balances().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_keep_whole_microseconds_as_the_database_does() {
        let time = UNIX_EPOCH + Duration::new(1_700_000_000, 123_456_789);
        assert_eq!(
            to_microseconds(time),
            UNIX_EPOCH + Duration::new(1_700_000_000, 123_456_000)
        );
    }
}
