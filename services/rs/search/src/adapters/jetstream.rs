//! The catalogue's events off JetStream (stream `EVENTS`, subjects `events.<type>`): a durable
//! pull consumer (`search`) filtered to the course, enrolment and completion events, acked
//! explicitly once the batch they came in is committed to the index.
//!
//! Application is idempotent and independent of arrival order (versions, marks), so a message
//! is simply redelivered when anything fails: after the first error from the course service
//! the rest of the batch is handed back (nak with a delay) without being tried. A message that
//! is not a readable envelope needs a fix, not a retry: it is dead-lettered like the Python
//! consumers do (`dlq.search.<subject>` on stream `DEAD_LETTERS`, with `Edu-Original-Subject`,
//! `Edu-Deliveries` and `Edu-Reason` headers), then acked; handed back if that publish fails.
//!
//! A fresh index (in memory, or a new directory) is filled from the stream's start: the
//! durable consumer is deleted and made again before the first batch. [`replay`] does the same
//! for `search rebuild` with an ephemeral consumer, up to the stream's last message.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use async_nats::connection::State;
use async_nats::jetstream::consumer::{AckPolicy, DeliverPolicy, PullConsumer, pull};
use async_nats::jetstream::context::Context;
use async_nats::jetstream::message::AckKind;
use async_nats::jetstream::stream;
use futures_util::StreamExt;

use crate::adapters::envelope::decode;
use crate::app::indexing::{ApplyError, Indexer};

/// The event types the catalogue reads.
pub const EVENT_TYPES: [&str; 5] = [
    "course.published",
    "course.updated",
    "course.unpublished",
    "enrollment.created",
    "course.completed",
];

#[derive(Debug, Clone)]
pub struct FeedSettings {
    pub nats_url: String,
    pub stream: String,
    pub subject_prefix: String,
    pub durable: String,
    /// Messages fetched (and committed) at once.
    pub batch: usize,
    /// How long a fetch waits for the first message.
    pub fetch_wait: Duration,
    pub ack_wait: Duration,
    /// When a message handed back is delivered again.
    pub retry_delay: Duration,
    /// Where unreadable messages go: `<prefix>.<original subject>` on this stream.
    pub dead_letter_stream: String,
    pub dead_letter_prefix: String,
}

impl FeedSettings {
    pub fn subjects(&self) -> Vec<String> {
        EVENT_TYPES
            .iter()
            .map(|t| format!("{}.{t}", self.subject_prefix))
            .collect()
    }
}

#[derive(Debug)]
pub struct EventFeed {
    client: async_nats::Client,
    context: Context,
    settings: FeedSettings,
    consumer: Mutex<Option<PullConsumer>>,
    /// Set while the durable consumer must start again from the stream's first message.
    from_start: AtomicBool,
}

/// Connects without waiting for NATS (the client retries in the background).
pub async fn connect(nats_url: &str, name: &str) -> Result<async_nats::Client, String> {
    async_nats::ConnectOptions::new()
        .name(name)
        .retry_on_initial_connect()
        .connection_timeout(Duration::from_secs(2))
        .connect(nats_url)
        .await
        .map_err(|e| format!("{nats_url}: {e}"))
}

async fn events_stream(
    context: &Context,
    settings: &FeedSettings,
) -> Result<stream::Stream, String> {
    // Producers create EVENTS too (edu.events); whoever starts first does it, the same way.
    context
        .get_or_create_stream(stream::Config {
            name: settings.stream.clone(),
            subjects: vec![format!("{}.>", settings.subject_prefix)],
            ..stream::Config::default()
        })
        .await
        .map_err(|e| format!("stream {}: {e}", settings.stream))
}

impl EventFeed {
    pub async fn connect(settings: FeedSettings, fresh_index: bool) -> Result<Self, String> {
        let client = connect(&settings.nats_url, "search").await?;
        let context = async_nats::jetstream::new(client.clone());
        Ok(Self {
            client,
            context,
            settings,
            consumer: Mutex::new(None),
            from_start: AtomicBool::new(fresh_index),
        })
    }

    /// Readiness: NATS connected and the durable consumer in place.
    pub fn ready(&self) -> Result<(), String> {
        match self.client.connection_state() {
            State::Connected => {}
            state => return Err(format!("NATS is not connected ({state:?})")),
        }
        if self.cached().is_none() {
            return Err(format!(
                "the consumer {} is not set up yet",
                self.settings.durable
            ));
        }
        Ok(())
    }

    fn cached(&self) -> Option<PullConsumer> {
        self.consumer
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    fn forget_consumer(&self) {
        *self
            .consumer
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = None;
    }

    async fn consumer(&self) -> Result<PullConsumer, String> {
        if let Some(consumer) = self.cached() {
            return Ok(consumer);
        }
        let stream = events_stream(&self.context, &self.settings).await?;
        let durable = &self.settings.durable;
        if self.from_start.load(Ordering::Acquire) {
            // Whatever the old consumer had acked is not in this index: start again.
            if stream.get_consumer::<pull::Config>(durable).await.is_ok() {
                stream
                    .delete_consumer(durable)
                    .await
                    .map_err(|e| format!("deleting consumer {durable}: {e}"))?;
            }
            tracing::info!(%durable, "a fresh index: reading the events from the stream's start");
        }
        let consumer = stream
            .get_or_create_consumer(
                durable,
                pull::Config {
                    durable_name: Some(durable.clone()),
                    filter_subjects: self.settings.subjects(),
                    deliver_policy: DeliverPolicy::All,
                    ack_policy: AckPolicy::Explicit,
                    ack_wait: self.settings.ack_wait,
                    max_ack_pending: i64::try_from(self.settings.batch * 2).unwrap_or(i64::MAX),
                    ..pull::Config::default()
                },
            )
            .await
            .map_err(|e| format!("consumer {durable}: {e}"))?;
        self.from_start.store(false, Ordering::Release);
        *self
            .consumer
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(consumer.clone());
        Ok(consumer)
    }

    /// Feeds the indexer until the task is dropped; failures pause and try again.
    pub async fn run(&self, indexer: &Indexer) {
        let mut pause = Duration::from_millis(100);
        loop {
            match self.one_batch(indexer).await {
                Ok(()) => pause = Duration::from_millis(100),
                Err(error) => {
                    tracing::warn!(%error, "the event feed failed; trying again");
                    tokio::time::sleep(pause).await;
                    pause = (pause * 2).min(Duration::from_secs(5));
                }
            }
        }
    }

    /// Fetches one batch, applies it, commits, then settles every message.
    async fn one_batch(&self, indexer: &Indexer) -> Result<(), String> {
        let consumer = self.consumer().await?;
        let mut batch = match consumer
            .fetch()
            .max_messages(self.settings.batch)
            .expires(self.settings.fetch_wait)
            .messages()
            .await
        {
            Ok(batch) => batch,
            Err(error) => {
                self.forget_consumer();
                return Err(format!("fetching: {error}"));
            }
        };
        let mut settled = Vec::new();
        let mut blocked: Option<ApplyError> = None;
        let mut applied = false;
        while let Some(message) = batch.next().await {
            let message = match message {
                Ok(message) => message,
                Err(error) => {
                    tracing::warn!(%error, "a fetch ended early");
                    break;
                }
            };
            if blocked.is_some() {
                settled.push((message, AckKind::Nak(Some(self.settings.retry_delay))));
                continue;
            }
            let settle = match decode(&message.payload) {
                Err(error) => self.dead_letter(&message, &error.to_string()).await,
                Ok(event) => match indexer.apply(event).await {
                    Ok(outcome) => {
                        tracing::debug!(subject = %message.subject, ?outcome, "event applied");
                        applied = true;
                        AckKind::Ack
                    }
                    Err(error) => {
                        tracing::warn!(%error, "an event could not be applied; handed back");
                        blocked = Some(error);
                        AckKind::Nak(Some(self.settings.retry_delay))
                    }
                },
            };
            settled.push((message, settle));
        }
        if applied && let Err(error) = indexer.commit() {
            // Nothing acked: everything of the batch comes again (and applies the same).
            for (message, _) in &settled {
                let _ = message
                    .ack_with(AckKind::Nak(Some(self.settings.retry_delay)))
                    .await;
            }
            return Err(error.to_string());
        }
        for (message, settle) in settled {
            if let Err(error) = message.ack_with(settle).await {
                tracing::warn!(%error, "an ack was lost; the event comes again (and changes nothing)");
            }
        }
        Ok(())
    }
}

impl EventFeed {
    /// Publishes an unreadable message to the dead-letter subject; how to settle it.
    async fn dead_letter(&self, message: &async_nats::jetstream::Message, reason: &str) -> AckKind {
        let subject = format!("{}.{}", self.settings.dead_letter_prefix, message.subject);
        let deliveries = message.info().map_or(1, |info| info.delivered);
        let mut headers = async_nats::HeaderMap::new();
        headers.insert("Edu-Original-Subject", message.subject.as_str());
        headers.insert("Edu-Deliveries", deliveries.to_string().as_str());
        headers.insert(
            "Edu-Reason",
            reason.chars().take(1000).collect::<String>().as_str(),
        );
        let stream = stream::Config {
            name: self.settings.dead_letter_stream.clone(),
            subjects: vec![format!("{}.>", self.settings.dead_letter_prefix)],
            ..stream::Config::default()
        };
        let published = async {
            self.context
                .get_or_create_stream(stream)
                .await
                .map_err(|e| e.to_string())?;
            self.context
                .publish_with_headers(subject.clone(), headers, message.payload.clone())
                .await
                .map_err(|e| e.to_string())?
                .await
                .map_err(|e| e.to_string())
        };
        match published.await {
            Ok(_) => {
                tracing::error!(original = %message.subject, %subject, %reason, "DEAD-LETTERED an unreadable event");
                AckKind::Ack
            }
            Err(error) => {
                tracing::warn!(%error, %subject, "could not dead-letter; handed back");
                AckKind::Nak(Some(self.settings.retry_delay))
            }
        }
    }
}

/// What a replay read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Replayed {
    pub events: u64,
    pub unreadable: u64,
}

/// Applies every catalogue event of the stream, from its first message to the last one there
/// when the replay started, then commits (`search rebuild`). The course service must answer:
/// after a few failed tries the replay stops with the error (nothing is swapped in).
pub async fn replay(settings: &FeedSettings, indexer: &Indexer) -> Result<Replayed, String> {
    let client = connect(&settings.nats_url, "search-rebuild").await?;
    let context = async_nats::jetstream::new(client);
    let mut stream = events_stream(&context, settings).await?;
    let last = stream
        .info()
        .await
        .map_err(|e| format!("stream {}: {e}", settings.stream))?
        .state
        .last_sequence;
    let mut replayed = Replayed::default();
    if last == 0 {
        return Ok(replayed);
    }
    let consumer: PullConsumer = stream
        .create_consumer(pull::Config {
            filter_subjects: settings.subjects(),
            deliver_policy: DeliverPolicy::All,
            ack_policy: AckPolicy::None,
            inactive_threshold: Duration::from_mins(1),
            ..pull::Config::default()
        })
        .await
        .map_err(|e| format!("a replay consumer: {e}"))?;
    loop {
        let mut batch = consumer
            .fetch()
            .max_messages(settings.batch)
            .expires(settings.fetch_wait)
            .messages()
            .await
            .map_err(|e| format!("fetching: {e}"))?;
        let mut got = 0;
        let mut reached_end = false;
        while let Some(message) = batch.next().await {
            let message = message.map_err(|e| format!("fetching: {e}"))?;
            got += 1;
            let info = message
                .info()
                .map_err(|e| format!("a message without its sequence: {e}"))?;
            let (sequence, pending) = (info.stream_sequence, info.pending);
            match decode(&message.payload) {
                Ok(event) => {
                    apply_with_retries(indexer, event).await?;
                    replayed.events += 1;
                }
                Err(error) => {
                    tracing::error!(%error, "an unreadable event; skipped");
                    replayed.unreadable += 1;
                }
            }
            reached_end |= sequence >= last || pending == 0;
        }
        if reached_end || got == 0 {
            break;
        }
    }
    indexer.commit().map_err(|e| e.to_string())?;
    Ok(replayed)
}

async fn apply_with_retries(
    indexer: &Indexer,
    event: crate::app::indexing::CatalogueEvent,
) -> Result<(), String> {
    let mut pause = Duration::from_millis(200);
    for attempt in 1..=5 {
        match indexer.apply(event.clone()).await {
            Ok(_) => return Ok(()),
            Err(error) if attempt == 5 => return Err(error.to_string()),
            Err(error) => {
                tracing::warn!(%error, attempt, "retrying an event");
                tokio::time::sleep(pause).await;
                pause *= 2;
            }
        }
    }
    Ok(())
}
