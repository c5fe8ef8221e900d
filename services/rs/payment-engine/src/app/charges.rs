//! Asking the provider to charge a payment's card: once right after the payment is stored, and
//! again in the background for every pending payment whose request the provider has not taken
//! (it was down, slow, or the engine stopped between its commit and the call). Every request
//! carries the payment id as the provider's idempotency key, so asking again never charges twice;
//! a card the provider refuses fails the payment with the provider's words.

use std::sync::Arc;
use std::time::Duration;

use edu_common::clock::Clock;
use edu_common::shutdown::Shutdown;

use crate::app::payments::to_microseconds;
use crate::app::ports::{PaymentStore, StoreError};
use crate::app::provider::{ChargeRequest, PaymentProvider, ProviderError};
use crate::domain::payment::Payment;

/// Payments asked for per pass.
const BATCH: i64 = 100;

/// What the student reads when the provider refuses the card itself.
pub fn refused_reason(why: &str) -> String {
    format!("The payment provider refused the card: {why}.")
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChargeError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Provider(#[from] ProviderError),
}

#[derive(Debug, Clone)]
pub struct Charges {
    store: Arc<dyn PaymentStore>,
    provider: Arc<dyn PaymentProvider>,
    clock: Arc<dyn Clock>,
    /// A payment younger than this is left to the request that made it.
    grace: Duration,
    interval: Duration,
}

impl Charges {
    pub fn new(
        store: Arc<dyn PaymentStore>,
        provider: Arc<dyn PaymentProvider>,
        clock: Arc<dyn Clock>,
        grace: Duration,
        interval: Duration,
    ) -> Self {
        Self {
            store,
            provider,
            clock,
            grace,
            interval,
        }
    }

    /// Asks the provider to charge `payment` with `card_token`; a refused card fails the payment.
    pub async fn request(&self, payment: &Payment, card_token: String) -> Result<(), ChargeError> {
        let charge = ChargeRequest {
            payment_id: payment.id,
            amount: payment.amount,
            card_token,
        };
        match self.provider.charge(charge).await {
            Ok(()) => {
                let now = to_microseconds(self.clock.now());
                self.store.charge_requested(payment.id, now).await?;
                Ok(())
            }
            Err(ProviderError::Refused(why)) => {
                let now = to_microseconds(self.clock.now());
                self.store
                    .fail_pending(payment.id, refused_reason(&why), now)
                    .await?;
                Err(ProviderError::Refused(why).into())
            }
            Err(error) => Err(error.into()),
        }
    }

    /// One pass over the charges due; how many the provider took. Stops at the first provider
    /// that does not answer (the next pass tries again).
    pub async fn retry_due(&self) -> Result<usize, StoreError> {
        let now = to_microseconds(self.clock.now());
        let made_before = now.checked_sub(self.grace).unwrap_or(now);
        let mut taken = 0;
        for (payment, card_token) in self.store.charges_due(made_before, BATCH).await? {
            match self.request(&payment, card_token).await {
                Ok(()) => taken += 1,
                Err(ChargeError::Provider(ProviderError::Refused(_))) => {}
                Err(ChargeError::Provider(ProviderError::Unavailable(cause))) => {
                    tracing::warn!(%cause, "the payment provider still does not answer");
                    break;
                }
                Err(ChargeError::Store(error)) => return Err(error),
            }
        }
        Ok(taken)
    }

    /// Passes every `interval` until `stop`.
    pub async fn run(&self, stop: Shutdown) {
        while !stop.is_triggered() {
            if let Err(error) = self.retry_due().await {
                tracing::warn!(%error, "the charge retry pass failed");
            }
            tokio::select! {
                () = stop.wait() => {}
                () = tokio::time::sleep(self.interval) => {}
            }
        }
    }
}
