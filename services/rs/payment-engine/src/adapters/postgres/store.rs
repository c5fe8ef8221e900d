//! The decisions of `domain::decisions` applied in PostgreSQL, one transaction each: nothing is
//! ever half done, whatever stops between the provider's confirmation and our commit.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use tokio::sync::Notify;
use tokio_postgres::Transaction;
use uuid::Uuid;

use super::pool::PgPool;
use super::rows::{PAYMENT_COLUMN_COUNT, PAYMENT_COLUMNS, payment, unavailable};
use crate::adapters::events;
use crate::app::ports::{BalanceLine, Created, PaymentStore, StoreError, StoreFuture};
use crate::domain::decisions::{
    self, CreateDecision, PaymentEvent, ProviderEvent, WebhookDecision,
};
use crate::domain::idempotency::{IdempotencyKey, PaymentRequest, Used};
use crate::domain::ledger::{Account, Movement};
use crate::domain::payment::Payment;

/// How often a create request re-reads after losing the key's race (once is enough: the winner
/// committed; more only if the winner rolled back and another racer won).
const CREATE_ATTEMPTS: usize = 3;

#[derive(Debug)]
pub struct PostgresPaymentStore {
    pool: PgPool,
    /// The chaos failpoint `webhook-before-commit` (settings): how long an applied webhook's
    /// transaction waits before COMMIT. None everywhere but chaos runs.
    commit_pause: Option<Duration>,
    /// Notified after each commit that wrote an outbox row (the relay's wake-up).
    written: Arc<Notify>,
}

impl PostgresPaymentStore {
    pub fn new(pool: PgPool) -> Self {
        Self {
            pool,
            commit_pause: None,
            written: Arc::new(Notify::new()),
        }
    }

    /// Notified after each commit that wrote an outbox row (the relay's wake-up).
    pub fn outbox_written(&self) -> Arc<Notify> {
        self.written.clone()
    }

    /// The same store holding every applied webhook's transaction open `pause` before COMMIT.
    #[must_use]
    pub fn with_commit_pause(mut self, pause: Option<Duration>) -> Self {
        self.commit_pause = pause;
        self
    }

    pub(super) fn pool(&self) -> &PgPool {
        &self.pool
    }

    async fn create_once(
        &self,
        key: &IdempotencyKey,
        request: &PaymentRequest,
        card_token: Option<&str>,
        new_id: Uuid,
        now: SystemTime,
    ) -> Result<Option<Created>, StoreError> {
        let mut connection = self.pool.get().await?;
        let tx = connection
            .client()
            .transaction()
            .await
            .map_err(|e| unavailable(&e))?;
        let used = tx
            .query_opt(
                "SELECT fingerprint, payment_id FROM idempotency_keys \
                 WHERE student_id = $1 AND key = $2",
                &[&request.student_id, &key.as_str()],
            )
            .await
            .map_err(|e| unavailable(&e))?
            .map(|row| -> Result<Used, StoreError> {
                let print: Vec<u8> = row.get(0);
                Ok(Used {
                    fingerprint: print
                        .try_into()
                        .map_err(|_| StoreError::Corrupt("a fingerprint is not 32 bytes".into()))?,
                    payment_id: row.get(1),
                })
            })
            .transpose()?;
        match decisions::create(used, request, new_id, now) {
            CreateDecision::Make(made) => {
                insert_payment(&tx, &made, card_token, now).await?;
                let fingerprint = request.fingerprint();
                let claimed = tx
                    .execute(
                        "INSERT INTO idempotency_keys \
                         (student_id, key, fingerprint, payment_id, created_at) \
                         VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
                        &[
                            &request.student_id,
                            &key.as_str(),
                            &fingerprint.as_slice(),
                            &made.id,
                            &now,
                        ],
                    )
                    .await
                    .map_err(|e| unavailable(&e))?;
                if claimed == 0 {
                    // A concurrent duplicate committed the key first: ours goes, theirs is read.
                    tx.rollback().await.map_err(|e| unavailable(&e))?;
                    return Ok(None);
                }
                tx.commit().await.map_err(|e| unavailable(&e))?;
                Ok(Some(Created::Made(made)))
            }
            CreateDecision::Replay(id) => {
                let first = select_payment(&tx, id, false)
                    .await?
                    .ok_or_else(|| StoreError::Corrupt(format!("key without payment {id}")))?;
                tx.commit().await.map_err(|e| unavailable(&e))?;
                Ok(Some(Created::Replayed(first)))
            }
            CreateDecision::Mismatch => Ok(Some(Created::Mismatch)),
        }
    }

    async fn webhook_in_transaction(
        &self,
        event: &ProviderEvent,
        now: SystemTime,
    ) -> Result<WebhookDecision, StoreError> {
        let mut connection = self.pool.get().await?;
        let tx = connection
            .client()
            .transaction()
            .await
            .map_err(|e| unavailable(&e))?;
        // The lock serialises deliveries for one payment: the second reads what the first did.
        let current = select_payment(&tx, event.payment_id, true).await?;
        let seen = tx
            .query_opt(
                "SELECT 1 FROM processed_webhooks WHERE event_id = $1",
                &[&event.id],
            )
            .await
            .map_err(|e| unavailable(&e))?
            .is_some();
        let decision = decisions::on_webhook(seen, current.as_ref(), event);
        let result = match &decision {
            // Nothing to keep: a retryable refusal is decided again at the next delivery.
            WebhookDecision::Duplicate
            | WebhookDecision::UnknownPayment
            | WebhookDecision::NotYet => {
                tx.rollback().await.map_err(|e| unavailable(&e))?;
                return Ok(decision);
            }
            WebhookDecision::Unchanged => "unchanged",
            WebhookDecision::AmountMismatch => "amount_mismatch",
            WebhookDecision::Illegal { .. } => "illegal",
            WebhookDecision::Apply {
                payment: next,
                movement,
                event: news,
            } => {
                let reason = event.reason.as_deref();
                apply(&tx, next, movement.as_ref(), *news, reason, now).await?;
                "applied"
            }
        };
        let recorded = tx
            .execute(
                "INSERT INTO processed_webhooks (event_id, payment_id, result, received_at) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                &[&event.id, &event.payment_id, &result, &now],
            )
            .await
            .map_err(|e| unavailable(&e))?;
        if recorded == 0 {
            // The same id arrived for another payment and was handled there first.
            tx.rollback().await.map_err(|e| unavailable(&e))?;
            return Ok(WebhookDecision::Duplicate);
        }
        if let (Some(pause), WebhookDecision::Apply { .. }) = (self.commit_pause, &decision) {
            tracing::warn!(
                payment_id = %event.payment_id,
                event_id = %event.id,
                pause_ms = pause.as_millis(),
                "failpoint webhook-before-commit: holding the applied webhook's transaction"
            );
            tokio::time::sleep(pause).await;
        }
        tx.commit().await.map_err(|e| unavailable(&e))?;
        if matches!(decision, WebhookDecision::Apply { .. }) {
            self.written.notify_one();
        }
        Ok(decision)
    }
}

async fn select_payment(
    tx: &Transaction<'_>,
    id: Uuid,
    lock: bool,
) -> Result<Option<Payment>, StoreError> {
    let lock = if lock { " FOR UPDATE" } else { "" };
    let sql = format!("SELECT {PAYMENT_COLUMNS} FROM payments WHERE id = $1{lock}");
    tx.query_opt(&sql, &[&id])
        .await
        .map_err(|e| unavailable(&e))?
        .map(|row| payment(&row))
        .transpose()
}

async fn insert_payment(
    tx: &Transaction<'_>,
    made: &Payment,
    card_token: Option<&str>,
    now: SystemTime,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO payments (id, student_id, course_id, currency, amount_minor, status, \
         version, created_at, updated_at, card_token) \
         VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $8, $9)",
        &[
            &made.id,
            &made.student_id,
            &made.course_id,
            &made.amount.currency().code(),
            &made.amount.amount_minor(),
            &made.status.as_str(),
            &made.created_at,
            &now,
            &card_token,
        ],
    )
    .await
    .map_err(|e| unavailable(&e))?;
    Ok(())
}

/// The new status, the movement's entries and the outbox event, in the caller's transaction.
async fn apply(
    tx: &Transaction<'_>,
    next: &Payment,
    movement: Option<&Movement>,
    news: PaymentEvent,
    reason: Option<&str>,
    now: SystemTime,
) -> Result<(), StoreError> {
    let version: i32 = tx
        .query_one(
            "UPDATE payments SET status = $2, version = version + 1, updated_at = $3, \
             failure_reason = CASE WHEN $2 = 'failed' THEN $4 ELSE failure_reason END \
             WHERE id = $1 RETURNING version",
            &[&next.id, &next.status.as_str(), &now, &reason],
        )
        .await
        .map_err(|e| unavailable(&e))?
        .get(0);
    if let Some(movement) = movement {
        let movement_id = Uuid::new_v4();
        tx.execute(
            "INSERT INTO ledger_movements (id, payment_id, kind, created_at) \
             VALUES ($1, $2, $3, $4)",
            &[
                &movement_id,
                &movement.payment_id,
                &movement.kind.as_str(),
                &now,
            ],
        )
        .await
        .map_err(|e| unavailable(&e))?;
        for entry in movement.entries() {
            tx.execute(
                "INSERT INTO ledger_entries (movement_id, account, currency, amount_minor) \
                 VALUES ($1, $2, $3, $4)",
                &[
                    &movement_id,
                    &entry.account.as_str(),
                    &entry.currency.code(),
                    &entry.amount_minor,
                ],
            )
            .await
            .map_err(|e| unavailable(&e))?;
        }
    }
    let record = events::outbox_record(Uuid::new_v4(), news, next, reason, version, now);
    tx.execute(
        "INSERT INTO outbox (id, type, aggregate, aggregate_id, version, occurred_at, payload) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        &[
            &record.id,
            &record.kind,
            &record.aggregate,
            &record.aggregate_id,
            &record.version,
            &record.occurred_at,
            &record.payload,
        ],
    )
    .await
    .map_err(|e| unavailable(&e))?;
    Ok(())
}

fn account(name: &str) -> Result<Account, StoreError> {
    [Account::ProviderReceivable, Account::CourseRevenue]
        .into_iter()
        .find(|account| account.as_str() == name)
        .ok_or_else(|| StoreError::Corrupt(format!("account {name:?}")))
}

impl PaymentStore for PostgresPaymentStore {
    fn create(
        &self,
        key: IdempotencyKey,
        request: PaymentRequest,
        card_token: Option<String>,
        new_id: Uuid,
        now: SystemTime,
    ) -> StoreFuture<'_, Created> {
        Box::pin(async move {
            for _ in 0..CREATE_ATTEMPTS {
                if let Some(created) = self
                    .create_once(&key, &request, card_token.as_deref(), new_id, now)
                    .await?
                {
                    return Ok(created);
                }
            }
            Err(StoreError::Unavailable(
                "the idempotency key stayed contended; send the request again".into(),
            ))
        })
    }

    fn payment(&self, id: Uuid) -> StoreFuture<'_, Option<Payment>> {
        Box::pin(async move {
            let mut connection = self.pool.get().await?;
            let sql = format!("SELECT {PAYMENT_COLUMNS} FROM payments WHERE id = $1");
            connection
                .client()
                .query_opt(&sql, &[&id])
                .await
                .map_err(|e| unavailable(&e))?
                .map(|row| payment(&row))
                .transpose()
        })
    }

    fn webhook(&self, event: ProviderEvent, now: SystemTime) -> StoreFuture<'_, WebhookDecision> {
        Box::pin(async move { self.webhook_in_transaction(&event, now).await })
    }

    fn balances(&self) -> StoreFuture<'_, Vec<BalanceLine>> {
        Box::pin(async move {
            let mut connection = self.pool.get().await?;
            let rows = connection
                .client()
                .query(
                    "SELECT account, currency, sum(amount_minor)::bigint FROM ledger_entries \
                     GROUP BY account, currency ORDER BY account, currency",
                    &[],
                )
                .await
                .map_err(|e| unavailable(&e))?;
            rows.iter()
                .map(|row| {
                    let currency: String = row.get(1);
                    Ok(BalanceLine {
                        account: account(row.get(0))?,
                        currency: currency.trim().to_owned(),
                        balance_minor: row.get(2),
                    })
                })
                .collect()
        })
    }

    fn expire(
        &self,
        made_before: SystemTime,
        now: SystemTime,
        reason: String,
        limit: i64,
    ) -> StoreFuture<'_, Vec<Uuid>> {
        Box::pin(async move {
            let mut connection = self.pool.get().await?;
            let tx = connection
                .client()
                .transaction()
                .await
                .map_err(|e| unavailable(&e))?;
            // Locked as a webhook locks them: a confirmation racing the deadline waits, then
            // reads the failure (and is refused as illegal), or wins and is skipped here.
            let sql = format!(
                "SELECT {PAYMENT_COLUMNS} FROM payments WHERE status = 'pending' \
                 AND created_at < $1 ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED"
            );
            let rows = tx
                .query(&sql, &[&made_before, &limit])
                .await
                .map_err(|e| unavailable(&e))?;
            let mut expired = Vec::with_capacity(rows.len());
            for row in &rows {
                if let Some(next) = decisions::expire(&payment(row)?) {
                    apply(&tx, &next, None, PaymentEvent::Failed, Some(&reason), now).await?;
                    expired.push(next.id);
                }
            }
            tx.commit().await.map_err(|e| unavailable(&e))?;
            if !expired.is_empty() {
                self.written.notify_one();
            }
            Ok(expired)
        })
    }

    fn charge_requested(&self, payment_id: Uuid, at: SystemTime) -> StoreFuture<'_, ()> {
        Box::pin(async move {
            let mut connection = self.pool.get().await?;
            connection
                .client()
                .execute(
                    "UPDATE payments SET charge_requested_at = $2 \
                     WHERE id = $1 AND charge_requested_at IS NULL",
                    &[&payment_id, &at],
                )
                .await
                .map_err(|e| unavailable(&e))?;
            Ok(())
        })
    }

    fn charges_due(
        &self,
        made_before: SystemTime,
        limit: i64,
    ) -> StoreFuture<'_, Vec<(Payment, String)>> {
        Box::pin(async move {
            let mut connection = self.pool.get().await?;
            let sql = format!(
                "SELECT {PAYMENT_COLUMNS}, card_token FROM payments WHERE status = 'pending' \
                 AND card_token IS NOT NULL AND charge_requested_at IS NULL \
                 AND created_at <= $1 ORDER BY created_at LIMIT $2"
            );
            let rows = connection
                .client()
                .query(&sql, &[&made_before, &limit])
                .await
                .map_err(|e| unavailable(&e))?;
            rows.iter()
                .map(|row| Ok((payment(row)?, row.get::<_, String>(PAYMENT_COLUMN_COUNT))))
                .collect()
        })
    }

    fn fail_pending(
        &self,
        payment_id: Uuid,
        reason: String,
        now: SystemTime,
    ) -> StoreFuture<'_, bool> {
        Box::pin(async move {
            let mut connection = self.pool.get().await?;
            let tx = connection
                .client()
                .transaction()
                .await
                .map_err(|e| unavailable(&e))?;
            let failed = match select_payment(&tx, payment_id, true).await? {
                Some(current) => match decisions::expire(&current) {
                    Some(next) => {
                        apply(&tx, &next, None, PaymentEvent::Failed, Some(&reason), now).await?;
                        true
                    }
                    None => false,
                },
                None => false,
            };
            tx.commit().await.map_err(|e| unavailable(&e))?;
            if failed {
                self.written.notify_one();
            }
            Ok(failed)
        })
    }

    fn ready(&self) -> StoreFuture<'_, ()> {
        Box::pin(async move {
            let mut connection = self.pool.get().await?;
            connection
                .client()
                .simple_query("SELECT 1")
                .await
                .map_err(|e| unavailable(&e))?;
            Ok(())
        })
    }
}
