//! The outbox relay the Rust services share: moves the outbox's events to the message bus with
//! the rules of `edu.db`'s `OutboxRelay` (ADR 0003).
//!
//! * **At-least-once.** An event is marked published in the same transaction that read it, and
//!   only after the bus acknowledged it; a crash in between publishes it again, with the same
//!   `Nats-Msg-Id` (the event id): JetStream drops the copy within its window, consumers
//!   deduplicate by id beyond it.
//! * **In order, one relay at a time.** Events go out by `position` under a transaction-scoped
//!   advisory lock (the key edu.db uses), so two replicas never interleave one aggregate's
//!   events; a batch stops at the first failure so nothing overtakes an event still waiting.
//! * **Nothing lost in an outage.** A failed publish leaves the row unpublished with its attempt
//!   and error counted; the relay backs off exponentially, up to a bound, and tries again.
//! * **At once after a commit.** A store that committed outbox rows notifies the relay's
//!   [`Notify`] ([`OutboxRelay::waking_on`]), which relays then instead of at the next poll;
//!   polling stays for what another replica wrote.
//!
//! Each service keeps its [`Outbox`] (the SQL over its database) and its [`EventBus`] (its
//! JetStream subjects and encoding).

use std::fmt::Debug;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use edu_common::shutdown::Shutdown;
pub use tokio::sync::Notify;
use uuid::Uuid;

/// One event of the outbox, as stored (`payload` already in the protobuf JSON mapping).
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxRecord {
    pub position: i64,
    pub id: Uuid,
    /// The event type, e.g. `payment.succeeded`, `video.uploaded`, `qa.question_posted`.
    pub kind: String,
    pub aggregate: String,
    pub aggregate_id: String,
    pub version: i32,
    pub occurred_at: SystemTime,
    pub payload: serde_json::Value,
}

/// Why an event was not published.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PublishError {
    /// The stored event does not match the contract: it will not heal by waiting.
    #[error("{0}")]
    Contract(String),
    /// The bus did not acknowledge it (down, slow, no stream): try again later.
    #[error("{0}")]
    Unavailable(String),
}

pub type PublishFuture<'a> = Pin<Box<dyn Future<Output = Result<(), PublishError>> + Send + 'a>>;

/// Where events go (each service's `adapters::jetstream`).
pub trait EventBus: Send + Sync + Debug {
    /// Encodes and publishes one stored event; returns only once the bus durably accepted it.
    fn publish<'a>(&'a self, record: &'a OutboxRecord) -> PublishFuture<'a>;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BatchOutcome {
    pub published: usize,
    pub failed: bool,
}

/// Why a batch could not be read or marked (the store's own error; the relay only logs it).
pub type BatchError = Box<dyn std::error::Error + Send + Sync>;

pub type BatchFuture<'a> =
    Pin<Box<dyn Future<Output = Result<BatchOutcome, BatchError>> + Send + 'a>>;

/// The outbox's side of the relay (each service's `adapters::postgres`).
pub trait Outbox: Send + Sync + Debug {
    /// Under the relay lock: the oldest unpublished events (at most `limit`), each given to
    /// `bus` in order; those acknowledged are marked published afterwards, in the same
    /// transaction; the first failure stops the batch and is recorded on its row. Another
    /// relay holding the lock: nothing done, not failed.
    fn relay_batch<'a>(&'a self, limit: usize, bus: &'a dyn EventBus) -> BatchFuture<'a>;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RelaySettings {
    pub batch_size: usize,
    /// How long an idle relay waits before looking again.
    pub poll_interval: Duration,
    /// The longest wait between failed attempts.
    pub max_backoff: Duration,
}

impl Default for RelaySettings {
    fn default() -> Self {
        Self {
            batch_size: 100,
            poll_interval: Duration::from_millis(500),
            max_backoff: Duration::from_secs(10),
        }
    }
}

/// After a batch: how long to wait, and the back-off for the next failure. A full batch goes
/// on at once, an idle one polls, a failure doubles the wait up to the bound.
pub fn next_wait(
    outcome: BatchOutcome,
    backoff: Duration,
    settings: &RelaySettings,
) -> (Duration, Duration) {
    if outcome.failed {
        (backoff, (backoff * 2).min(settings.max_backoff))
    } else if outcome.published >= settings.batch_size {
        (Duration::ZERO, settings.poll_interval)
    } else {
        (settings.poll_interval, settings.poll_interval)
    }
}

#[derive(Debug, Clone)]
pub struct OutboxRelay {
    outbox: Arc<dyn Outbox>,
    bus: Arc<dyn EventBus>,
    settings: RelaySettings,
    /// Notified when this process committed outbox rows: relay at once instead of waiting for
    /// the next poll (polling stays for what another replica wrote).
    written: Arc<Notify>,
}

impl OutboxRelay {
    /// A relay that only polls until given its store's notify ([`OutboxRelay::waking_on`]).
    pub fn new(outbox: Arc<dyn Outbox>, bus: Arc<dyn EventBus>, settings: RelaySettings) -> Self {
        Self {
            outbox,
            bus,
            settings,
            written: Arc::new(Notify::new()),
        }
    }

    /// Wakes on `written` (the store's `outbox_written`, notified after each commit that wrote
    /// outbox rows) besides polling.
    #[must_use]
    pub fn waking_on(mut self, written: Arc<Notify>) -> Self {
        self.written = written;
        self
    }

    /// One batch (tests drive the relay with this).
    pub async fn relay_once(&self) -> BatchOutcome {
        match self
            .outbox
            .relay_batch(self.settings.batch_size, self.bus.as_ref())
            .await
        {
            Ok(outcome) => outcome,
            Err(error) => {
                tracing::warn!(%error, "outbox: the batch could not be read or marked");
                BatchOutcome {
                    published: 0,
                    failed: true,
                }
            }
        }
    }

    /// Relays until `stop` is triggered.
    pub async fn run(&self, stop: Shutdown) {
        let mut backoff = self.settings.poll_interval;
        while !stop.is_triggered() {
            let outcome = self.relay_once().await;
            let failing = outcome.failed; // a failing bus is not retried sooner
            let (wait, next) = next_wait(outcome, backoff, &self.settings);
            backoff = next;
            if !wait.is_zero() {
                tokio::select! {
                    () = stop.wait() => {}
                    () = tokio::time::sleep(wait) => {}
                    () = self.written.notified(), if !failing => {}
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use tokio::sync::mpsc;
    use tokio::time::Instant;

    use super::*;

    const SETTINGS: RelaySettings = RelaySettings {
        batch_size: 10,
        poll_interval: Duration::from_millis(500),
        max_backoff: Duration::from_secs(4),
    };

    fn outcome(published: usize, failed: bool) -> BatchOutcome {
        BatchOutcome { published, failed }
    }

    #[test]
    fn failures_double_the_wait_up_to_the_bound_and_a_success_resets_it() {
        let mut backoff = SETTINGS.poll_interval;
        let mut waits = Vec::new();
        for _ in 0..5 {
            let (wait, next) = next_wait(outcome(0, true), backoff, &SETTINGS);
            waits.push(wait.as_millis());
            backoff = next;
        }
        let (after_success, reset) = next_wait(outcome(1, false), backoff, &SETTINGS);

        assert_eq!(waits, [500, 1_000, 2_000, 4_000, 4_000]);
        assert_eq!(after_success, SETTINGS.poll_interval);
        assert_eq!(reset, SETTINGS.poll_interval);
    }

    #[test]
    fn a_full_batch_goes_on_at_once_and_an_idle_relay_polls() {
        let (full, _) = next_wait(outcome(10, false), SETTINGS.poll_interval, &SETTINGS);
        let (idle, _) = next_wait(outcome(0, false), SETTINGS.poll_interval, &SETTINGS);

        assert_eq!(full, Duration::ZERO);
        assert_eq!(idle, SETTINGS.poll_interval);
    }

    /// Reports the runtime's time of each batch; every batch ends with `outcome`.
    #[derive(Debug)]
    struct FakeOutbox {
        batches: mpsc::UnboundedSender<Instant>,
        outcome: BatchOutcome,
    }

    impl Outbox for FakeOutbox {
        fn relay_batch<'a>(&'a self, _limit: usize, _bus: &'a dyn EventBus) -> BatchFuture<'a> {
            let _ = self.batches.send(Instant::now());
            let outcome = self.outcome;
            Box::pin(async move { Ok(outcome) })
        }
    }

    #[derive(Debug)]
    struct NoBus;

    impl EventBus for NoBus {
        fn publish<'a>(&'a self, _record: &'a OutboxRecord) -> PublishFuture<'a> {
            Box::pin(async { Ok(()) })
        }
    }

    const A_MINUTE: RelaySettings = RelaySettings {
        batch_size: 10,
        poll_interval: Duration::from_mins(1),
        max_backoff: Duration::from_mins(1),
    };

    /// A relay polling once a minute, waking on `written`, running until the returned stop;
    /// the receiver of its batches' times.
    fn started(
        written: &Arc<Notify>,
        outcome: BatchOutcome,
    ) -> (Shutdown, mpsc::UnboundedReceiver<Instant>) {
        let (batches, seen) = mpsc::unbounded_channel();
        let outbox = Arc::new(FakeOutbox { batches, outcome });
        let relay = OutboxRelay::new(outbox, Arc::new(NoBus), A_MINUTE).waking_on(written.clone());
        let stop = Shutdown::new();
        tokio::spawn({
            let stop = stop.clone();
            async move { relay.run(stop).await }
        });
        (stop, seen)
    }

    // Paused time: an idle runtime jumps to its next timer, so a relay that only polled would
    // run its second batch exactly a (virtual) minute after the first.
    #[tokio::test(start_paused = true)]
    async fn a_commit_wakes_the_idle_relay_long_before_its_next_poll() {
        let written = Arc::new(Notify::new());
        let (stop, mut seen) = started(&written, outcome(0, false));
        let first = seen.recv().await.unwrap();

        written.notify_one();
        let second = seen.recv().await.unwrap();
        stop.trigger();

        assert!(
            second - first < Duration::from_secs(1),
            "woken after {:?}",
            second - first
        );
    }

    #[tokio::test(start_paused = true)]
    async fn without_a_commit_the_idle_relay_waits_for_its_poll() {
        let written = Arc::new(Notify::new());
        let (stop, mut seen) = started(&written, outcome(0, false));
        let first = seen.recv().await.unwrap();

        let second = seen.recv().await.unwrap();
        stop.trigger();

        assert_eq!(second - first, A_MINUTE.poll_interval);
    }

    #[tokio::test(start_paused = true)]
    async fn a_commit_does_not_cut_short_the_back_off_of_a_failing_bus() {
        let written = Arc::new(Notify::new());
        let (stop, mut seen) = started(&written, outcome(0, true));
        let first = seen.recv().await.unwrap();

        written.notify_one();
        let second = seen.recv().await.unwrap();
        stop.trigger();

        assert_eq!(second - first, A_MINUTE.poll_interval);
    }
}
