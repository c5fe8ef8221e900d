//! Taking a payment request and showing a payment to the student who made it.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use edu_common::clock::Clock;
use uuid::Uuid;

use crate::app::ports::{BalanceLine, Created, PaymentStore, StoreError};
use crate::app::provider::{ChargeRequest, PaymentProvider, ProviderError, RefundRequest};
use crate::domain::idempotency::{IdempotencyKey, PaymentRequest};
use crate::domain::payment::{Payment, Status};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CreateError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The payment is stored (pending) but the provider was not reached or refused the card;
    /// the same request again (same key) asks the provider again, with the same idempotency key.
    #[error("payment {payment_id}: {error}")]
    Provider {
        payment_id: Uuid,
        error: ProviderError,
    },
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
}

impl Payments {
    pub fn new(
        store: Arc<dyn PaymentStore>,
        clock: Arc<dyn Clock>,
        provider: Arc<dyn PaymentProvider>,
    ) -> Self {
        Self {
            store,
            clock,
            provider,
        }
    }

    pub fn store(&self) -> &Arc<dyn PaymentStore> {
        &self.store
    }

    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    /// Starts a payment, or answers with the one this key already made; with a card, asks the
    /// provider to charge it while the payment is pending (a replay asks again under the same
    /// provider idempotency key, so the card is charged once). Without a card the payment waits
    /// for the provider's webhook (a checkout hosted by the provider) or its deadline.
    pub async fn create(
        &self,
        key: IdempotencyKey,
        request: PaymentRequest,
        card_token: Option<String>,
    ) -> Result<Created, CreateError> {
        let now = to_microseconds(self.clock.now());
        let created = self.store.create(key, request, Uuid::new_v4(), now).await?;
        if let (Created::Made(payment) | Created::Replayed(payment), Some(card_token)) =
            (&created, card_token)
            && payment.status == Status::Pending
        {
            let charge = ChargeRequest {
                payment_id: payment.id,
                amount: payment.amount,
                card_token,
            };
            self.provider
                .charge(charge)
                .await
                .map_err(|error| CreateError::Provider {
                    payment_id: payment.id,
                    error,
                })?;
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

    use edu_common::clock::SystemClock;

    use super::*;
    use crate::app::ports::StoreFuture;
    use crate::app::provider::InProcessProvider;
    use crate::domain::decisions::{self, CreateDecision, ProviderEvent, WebhookDecision};
    use crate::domain::idempotency::Used;
    use crate::domain::money::{Currency, Money};

    /// Payments and keys in memory, decided as the PostgreSQL store decides them.
    #[derive(Debug, Default)]
    struct FakePaymentStore {
        keys: Mutex<HashMap<(Uuid, String), Used>>,
        payments: Mutex<HashMap<Uuid, Payment>>,
    }

    impl PaymentStore for FakePaymentStore {
        fn create(
            &self,
            key: IdempotencyKey,
            request: PaymentRequest,
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
                    payments.insert(payment.id, payment.clone());
                    Created::Made(payment)
                }
                CreateDecision::Replay(id) => Created::Replayed(payments[&id].clone()),
                CreateDecision::Mismatch => Created::Mismatch,
            };
            Box::pin(std::future::ready(Ok(created)))
        }

        fn payment(&self, id: Uuid) -> StoreFuture<'_, Option<Payment>> {
            let found = self.payments.lock().unwrap().get(&id).cloned();
            Box::pin(std::future::ready(Ok(found)))
        }

        fn webhook(&self, event: ProviderEvent, _: SystemTime) -> StoreFuture<'_, WebhookDecision> {
            let mut payments = self.payments.lock().unwrap();
            let decision = decisions::on_webhook(false, payments.get(&event.payment_id), &event);
            if let WebhookDecision::Apply { payment, .. } = &decision {
                payments.insert(payment.id, (**payment).clone());
            }
            Box::pin(std::future::ready(Ok(decision)))
        }

        fn balances(&self) -> StoreFuture<'_, Vec<BalanceLine>> {
            Box::pin(std::future::ready(Ok(Vec::new())))
        }

        fn expire(
            &self,
            _: SystemTime,
            _: SystemTime,
            _: String,
            _: i64,
        ) -> StoreFuture<'_, Vec<Uuid>> {
            Box::pin(std::future::ready(Ok(Vec::new())))
        }

        fn ready(&self) -> StoreFuture<'_, ()> {
            Box::pin(std::future::ready(Ok(())))
        }
    }

    fn payments() -> (Payments, Arc<FakePaymentStore>, Arc<InProcessProvider>) {
        let store = Arc::new(FakePaymentStore::default());
        let provider = Arc::new(InProcessProvider::default());
        let payments = Payments::new(store.clone(), Arc::new(SystemClock), provider.clone());
        (payments, store, provider)
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

    #[tokio::test]
    async fn a_card_is_charged_under_the_payment_id_and_a_replay_never_charges_it_twice() {
        let (payments, _, provider) = payments();
        let card = || Some("tok_visa".to_owned());

        let first = payments.create(key("k1"), request(), card()).await.unwrap();
        for _ in 0..4 {
            payments.create(key("k1"), request(), card()).await.unwrap();
        }

        let charges = provider.charges();
        assert_eq!(charges.len(), 1, "one charge whatever the replays");
        assert_eq!(charges[0].idempotency_key(), id_of(&first).to_string());
        assert_eq!(charges[0].card_token, "tok_visa");
        assert_eq!(
            provider.asked(),
            5,
            "each replay asks again, under the same key"
        );
    }

    #[tokio::test]
    async fn a_payment_without_a_card_waits_for_the_provider_and_asks_nothing() {
        let (payments, _, provider) = payments();

        payments.create(key("k2"), request(), None).await.unwrap();

        assert_eq!(provider.asked(), 0);
    }

    #[tokio::test]
    async fn a_provider_that_does_not_answer_leaves_the_payment_pending_for_a_retry() {
        let (payments, store, provider) = payments();
        provider
            .down
            .store(true, std::sync::atomic::Ordering::SeqCst);

        let error = payments
            .create(key("k3"), request(), Some("tok_visa".into()))
            .await
            .unwrap_err();

        let CreateError::Provider { payment_id, error } = error else {
            panic!("{error:?}");
        };
        assert!(matches!(error, ProviderError::Unavailable(_)));
        let kept = store.payment(payment_id).await.unwrap().unwrap();
        assert_eq!(kept.status, Status::Pending);
        provider
            .down
            .store(false, std::sync::atomic::Ordering::SeqCst);
        let again = payments
            .create(key("k3"), request(), Some("tok_visa".into()))
            .await
            .unwrap();
        assert!(matches!(again, Created::Replayed(_)));
        assert_eq!(provider.charges().len(), 1);
    }

    #[tokio::test]
    async fn only_a_succeeded_payment_is_refunded_and_only_once_asked_per_key() {
        let (payments, store, provider) = payments();
        let made = payments.create(key("k4"), request(), None).await.unwrap();
        let id = id_of(&made);
        assert!(matches!(
            payments.refund(id).await.unwrap(),
            Refund::NotRefundable(_)
        ));
        let success = ProviderEvent {
            id: "evt".into(),
            payment_id: id,
            outcome: crate::domain::payment::Outcome::Succeeded,
            amount: request().amount,
            reason: None,
        };
        store.webhook(success, SystemTime::now()).await.unwrap();

        let first = payments.refund(id).await.unwrap();
        payments.refund(id).await.unwrap();

        assert!(matches!(first, Refund::Requested(_)));
        let refunds = provider.refunds();
        assert_eq!(refunds.len(), 1);
        assert_eq!(refunds[0].idempotency_key(), format!("refund-{id}"));
        assert_eq!(
            payments.refund(Uuid::from_u128(99)).await.unwrap(),
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
