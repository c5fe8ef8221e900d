//! Taking a payment request and showing a payment to the student who made it.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use edu_common::clock::Clock;
use uuid::Uuid;

use crate::app::charges::{ChargeError, Charges};
use crate::app::ports::{BalanceLine, Created, PaymentStore, StoreError};
use crate::app::provider::{PaymentProvider, ProviderError, RefundRequest};
use crate::domain::idempotency::{IdempotencyKey, PaymentRequest};
use crate::domain::payment::{Payment, Status};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CreateError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The provider refused the card itself: the payment failed with its words.
    #[error("payment {payment_id}: the provider refused the card: {why}")]
    CardRefused { payment_id: Uuid, why: String },
}

/// What a refund request did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refund {
    /// The provider took the refund; `payment.refunded` follows its webhook.
    Requested(Payment),
    /// Refunded already: nothing asked.
    AlreadyRefunded(Payment),
    /// Only a succeeded payment can be refunded.
    NotRefundable(Payment),
    NotFound,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RefundError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Provider(#[from] ProviderError),
}

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
    provider: Arc<dyn PaymentProvider>,
    charges: Charges,
}

impl Payments {
    pub fn new(
        store: Arc<dyn PaymentStore>,
        clock: Arc<dyn Clock>,
        provider: Arc<dyn PaymentProvider>,
        charges: Charges,
    ) -> Self {
        Self {
            store,
            clock,
            provider,
            charges,
        }
    }

    pub fn store(&self) -> &Arc<dyn PaymentStore> {
        &self.store
    }

    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    /// Starts a payment, or answers with the one this key already made. A new payment with a
    /// card is stored with it, then the provider is asked to charge it; a provider that does
    /// not answer leaves it pending and `Charges` asks again in the background (the payment id
    /// is the provider's idempotency key: the card is charged once). A replay asks nothing.
    /// Without a card the payment waits for the provider's webhook (a checkout the provider
    /// hosts) or its deadline.
    pub async fn create(
        &self,
        key: IdempotencyKey,
        request: PaymentRequest,
        card_token: Option<String>,
    ) -> Result<Created, CreateError> {
        let now = to_microseconds(self.clock.now());
        let created = self
            .store
            .create(key, request, card_token.clone(), Uuid::new_v4(), now)
            .await?;
        if let (Created::Made(payment), Some(card_token)) = (&created, card_token) {
            match self.charges.request(payment, card_token).await {
                Ok(()) => {}
                Err(ChargeError::Provider(ProviderError::Refused(why))) => {
                    return Err(CreateError::CardRefused {
                        payment_id: payment.id,
                        why,
                    });
                }
                Err(error) => {
                    tracing::warn!(payment_id = %payment.id, %error, "the charge is asked again later");
                }
            }
        }
        Ok(created)
    }

    /// Asks the provider to refund a succeeded payment in full (admins decide; the webhook
    /// confirms it).
    pub async fn refund(&self, id: Uuid) -> Result<Refund, RefundError> {
        let Some(payment) = self.store.payment(id).await? else {
            return Ok(Refund::NotFound);
        };
        match payment.status {
            Status::Succeeded => {
                let request = RefundRequest {
                    payment_id: payment.id,
                    amount: payment.amount,
                };
                self.provider.refund(request).await?;
                Ok(Refund::Requested(payment))
            }
            Status::Refunded => Ok(Refund::AlreadyRefunded(payment)),
            Status::Pending | Status::Failed => Ok(Refund::NotRefundable(payment)),
        }
    }

    /// A payment by id, whoever made it (the gRPC API, called by trusted services).
    pub async fn get(&self, id: Uuid) -> Result<Option<Payment>, StoreError> {
        self.store.payment(id).await
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
    use std::collections::HashMap;
    use std::sync::Mutex;
    use std::sync::atomic::Ordering;

    use edu_common::clock::SystemClock;

    use super::*;
    use crate::app::charges::refused_reason;
    use crate::app::ports::StoreFuture;
    use crate::app::provider::InProcessProvider;
    use crate::domain::decisions::{self, CreateDecision, ProviderEvent, WebhookDecision};
    use crate::domain::idempotency::Used;
    use crate::domain::money::{Currency, Money};

    /// Payments, keys and cards in memory, decided as the PostgreSQL store decides them.
    #[derive(Debug, Default)]
    struct FakePaymentStore {
        keys: Mutex<HashMap<(Uuid, String), Used>>,
        payments: Mutex<HashMap<Uuid, Payment>>,
        /// The card of each payment made with one, and whether its charge was requested.
        cards: Mutex<HashMap<Uuid, (String, bool)>>,
        /// The reasons of the payments failed.
        failed: Mutex<Vec<(Uuid, String)>>,
    }

    fn ready<T: Send + 'static>(value: T) -> StoreFuture<'static, T> {
        Box::pin(std::future::ready(Ok(value)))
    }

    impl PaymentStore for FakePaymentStore {
        fn create(
            &self,
            key: IdempotencyKey,
            request: PaymentRequest,
            card_token: Option<String>,
            new_id: Uuid,
            now: SystemTime,
        ) -> StoreFuture<'_, Created> {
            let mut keys = self.keys.lock().unwrap();
            let mut payments = self.payments.lock().unwrap();
            let slot = (request.student_id, key.as_str().to_owned());
            let created = match decisions::create(keys.get(&slot).copied(), &request, new_id, now) {
                CreateDecision::Make(payment) => {
                    keys.insert(
                        slot,
                        Used {
                            fingerprint: request.fingerprint(),
                            payment_id: payment.id,
                        },
                    );
                    if let Some(card) = card_token {
                        self.cards.lock().unwrap().insert(payment.id, (card, false));
                    }
                    payments.insert(payment.id, payment.clone());
                    Created::Made(payment)
                }
                CreateDecision::Replay(id) => Created::Replayed(payments[&id].clone()),
                CreateDecision::Mismatch => Created::Mismatch,
            };
            ready(created)
        }

        fn payment(&self, id: Uuid) -> StoreFuture<'_, Option<Payment>> {
            ready(self.payments.lock().unwrap().get(&id).cloned())
        }

        fn webhook(&self, event: ProviderEvent, _: SystemTime) -> StoreFuture<'_, WebhookDecision> {
            let mut payments = self.payments.lock().unwrap();
            let decision = decisions::on_webhook(false, payments.get(&event.payment_id), &event);
            if let WebhookDecision::Apply { payment, .. } = &decision {
                payments.insert(payment.id, (**payment).clone());
            }
            ready(decision)
        }

        fn balances(&self) -> StoreFuture<'_, Vec<BalanceLine>> {
            ready(Vec::new())
        }

        fn expire(
            &self,
            _: SystemTime,
            _: SystemTime,
            _: String,
            _: i64,
        ) -> StoreFuture<'_, Vec<Uuid>> {
            ready(Vec::new())
        }

        fn charge_requested(&self, payment_id: Uuid, _: SystemTime) -> StoreFuture<'_, ()> {
            if let Some(card) = self.cards.lock().unwrap().get_mut(&payment_id) {
                card.1 = true;
            }
            ready(())
        }

        fn charges_due(&self, _: SystemTime, _: i64) -> StoreFuture<'_, Vec<(Payment, String)>> {
            let payments = self.payments.lock().unwrap();
            let due = self
                .cards
                .lock()
                .unwrap()
                .iter()
                .filter(|(id, (_, requested))| !requested && payments[id].status == Status::Pending)
                .map(|(id, (card, _))| (payments[id].clone(), card.clone()))
                .collect();
            ready(due)
        }

        fn fail_pending(&self, id: Uuid, reason: String, _: SystemTime) -> StoreFuture<'_, bool> {
            let mut payments = self.payments.lock().unwrap();
            let failed = payments.get(&id).and_then(decisions::expire);
            if let Some(next) = &failed {
                payments.insert(id, next.clone());
                self.failed.lock().unwrap().push((id, reason));
            }
            ready(failed.is_some())
        }

        fn ready(&self) -> StoreFuture<'_, ()> {
            ready(())
        }
    }

    struct World {
        payments: Payments,
        charges: Charges,
        store: Arc<FakePaymentStore>,
        provider: Arc<InProcessProvider>,
    }

    fn world() -> World {
        let store = Arc::new(FakePaymentStore::default());
        let provider = Arc::new(InProcessProvider::default());
        let charges = Charges::new(
            store.clone(),
            provider.clone(),
            Arc::new(SystemClock),
            Duration::ZERO,
            Duration::from_secs(1),
        );
        let payments = Payments::new(
            store.clone(),
            Arc::new(SystemClock),
            provider.clone(),
            charges.clone(),
        );
        World {
            payments,
            charges,
            store,
            provider,
        }
    }

    fn request() -> PaymentRequest {
        PaymentRequest {
            student_id: Uuid::from_u128(1),
            course_id: Uuid::from_u128(2),
            amount: Money::new(Currency::parse("EUR").unwrap(), 4_900).unwrap(),
        }
    }

    fn key(text: &str) -> IdempotencyKey {
        IdempotencyKey::parse(text).unwrap()
    }

    fn id_of(created: &Created) -> Uuid {
        match created {
            Created::Made(p) | Created::Replayed(p) => p.id,
            Created::Mismatch => panic!("a mismatch"),
        }
    }

    #[allow(
        clippy::unnecessary_wraps,
        reason = "`create` takes the card as an Option"
    )]
    fn card() -> Option<String> {
        Some("tok_visa".to_owned())
    }

    #[tokio::test]
    async fn a_card_is_charged_once_under_the_payment_id_and_a_replay_asks_nothing() {
        let w = world();

        let first = w
            .payments
            .create(key("k1"), request(), card())
            .await
            .unwrap();
        for _ in 0..4 {
            w.payments
                .create(key("k1"), request(), card())
                .await
                .unwrap();
        }
        let retried = w.charges.retry_due().await.unwrap();

        let charges = w.provider.charges();
        assert_eq!(charges.len(), 1, "one charge whatever the replays");
        assert_eq!(charges[0].idempotency_key(), id_of(&first).to_string());
        assert_eq!(charges[0].card_token, "tok_visa");
        assert_eq!(w.provider.asked(), 1);
        assert_eq!(retried, 0, "the request was taken: nothing due");
    }

    #[tokio::test]
    async fn a_payment_without_a_card_waits_for_the_provider_and_asks_nothing() {
        let w = world();

        w.payments.create(key("k2"), request(), None).await.unwrap();
        w.charges.retry_due().await.unwrap();

        assert_eq!(w.provider.asked(), 0);
    }

    #[tokio::test]
    async fn a_provider_that_does_not_answer_leaves_the_payment_pending_and_it_is_asked_again() {
        let w = world();
        w.provider.down.store(true, Ordering::SeqCst);

        let made = w
            .payments
            .create(key("k3"), request(), card())
            .await
            .unwrap();
        assert_eq!(w.charges.retry_due().await.unwrap(), 0, "still down");

        assert!(matches!(made, Created::Made(ref p) if p.status == Status::Pending));
        w.provider.down.store(false, Ordering::SeqCst);
        assert_eq!(w.charges.retry_due().await.unwrap(), 1);
        assert_eq!(w.charges.retry_due().await.unwrap(), 0);
        assert_eq!(w.provider.charges().len(), 1);
        assert_eq!(w.provider.asked(), 3);
    }

    #[tokio::test]
    async fn a_refused_card_fails_the_payment_with_the_providers_words() {
        let w = world();

        let error = w
            .payments
            .create(key("k5"), request(), Some("4242424242424242".into()))
            .await
            .unwrap_err();

        let CreateError::CardRefused { payment_id, why } = error else {
            panic!("{error:?}");
        };
        assert!(why.contains("not a card we know"), "{why}");
        let failed = w.store.failed.lock().unwrap().clone();
        assert_eq!(failed, [(payment_id, refused_reason(&why))]);
        assert_eq!(w.charges.retry_due().await.unwrap(), 0, "never asked again");
    }

    #[tokio::test]
    async fn only_a_succeeded_payment_is_refunded_and_only_once_asked_per_key() {
        let w = world();
        let made = w.payments.create(key("k4"), request(), None).await.unwrap();
        let id = id_of(&made);
        assert!(matches!(
            w.payments.refund(id).await.unwrap(),
            Refund::NotRefundable(_)
        ));
        let success = ProviderEvent {
            id: "evt".into(),
            payment_id: id,
            outcome: crate::domain::payment::Outcome::Succeeded,
            amount: request().amount,
            reason: None,
        };
        w.store.webhook(success, SystemTime::now()).await.unwrap();

        let first = w.payments.refund(id).await.unwrap();
        w.payments.refund(id).await.unwrap();

        assert!(matches!(first, Refund::Requested(_)));
        let refunds = w.provider.refunds();
        assert_eq!(refunds.len(), 1);
        assert_eq!(refunds[0].idempotency_key(), format!("refund-{id}"));
        assert_eq!(
            w.payments.refund(Uuid::from_u128(99)).await.unwrap(),
            Refund::NotFound
        );
    }

    #[test]
    fn times_keep_whole_microseconds_as_the_database_does() {
        let time = UNIX_EPOCH + Duration::new(1_700_000_000, 123_456_789);
        assert_eq!(
            to_microseconds(time),
            UNIX_EPOCH + Duration::new(1_700_000_000, 123_456_000)
        );
    }
}
