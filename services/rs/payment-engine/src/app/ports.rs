//! What the use cases need from the outside: a store that applies the domain's decisions
//! (`domain::decisions`) atomically. The PostgreSQL adapter is `adapters::postgres`.

use std::future::Future;
use std::pin::Pin;
use std::time::SystemTime;

use uuid::Uuid;

use crate::domain::decisions::{ProviderEvent, WebhookDecision};
use crate::domain::idempotency::{IdempotencyKey, PaymentRequest};
use crate::domain::ledger::Account;
use crate::domain::payment::Payment;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// The database cannot be reached or refused the work; nothing was changed.
    #[error("the payments database is unavailable: {0}")]
    Unavailable(String),
    /// A row that breaks the domain's rules (a currency we do not take, a status we do not know).
    #[error("a stored row is not valid: {0}")]
    Corrupt(String),
}

/// What a create request did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Created {
    /// A new pending payment, stored with its key.
    Made(Payment),
    /// The key's first request again (or a concurrent duplicate that lost the race): its payment.
    Replayed(Payment),
    /// The key was used for another request.
    Mismatch,
}

/// One account's balance in one currency, derived from the ledger's entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BalanceLine {
    pub account: Account,
    pub currency: String,
    pub balance_minor: i64,
}

pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'a>>;

pub trait PaymentStore: Send + Sync + std::fmt::Debug {
    /// Decides (`decisions::create`) and stores in one transaction; the unique key decides
    /// concurrent duplicates, the loser reads the winner's payment and replays it.
    fn create(
        &self,
        key: IdempotencyKey,
        request: PaymentRequest,
        card_token: Option<String>,
        new_id: Uuid,
        now: SystemTime,
    ) -> StoreFuture<'_, Created>;

    fn payment(&self, id: Uuid) -> StoreFuture<'_, Option<Payment>>;

    /// Decides (`decisions::on_webhook`) with the payment locked and applies the decision in
    /// the same transaction: status, ledger movement, outbox event and the event's id together.
    fn webhook(&self, event: ProviderEvent, now: SystemTime) -> StoreFuture<'_, WebhookDecision>;

    fn balances(&self) -> StoreFuture<'_, Vec<BalanceLine>>;

    /// Fails the payments still pending that were made before `made_before` (the provider
    /// never confirmed them): each one's status and its `payment.failed` with `reason`, in one
    /// transaction; the ids failed (at most `limit`).
    fn expire(
        &self,
        made_before: SystemTime,
        now: SystemTime,
        reason: String,
        limit: i64,
    ) -> StoreFuture<'_, Vec<Uuid>>;

    /// The provider took the charge request of `payment_id` (it is not asked again).
    fn charge_requested(&self, payment_id: Uuid, at: SystemTime) -> StoreFuture<'_, ()>;

    /// Pending payments with a card, made at or before `made_before`, whose charge request the
    /// provider has not taken yet: each with its card token, oldest first, at most `limit`.
    fn charges_due(
        &self,
        made_before: SystemTime,
        limit: i64,
    ) -> StoreFuture<'_, Vec<(Payment, String)>>;

    /// Fails `payment_id` if it is still pending (the provider refused its card): its status
    /// and a `payment.failed` with `reason` in one transaction; whether it failed now.
    fn fail_pending(
        &self,
        payment_id: Uuid,
        reason: String,
        now: SystemTime,
    ) -> StoreFuture<'_, bool>;

    /// Whether the store can serve (readiness).
    fn ready(&self) -> StoreFuture<'_, ()>;
}

/// One event of the outbox, as stored (the shared relay's, `edu-outbox`).
pub use edu_outbox::OutboxRecord;
