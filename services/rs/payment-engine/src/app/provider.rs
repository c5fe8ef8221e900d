//! The payment provider: asked to charge a card or refund a payment, it answers at once that it
//! took the request and confirms the outcome later by a signed webhook (`app::webhooks`).
//!
//! Every request carries an idempotency key of ours — the payment id for a charge,
//! `refund-<payment id>` for its refund — so asking again (a retried `POST /payments`, a lost
//! answer) never charges or refunds twice: the provider answers with the first request's result.
//! Adapters: `adapters::provider_http` (the sandbox or a real provider over HTTP) and
//! [`InProcessProvider`] (unit tests).

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;

use uuid::Uuid;

use crate::domain::money::Money;

/// Asks to take `amount` from the card behind `card_token` for `payment_id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChargeRequest {
    pub payment_id: Uuid,
    pub amount: Money,
    pub card_token: String,
}

/// Asks to give back a succeeded payment in full.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundRequest {
    pub payment_id: Uuid,
    pub amount: Money,
}

impl ChargeRequest {
    pub fn idempotency_key(&self) -> String {
        self.payment_id.to_string()
    }
}

impl RefundRequest {
    pub fn idempotency_key(&self) -> String {
        format!("refund-{}", self.payment_id)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProviderError {
    /// The provider could not be asked (down, slow): asking again with the same key is safe.
    #[error("the payment provider did not answer: {0}")]
    Unavailable(String),
    /// The provider refused the request itself (an unknown card, a refund of nothing).
    #[error("the payment provider refused: {0}")]
    Refused(String),
}

pub type ProviderFuture<'a> = Pin<Box<dyn Future<Output = Result<(), ProviderError>> + Send + 'a>>;

pub trait PaymentProvider: Send + Sync + std::fmt::Debug {
    /// The provider took the charge; its outcome comes by webhook.
    fn charge(&self, request: ChargeRequest) -> ProviderFuture<'_>;
    /// The provider took the refund; its confirmation comes by webhook.
    fn refund(&self, request: RefundRequest) -> ProviderFuture<'_>;
}

/// A provider in memory that keeps what it was asked, once per idempotency key as a real one
/// does (the unit tests' double; it sends no webhooks).
#[derive(Debug, Default)]
pub struct InProcessProvider {
    charges: Mutex<HashMap<String, ChargeRequest>>,
    refunds: Mutex<HashMap<String, RefundRequest>>,
    asked: Mutex<usize>,
    /// When set, every request fails as if the provider were down.
    pub down: std::sync::atomic::AtomicBool,
}

impl InProcessProvider {
    /// The charges taken, one per key.
    pub fn charges(&self) -> Vec<ChargeRequest> {
        lock(&self.charges).values().cloned().collect()
    }

    pub fn refunds(&self) -> Vec<RefundRequest> {
        lock(&self.refunds).values().cloned().collect()
    }

    /// How many requests reached it, repeats included.
    pub fn asked(&self) -> usize {
        *lock(&self.asked)
    }

    fn take<T: Clone>(
        &self,
        book: &Mutex<HashMap<String, T>>,
        key: String,
        request: T,
    ) -> Result<(), ProviderError> {
        *lock(&self.asked) += 1;
        if self.down.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(ProviderError::Unavailable("down (in-process)".into()));
        }
        lock(book).entry(key).or_insert(request);
        Ok(())
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl PaymentProvider for InProcessProvider {
    /// A token that does not start with `tok_` is refused, as a real provider refuses a card.
    fn charge(&self, request: ChargeRequest) -> ProviderFuture<'_> {
        if !request.card_token.starts_with("tok_") {
            *lock(&self.asked) += 1;
            let why = format!("{} is not a card we know", request.card_token);
            return Box::pin(std::future::ready(Err(ProviderError::Refused(why))));
        }
        let result = self.take(&self.charges, request.idempotency_key(), request);
        Box::pin(std::future::ready(result))
    }

    fn refund(&self, request: RefundRequest) -> ProviderFuture<'_> {
        let result = self.take(&self.refunds, request.idempotency_key(), request);
        Box::pin(std::future::ready(result))
    }
}
