//! The feed events off JetStream (stream `EVENTS`, subjects `events.<type>`): a durable pull
//! consumer (`feed-builder`) filtered to the enrolment, progress and course events. A batch is
//! recorded and the feeds it changed rebuilt before any of it is acked; what could not be
//! recorded is handed back (nak with a delay) and comes again — recording is idempotent, so
//! that is always safe. Between batches, at most every `refresh_every`, the feeds of marked
//! courses' students are rebuilt (`FeedBuilder::refresh_marked`): one loop, so two rebuilds of
//! one feed never race.
//!
//! A message that is not a readable envelope needs a fix, not a retry: it is dead-lettered
//! like search and the Python consumers do (`dlq.feed-builder.<subject>` on `DEAD_LETTERS`,
//! with `Edu-Original-Subject`, `Edu-Deliveries`, `Edu-Reason`), then acked.
//!
//! A store without the consumer's marker (a fresh Redis, or one that lost its data) is filled
//! from the stream's first event: the durable consumer is deleted and made again.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_nats::connection::State;
use async_nats::jetstream::consumer::{AckPolicy, DeliverPolicy, PullConsumer, pull};
use async_nats::jetstream::context::Context;
use async_nats::jetstream::message::AckKind;
use async_nats::jetstream::stream;
use futures_util::StreamExt;

use crate::adapters::envelope::decode;
use crate::adapters::redis_store::RedisStore;
use crate::app::building::FeedBuilder;

/// The event types feeds read.
pub const EVENT_TYPES: [&str; 6] = [
    "enrollment.created",
    "lesson.completed",
    "course.completed",
    "course.published",
    "course.updated",
    "course.unpublished",
];

#[derive(Debug, Clone)]
pub struct FeedSettings {
    pub nats_url: String,
    pub stream: String,
    pub subject_prefix: String,
    pub durable: String,
    /// Messages fetched (and recorded before any is acked) at once.
    pub batch: usize,
    /// How long a fetch waits for the first message.
    pub fetch_wait: Duration,
    pub ack_wait: Duration,
    /// When a message handed back is delivered again.
    pub retry_delay: Duration,
    /// How often the marked courses' students' feeds are rebuilt.
    pub refresh_every: Duration,
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

    fn marker(&self) -> String {
        format!("consumer:{}", self.durable)
    }
}

/// What the consumer did so far (logged, and read by the integration tests and the bench).
#[derive(Debug, Default)]
pub struct Counters {
    pub recorded: AtomicU64,
    pub new_enrolments: AtomicU64,
    pub feeds: AtomicU64,
    pub refreshed: AtomicU64,
    pub dead_lettered: AtomicU64,
    pub handed_back: AtomicU64,
}

#[derive(Debug)]
pub struct EventFeed {
    client: async_nats::Client,
    context: Context,
    settings: FeedSettings,
    store: RedisStore,
    consumer: Mutex<Option<PullConsumer>>,
    connected: AtomicBool,
    pub counters: Arc<Counters>,
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

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl EventFeed {
    pub async fn connect(settings: FeedSettings, store: RedisStore) -> Result<Self, String> {
        let client = connect(&settings.nats_url, "feed-builder").await?;
        let context = async_nats::jetstream::new(client.clone());
        Ok(Self {
            client,
            context,
            settings,
            store,
            consumer: Mutex::new(None),
            connected: AtomicBool::new(false),
            counters: Arc::default(),
        })
    }

    /// NATS connected, the durable consumer in place and Redis answering.
    pub async fn ready(&self) -> Result<(), String> {
        match self.client.connection_state() {
            State::Connected => {}
            state => return Err(format!("NATS is not connected ({state:?})")),
        }
        if !self.connected.load(Ordering::Acquire) {
            return Err(format!(
                "the consumer {} is not set up yet",
                self.settings.durable
            ));
        }
        self.store.ping().await.map_err(|e| e.to_string())
    }

    fn forget_consumer(&self) {
        *lock(&self.consumer) = None;
        self.connected.store(false, Ordering::Release);
    }

    async fn consumer(&self) -> Result<PullConsumer, String> {
        if let Some(consumer) = lock(&self.consumer).clone() {
            return Ok(consumer);
        }
        let stream = self
            .context
            .get_or_create_stream(stream::Config {
                name: self.settings.stream.clone(),
                subjects: vec![format!("{}.>", self.settings.subject_prefix)],
                ..stream::Config::default()
            })
            .await
            .map_err(|e| format!("stream {}: {e}", self.settings.stream))?;
        let durable = &self.settings.durable;
        let marker = self.settings.marker();
        let filled = self
            .store
            .marker(&marker, false)
            .await
            .map_err(|e| e.to_string())?;
        if !filled && stream.get_consumer::<pull::Config>(durable).await.is_ok() {
            // What the old consumer acked is not in this store: read from the start again.
            stream
                .delete_consumer(durable)
                .await
                .map_err(|e| format!("deleting consumer {durable}: {e}"))?;
            tracing::info!(%durable, "an empty store: reading the events from the stream's start");
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
        if !filled {
            self.store
                .marker(&marker, true)
                .await
                .map_err(|e| e.to_string())?;
        }
        *lock(&self.consumer) = Some(consumer.clone());
        self.connected.store(true, Ordering::Release);
        Ok(consumer)
    }

    /// Feeds the builder until the task is dropped; failures pause and try again.
    pub async fn run(&self, builder: &FeedBuilder) {
        let mut pause = Duration::from_millis(100);
        let mut refreshed_at = Instant::now();
        loop {
            let outcome = self.one_batch(builder).await;
            if refreshed_at.elapsed() >= self.settings.refresh_every {
                refreshed_at = Instant::now();
                match builder.refresh_marked().await {
                    Ok(feeds) => {
                        self.counters
                            .refreshed
                            .fetch_add(feeds as u64, Ordering::Relaxed);
                    }
                    Err(error) => tracing::warn!(%error, "refreshing marked feeds failed"),
                }
            }
            match outcome {
                Ok(()) => pause = Duration::from_millis(100),
                Err(error) => {
                    tracing::warn!(%error, "the event feed failed; trying again");
                    tokio::time::sleep(pause).await;
                    pause = (pause * 2).min(Duration::from_secs(5));
                }
            }
        }
    }

    /// Fetches one batch, records it, rebuilds its students' feeds, then settles every message.
    async fn one_batch(&self, builder: &FeedBuilder) -> Result<(), String> {
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
        let mut readable = Vec::new();
        let mut events = Vec::new();
        while let Some(message) = batch.next().await {
            let message = match message {
                Ok(message) => message,
                Err(error) => {
                    tracing::warn!(%error, "a fetch ended early");
                    break;
                }
            };
            match decode(&message.payload) {
                Ok(event) => {
                    events.push(event);
                    readable.push(message);
                }
                Err(error) => {
                    let settle = self.dead_letter(&message, &error.to_string()).await;
                    if matches!(settle, AckKind::Ack) {
                        self.counters.dead_lettered.fetch_add(1, Ordering::Relaxed);
                    }
                    if let Err(error) = message.ack_with(settle).await {
                        tracing::warn!(%error, "an ack was lost; the message comes again");
                    }
                }
            }
        }
        if events.is_empty() {
            return Ok(());
        }
        let (done, failure) = match builder.apply(&events).await {
            Ok(applied) => {
                self.count(&applied);
                (applied.recorded, None)
            }
            Err(error) => {
                self.count(&error.applied);
                (error.applied.recorded, Some(error.to_string()))
            }
        };
        for (i, message) in readable.into_iter().enumerate() {
            let settle = if i < done {
                AckKind::Ack
            } else {
                self.counters.handed_back.fetch_add(1, Ordering::Relaxed);
                AckKind::Nak(Some(self.settings.retry_delay))
            };
            if let Err(error) = message.ack_with(settle).await {
                tracing::warn!(%error, "an ack was lost; the event comes again (and changes nothing)");
            }
        }
        match failure {
            None => Ok(()),
            Some(error) => Err(error),
        }
    }

    fn count(&self, applied: &crate::app::building::Applied) {
        let c = &self.counters;
        c.recorded
            .fetch_add(applied.recorded as u64, Ordering::Relaxed);
        c.new_enrolments
            .fetch_add(applied.new_enrolments as u64, Ordering::Relaxed);
        c.feeds.fetch_add(applied.feeds as u64, Ordering::Relaxed);
    }

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
