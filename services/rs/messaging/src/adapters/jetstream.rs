//! JetStream, both ways.
//!
//! * [`JetStreamBus`]: the outbox relay's bus, as payment-engine's and `edu.db`'s: subject
//!   `<prefix>.<type>` on stream `EVENTS` (made when missing), `Nats-Msg-Id` = the event id,
//!   a publish done only once JetStream acknowledged it; while NATS is not connected a publish
//!   fails at once and the relay backs off.
//! * [`EventFeed`]: the durable pull consumer `messaging` on `EVENTS`, filtered to the events
//!   messaging learns from (enrolments, course teachers, moderation decisions), read as a
//!   continuous stream (a decision is applied as soon as it arrives: the live feed's latency)
//!   and acked one by one once applied. Applying is idempotent, so a message is simply
//!   delivered again when anything fails (nak with a delay); an unreadable one is dead-lettered
//!   like the Python consumers do (`dlq.messaging.<subject>` on `DEAD_LETTERS`), then acked.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use async_nats::connection::State;
use async_nats::jetstream::consumer::{AckPolicy, DeliverPolicy, PullConsumer, pull};
use async_nats::jetstream::context::{Context, ContextBuilder, PublishErrorKind};
use async_nats::jetstream::message::{AckKind, PublishMessage};
use async_nats::jetstream::stream;
use futures_util::StreamExt;

use crate::adapters::events;
use crate::app::events::EventHandler;
use crate::app::ports::OutboxRecord;
use crate::app::relay::{EventBus, PublishError, PublishFuture};

/// The event types messaging reads.
pub const EVENT_TYPES: [&str; 5] = [
    "enrollment.created",
    "course.published",
    "course.updated",
    "course.unpublished",
    "moderation.decided",
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusSettings {
    pub stream: String,
    pub subject_prefix: String,
    /// How long a publish waits for JetStream's acknowledgement.
    pub ack_timeout: Duration,
}

/// Connects without waiting for NATS (the client connects and reconnects in the background).
pub async fn connect(nats_url: &str, name: &str) -> Result<async_nats::Client, String> {
    async_nats::ConnectOptions::new()
        .name(name)
        .retry_on_initial_connect()
        .connection_timeout(Duration::from_secs(2))
        .connect(nats_url)
        .await
        .map_err(|e| format!("{nats_url}: {e}"))
}

fn events_stream_config(stream: &str, prefix: &str) -> stream::Config {
    stream::Config {
        name: stream.to_owned(),
        subjects: vec![format!("{prefix}.>")],
        ..stream::Config::default()
    }
}

#[derive(Debug)]
pub struct JetStreamBus {
    client: async_nats::Client,
    context: Context,
    settings: BusSettings,
    stream_ready: AtomicBool,
}

impl JetStreamBus {
    pub fn new(client: async_nats::Client, settings: BusSettings) -> Self {
        let context = ContextBuilder::new()
            .timeout(settings.ack_timeout)
            .ack_timeout(settings.ack_timeout)
            .build(client.clone());
        Self {
            client,
            context,
            settings,
            stream_ready: AtomicBool::new(false),
        }
    }

    async fn publish_one(&self, record: &OutboxRecord) -> Result<(), PublishError> {
        // First: a contract error is not the bus's fault.
        let body = events::encode(record).map_err(|e| PublishError::Contract(e.to_string()))?;
        if self.client.connection_state() != State::Connected {
            return Err(PublishError::Unavailable("NATS is not connected".into()));
        }
        if !self.stream_ready.load(Ordering::Acquire) {
            self.context
                .get_or_create_stream(events_stream_config(
                    &self.settings.stream,
                    &self.settings.subject_prefix,
                ))
                .await
                .map_err(|e| {
                    PublishError::Unavailable(format!("stream {}: {e}", self.settings.stream))
                })?;
            self.stream_ready.store(true, Ordering::Release);
        }
        let subject = events::subject(&self.settings.subject_prefix, &record.kind);
        let publish = PublishMessage::build()
            .payload(body.into())
            .message_id(record.id.to_string());
        let ack = self
            .context
            .send_publish(subject, publish)
            .await
            .map_err(|e| PublishError::Unavailable(e.to_string()))?;
        match tokio::time::timeout(self.settings.ack_timeout, ack.into_future()).await {
            Err(_) => Err(PublishError::Unavailable(format!(
                "no acknowledgement within {:?}",
                self.settings.ack_timeout
            ))),
            Ok(Err(error)) => {
                if error.kind() == PublishErrorKind::StreamNotFound {
                    self.stream_ready.store(false, Ordering::Release);
                }
                Err(PublishError::Unavailable(error.to_string()))
            }
            Ok(Ok(_ack)) => Ok(()),
        }
    }
}

impl EventBus for JetStreamBus {
    fn publish<'a>(&'a self, record: &'a OutboxRecord) -> PublishFuture<'a> {
        Box::pin(self.publish_one(record))
    }
}

#[derive(Debug, Clone)]
pub struct FeedSettings {
    pub stream: String,
    pub subject_prefix: String,
    pub durable: String,
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
            .map(|t| events::subject(&self.subject_prefix, t))
            .collect()
    }
}

#[derive(Debug)]
pub struct EventFeed {
    client: async_nats::Client,
    context: Context,
    settings: FeedSettings,
    consuming: AtomicBool,
}

impl EventFeed {
    pub fn new(client: async_nats::Client, settings: FeedSettings) -> Self {
        let context = async_nats::jetstream::new(client.clone());
        Self {
            client,
            context,
            settings,
            consuming: AtomicBool::new(false),
        }
    }

    /// Readiness: NATS connected and the durable consumer being read.
    pub fn ready(&self) -> Result<(), String> {
        match self.client.connection_state() {
            State::Connected => {}
            state => return Err(format!("NATS is not connected ({state:?})")),
        }
        if !self.consuming.load(Ordering::Acquire) {
            return Err(format!(
                "the consumer {} is not read yet",
                self.settings.durable
            ));
        }
        Ok(())
    }

    async fn consumer(&self) -> Result<PullConsumer, String> {
        let stream = self
            .context
            .get_or_create_stream(events_stream_config(
                &self.settings.stream,
                &self.settings.subject_prefix,
            ))
            .await
            .map_err(|e| format!("stream {}: {e}", self.settings.stream))?;
        let durable = &self.settings.durable;
        stream
            .get_or_create_consumer(
                durable,
                pull::Config {
                    durable_name: Some(durable.clone()),
                    filter_subjects: self.settings.subjects(),
                    deliver_policy: DeliverPolicy::All,
                    ack_policy: AckPolicy::Explicit,
                    ack_wait: self.settings.ack_wait,
                    ..pull::Config::default()
                },
            )
            .await
            .map_err(|e| format!("consumer {durable}: {e}"))
    }

    /// Applies events until the task is dropped; failures pause and try again.
    pub async fn run(&self, handler: &EventHandler) {
        let mut pause = Duration::from_millis(100);
        loop {
            match self.consume(handler).await {
                Ok(()) => pause = Duration::from_millis(100),
                Err(error) => {
                    self.consuming.store(false, Ordering::Release);
                    tracing::warn!(%error, "the event feed failed; trying again");
                    tokio::time::sleep(pause).await;
                    pause = (pause * 2).min(Duration::from_secs(5));
                }
            }
        }
    }

    async fn consume(&self, handler: &EventHandler) -> Result<(), String> {
        let consumer = self.consumer().await?;
        let mut messages = consumer
            .stream()
            .max_messages_per_batch(100)
            .heartbeat(Duration::from_secs(2))
            .expires(Duration::from_secs(10))
            .messages()
            .await
            .map_err(|e| format!("reading {}: {e}", self.settings.durable))?;
        self.consuming.store(true, Ordering::Release);
        while let Some(message) = messages.next().await {
            let message = message.map_err(|e| format!("reading: {e}"))?;
            let settle = match events::decode(&message.payload) {
                Err(error) => self.dead_letter(&message, &error.to_string()).await,
                Ok(event) => match handler.handle(event).await {
                    Ok(_) => AckKind::Ack,
                    Err(error) => {
                        tracing::warn!(%error, subject = %message.subject, "an event could not be applied; handed back");
                        AckKind::Nak(Some(self.settings.retry_delay))
                    }
                },
            };
            if let Err(error) = message.ack_with(settle).await {
                tracing::warn!(%error, "an ack was lost; the event comes again (and changes nothing)");
            }
        }
        Ok(())
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
        let config = stream::Config {
            name: self.settings.dead_letter_stream.clone(),
            subjects: vec![format!("{}.>", self.settings.dead_letter_prefix)],
            ..stream::Config::default()
        };
        let published = async {
            self.context
                .get_or_create_stream(config)
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
