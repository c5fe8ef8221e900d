//! JetStream both ways. Out: the outbox relay's bus (as payment-engine's: subject
//! `<prefix>.<type>` on stream `EVENTS`, `Nats-Msg-Id` = the event id, done only once
//! JetStream acknowledged). In: the transcoder's results through the durable pull consumer
//! `video-processor`, filtered to `video.transcoding_progressed`, `video.transcoded` and
//! `video.transcoding_failed`, each acked after it was applied (applying is idempotent, so a
//! lost ack only repeats a no-op); an unreadable message is dead-lettered
//! (`dlq.video-processor.<subject>` on `DEAD_LETTERS`, with `Edu-Reason`) and acked.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use async_nats::connection::State;
use async_nats::jetstream::consumer::{AckPolicy, DeliverPolicy, PullConsumer, pull};
use async_nats::jetstream::context::{Context, ContextBuilder, PublishErrorKind};
use async_nats::jetstream::message::{AckKind, PublishMessage};
use async_nats::jetstream::stream;
use edu_common::shutdown::Shutdown;
use edu_video::events;
use futures_util::StreamExt;
use tokio::sync::OnceCell;

use crate::app::ports::OutboxRecord;
use crate::app::relay::{EventBus, PublishError, PublishFuture};
use crate::app::results::{Handled, Results};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusSettings {
    pub nats_url: String,
    pub stream: String,
    pub subject_prefix: String,
    /// How long a publish waits for JetStream's acknowledgement.
    pub ack_timeout: Duration,
}

/// The stored event as its message body.
pub fn encode(record: &OutboxRecord) -> Result<Vec<u8>, String> {
    let payload = events::payload_from_json(&record.kind, &record.payload)
        .map_err(|e| format!("{} event {}: {e}", record.kind, record.id))?;
    let version = u32::try_from(record.version).map_err(|_| "a negative version".to_owned())?;
    let envelope = events::envelope(
        &record.id.to_string(),
        record.occurred_at,
        &record.aggregate_id,
        version,
        payload,
    )
    .map_err(|e| e.to_string())?;
    events::to_json(&envelope).map_err(|e| e.to_string())
}

/// The subject an event type is published on: `<prefix>.<type>` (`events.video.uploaded`).
pub fn subject(prefix: &str, kind: &str) -> String {
    format!("{prefix}.{kind}")
}

#[derive(Debug)]
struct Connection {
    client: async_nats::Client,
    context: Context,
}

#[derive(Debug)]
pub struct JetStreamBus {
    settings: BusSettings,
    connection: OnceCell<Connection>,
    stream_ready: AtomicBool,
}

impl JetStreamBus {
    pub fn new(settings: BusSettings) -> Self {
        Self {
            settings,
            connection: OnceCell::new(),
            stream_ready: AtomicBool::new(false),
        }
    }

    async fn connected(&self) -> Result<&Connection, PublishError> {
        let connection = self
            .connection
            .get_or_try_init(|| async {
                let client = async_nats::ConnectOptions::new()
                    .name("video-processor-outbox-relay")
                    .connection_timeout(Duration::from_secs(2))
                    .connect(self.settings.nats_url.as_str())
                    .await
                    .map_err(|e| {
                        PublishError::Unavailable(format!("{}: {e}", self.settings.nats_url))
                    })?;
                let context = ContextBuilder::new()
                    .timeout(self.settings.ack_timeout)
                    .ack_timeout(self.settings.ack_timeout)
                    .build(client.clone());
                Ok::<_, PublishError>(Connection { client, context })
            })
            .await?;
        match connection.client.connection_state() {
            State::Connected => Ok(connection),
            state => Err(PublishError::Unavailable(format!(
                "NATS at {} is not connected ({state:?})",
                self.settings.nats_url
            ))),
        }
    }

    async fn publish_one(&self, record: &OutboxRecord) -> Result<(), PublishError> {
        let body = encode(record).map_err(PublishError::Contract)?;
        let connection = self.connected().await?;
        if !self.stream_ready.load(Ordering::Acquire) {
            events_stream(
                &connection.context,
                &self.settings.stream,
                &self.settings.subject_prefix,
            )
            .await
            .map_err(PublishError::Unavailable)?;
            self.stream_ready.store(true, Ordering::Release);
        }
        let publish = PublishMessage::build()
            .payload(body.into())
            .message_id(record.id.to_string());
        let subject = subject(&self.settings.subject_prefix, &record.kind);
        let ack = connection
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
            Ok(Ok(_)) => Ok(()),
        }
    }
}

impl EventBus for JetStreamBus {
    fn publish<'a>(&'a self, record: &'a OutboxRecord) -> PublishFuture<'a> {
        Box::pin(self.publish_one(record))
    }
}

async fn events_stream(
    context: &Context,
    name: &str,
    prefix: &str,
) -> Result<stream::Stream, String> {
    context
        .get_or_create_stream(stream::Config {
            name: name.to_owned(),
            subjects: vec![format!("{prefix}.>")],
            ..stream::Config::default()
        })
        .await
        .map_err(|e| format!("stream {name}: {e}"))
}

/// The result types the consumer reads.
pub const RESULT_TYPES: [&str; 3] = [events::PROGRESSED, events::TRANSCODED, events::FAILED];

#[derive(Debug, Clone)]
pub struct ConsumerSettings {
    pub nats_url: String,
    pub stream: String,
    pub subject_prefix: String,
    pub durable: String,
    pub batch: usize,
    pub fetch_wait: Duration,
    pub ack_wait: Duration,
    pub retry_delay: Duration,
    pub dead_letter_stream: String,
    pub dead_letter_prefix: String,
}

/// The transcoder's results, applied through [`Results`].
#[derive(Debug)]
pub struct ResultConsumer {
    settings: ConsumerSettings,
    client: OnceCell<async_nats::Client>,
    consumer: Mutex<Option<PullConsumer>>,
}

impl ResultConsumer {
    pub fn new(settings: ConsumerSettings) -> Self {
        Self {
            settings,
            client: OnceCell::new(),
            consumer: Mutex::new(None),
        }
    }

    /// Readiness: NATS connected and the durable consumer in place.
    pub fn ready(&self) -> Result<(), String> {
        let Some(client) = self.client.get() else {
            return Err("NATS is not connected yet".into());
        };
        match client.connection_state() {
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

    fn set_consumer(&self, consumer: Option<PullConsumer>) {
        *self
            .consumer
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = consumer;
    }

    async fn context(&self) -> Result<Context, String> {
        let client = self
            .client
            .get_or_try_init(|| async {
                async_nats::ConnectOptions::new()
                    .name("video-processor-results")
                    .retry_on_initial_connect()
                    .connection_timeout(Duration::from_secs(2))
                    .connect(self.settings.nats_url.as_str())
                    .await
                    .map_err(|e| format!("{}: {e}", self.settings.nats_url))
            })
            .await?;
        Ok(async_nats::jetstream::new(client.clone()))
    }

    async fn consumer(&self, context: &Context) -> Result<PullConsumer, String> {
        if let Some(consumer) = self.cached() {
            return Ok(consumer);
        }
        let settings = &self.settings;
        let stream = events_stream(context, &settings.stream, &settings.subject_prefix).await?;
        let consumer = stream
            .get_or_create_consumer(
                &settings.durable,
                pull::Config {
                    durable_name: Some(settings.durable.clone()),
                    filter_subjects: RESULT_TYPES
                        .iter()
                        .map(|t| format!("{}.{t}", settings.subject_prefix))
                        .collect(),
                    deliver_policy: DeliverPolicy::All,
                    ack_policy: AckPolicy::Explicit,
                    ack_wait: settings.ack_wait,
                    ..pull::Config::default()
                },
            )
            .await
            .map_err(|e| format!("consumer {}: {e}", settings.durable))?;
        self.set_consumer(Some(consumer.clone()));
        Ok(consumer)
    }

    /// Applies results until `stop`; failures pause and try again.
    pub async fn run(&self, results: &Results, stop: Shutdown) {
        let mut pause = Duration::from_millis(100);
        while !stop.is_triggered() {
            let batch = tokio::select! {
                () = stop.wait() => break,
                batch = self.one_batch(results) => batch,
            };
            match batch {
                Ok(()) => pause = Duration::from_millis(100),
                Err(error) => {
                    tracing::warn!(%error, "the result consumer failed; trying again");
                    tokio::select! {
                        () = stop.wait() => break,
                        () = tokio::time::sleep(pause) => {}
                    }
                    pause = (pause * 2).min(Duration::from_secs(5));
                }
            }
        }
    }

    /// Fetches one batch and settles each message after handling it.
    pub async fn one_batch(&self, results: &Results) -> Result<(), String> {
        let context = self.context().await?;
        let consumer = self.consumer(&context).await?;
        let mut batch = match consumer
            .fetch()
            .max_messages(self.settings.batch)
            .expires(self.settings.fetch_wait)
            .messages()
            .await
        {
            Ok(batch) => batch,
            Err(error) => {
                self.set_consumer(None);
                return Err(format!("fetching: {error}"));
            }
        };
        while let Some(message) = batch.next().await {
            let message = message.map_err(|e| format!("a fetch ended early: {e}"))?;
            let settle = match results.handle(&message.payload).await {
                Ok(Handled::Refused(reason)) => self.dead_letter(&context, &message, &reason).await,
                Ok(handled) => {
                    tracing::info!(subject = %message.subject, ?handled, "a transcoder result");
                    AckKind::Ack
                }
                Err(error) => {
                    tracing::warn!(%error, "a result could not be applied; handed back");
                    AckKind::Nak(Some(self.settings.retry_delay))
                }
            };
            if let Err(error) = message.ack_with(settle).await {
                tracing::warn!(%error, "an ack was lost; the result comes again (a no-op)");
            }
        }
        Ok(())
    }

    async fn dead_letter(
        &self,
        context: &Context,
        message: &async_nats::jetstream::Message,
        reason: &str,
    ) -> AckKind {
        let subject = format!("{}.{}", self.settings.dead_letter_prefix, message.subject);
        let mut headers = async_nats::HeaderMap::new();
        headers.insert("Edu-Original-Subject", message.subject.as_str());
        headers.insert(
            "Edu-Reason",
            reason.chars().take(1000).collect::<String>().as_str(),
        );
        let published = async {
            context
                .get_or_create_stream(stream::Config {
                    name: self.settings.dead_letter_stream.clone(),
                    subjects: vec![format!("{}.>", self.settings.dead_letter_prefix)],
                    ..stream::Config::default()
                })
                .await
                .map_err(|e| e.to_string())?;
            context
                .publish_with_headers(subject.clone(), headers, message.payload.clone())
                .await
                .map_err(|e| e.to_string())?
                .await
                .map_err(|e| e.to_string())
        };
        match published.await {
            Ok(_) => {
                tracing::error!(original = %message.subject, %subject, %reason, "DEAD-LETTERED an unreadable result");
                AckKind::Ack
            }
            Err(error) => {
                tracing::warn!(%error, "could not dead-letter; handed back");
                AckKind::Nak(Some(self.settings.retry_delay))
            }
        }
    }
}
