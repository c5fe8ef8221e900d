//! The relay's side of the outbox: one batch in one transaction under the advisory lock edu.db's
//! relay takes (one relay at a time, whatever the replicas), rows marked published only after
//! the bus acknowledged them.

use super::rows::unavailable;
use super::store::PostgresPaymentStore;
use crate::app::ports::{OutboxRecord, StoreError};
use crate::app::relay::{BatchFuture, BatchOutcome, EventBus, Outbox, PublishError};

/// The advisory lock key of "the outbox relay" in a service's database (edu.db's
/// `RELAY_LOCK_KEY`).
const RELAY_LOCK_KEY: i64 = 0x0ED0_0B0C;

/// The longest error text kept on a row.
const MAX_ERROR: usize = 1_000;

impl PostgresPaymentStore {
    async fn relay_in_transaction(
        &self,
        limit: usize,
        bus: &dyn EventBus,
    ) -> Result<BatchOutcome, StoreError> {
        let mut connection = self.pool().get().await?;
        let tx = connection
            .client()
            .transaction()
            .await
            .map_err(|e| unavailable(&e))?;
        let locked: bool = tx
            .query_one("SELECT pg_try_advisory_xact_lock($1)", &[&RELAY_LOCK_KEY])
            .await
            .map_err(|e| unavailable(&e))?
            .get(0);
        if !locked {
            return Ok(BatchOutcome::default()); // another replica is at it
        }
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = tx
            .query(
                "SELECT position, id, type, aggregate, aggregate_id, version, occurred_at, \
                 payload FROM outbox WHERE published_at IS NULL ORDER BY position LIMIT $1",
                &[&limit],
            )
            .await
            .map_err(|e| unavailable(&e))?;
        let mut sent: Vec<i64> = Vec::with_capacity(rows.len());
        let mut failed = false;
        for row in &rows {
            let record = OutboxRecord {
                position: row.get(0),
                id: row.get(1),
                kind: row.get(2),
                aggregate: row.get(3),
                aggregate_id: row.get(4),
                version: row.get(5),
                occurred_at: row.get(6),
                payload: row.get(7),
            };
            if let Err(error) = bus.publish(&record).await {
                match &error {
                    PublishError::Contract(_) => {
                        tracing::error!(kind = %record.kind, id = %record.id, %error, "outbox: the event breaks its contract");
                    }
                    PublishError::Unavailable(_) => {
                        tracing::warn!(kind = %record.kind, id = %record.id, %error, "outbox: publishing failed");
                    }
                }
                let text: String = error.to_string().chars().take(MAX_ERROR).collect();
                tx.execute(
                    "UPDATE outbox SET attempts = attempts + 1, last_error = $2 \
                     WHERE position = $1",
                    &[&record.position, &text],
                )
                .await
                .map_err(|e| unavailable(&e))?;
                failed = true;
                break;
            }
            sent.push(record.position);
        }
        if !sent.is_empty() {
            tx.execute(
                "UPDATE outbox SET published_at = now() WHERE position = ANY($1)",
                &[&sent],
            )
            .await
            .map_err(|e| unavailable(&e))?;
        }
        tx.commit().await.map_err(|e| unavailable(&e))?;
        Ok(BatchOutcome {
            published: sent.len(),
            failed,
        })
    }
}

impl Outbox for PostgresPaymentStore {
    fn relay_batch<'a>(&'a self, limit: usize, bus: &'a dyn EventBus) -> BatchFuture<'a> {
        Box::pin(async move { Ok(self.relay_in_transaction(limit, bus).await?) })
    }
}
