//! JetStream as the event store: stream `LEARNING` (subjects `learning.>`), created when missing
//! with a de-duplication window, each event published with `Nats-Msg-Id` = its id. A batch is
//! published whole, then every ack awaited under one deadline; any failure fails the batch
//! (the client retries; JetStream drops the copies it already holds within the window).

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use async_nats::connection::State;
use async_nats::jetstream::context::{Context, ContextBuilder, PublishErrorKind};
use async_nats::jetstream::message::PublishMessage;
use async_nats::jetstream::stream::{Config, StorageType};

use crate::app::ports::{EventPublisher, Outgoing, PublishError, PublishFuture, ReadyFuture};
use crate::domain::outcome::Published;

/// Where and how events are stored.
#[derive(Debug, Clone)]
pub struct StreamSettings {
    pub nats_url: String,
    pub stream: String,
    pub subject_prefix: String,
    pub duplicate_window: Duration,
    /// How long a batch waits for all of its acks.
    pub ack_timeout: Duration,
    /// Acks JetStream may owe at once (the use case bounds the events in flight below it).
    pub max_acks_pending: usize,
}

#[derive(Debug)]
pub struct JetStreamPublisher {
    client: async_nats::Client,
    context: Context,
    settings: StreamSettings,
    stream_ready: AtomicBool,
}

impl JetStreamPublisher {
    /// Connects (retrying in the background when NATS is not up yet) and makes sure of the stream.
    pub async fn connect(settings: StreamSettings) -> Result<Self, String> {
        let client = async_nats::ConnectOptions::new()
            .name("event-ingestion")
            .retry_on_initial_connect()
            .connection_timeout(Duration::from_secs(2))
            .connect(settings.nats_url.as_str())
            .await
            .map_err(|e| format!("{}: {e}", settings.nats_url))?;
        let context = ContextBuilder::new()
            .timeout(settings.ack_timeout)
            .ack_timeout(settings.ack_timeout)
            .max_ack_inflight(settings.max_acks_pending)
            .build(client.clone());
        let publisher = Self {
            client,
            context,
            settings,
            stream_ready: AtomicBool::new(false),
        };
        // Give the first connection a moment, so the stream is made at start-up when NATS is up.
        let connecting = tokio::time::Instant::now() + Duration::from_secs(2);
        while publisher.connected().is_err() && tokio::time::Instant::now() < connecting {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        if let Err(error) = publisher.ensure_stream().await {
            tracing::warn!(%error, "the stream is not ready yet; trying again on the next batch");
        }
        Ok(publisher)
    }

    fn connected(&self) -> Result<(), PublishError> {
        match self.client.connection_state() {
            State::Connected => Ok(()),
            state => Err(PublishError::Unavailable(format!(
                "NATS is not connected ({state:?})"
            ))),
        }
    }

    /// Creates the stream when missing (once made, again only after it was found gone).
    async fn ensure_stream(&self) -> Result<(), PublishError> {
        if self.stream_ready.load(Ordering::Acquire) {
            return Ok(());
        }
        self.connected()?;
        let config = Config {
            name: self.settings.stream.clone(),
            subjects: vec![format!("{}.>", self.settings.subject_prefix)],
            duplicate_window: self.settings.duplicate_window,
            storage: StorageType::File,
            ..Config::default()
        };
        self.context
            .get_or_create_stream(config)
            .await
            .map_err(|e| {
                PublishError::Unavailable(format!("stream {}: {e}", self.settings.stream))
            })?;
        self.stream_ready.store(true, Ordering::Release);
        Ok(())
    }

    /// The stream is gone: the next batch or readiness check makes it again.
    fn stream_lost(&self) {
        if self.stream_ready.swap(false, Ordering::AcqRel) {
            tracing::warn!(stream = %self.settings.stream, "the stream is gone; making it again on the next batch");
        }
    }

    /// Readiness asks JetStream itself (the stream may have gone since it was made).
    async fn check_stream(&self) -> Result<(), PublishError> {
        self.connected()?;
        if self.stream_ready.load(Ordering::Acquire)
            && self
                .context
                .get_stream(&self.settings.stream)
                .await
                .is_err()
        {
            self.stream_lost();
        }
        self.ensure_stream().await
    }

    async fn publish_all(&self, batch: Vec<Outgoing>) -> Result<Vec<Published>, PublishError> {
        self.ensure_stream().await?;
        // Every message goes out before the first ack is awaited: one round trip per batch.
        let mut pending = Vec::with_capacity(batch.len());
        for event in batch {
            let message = PublishMessage::build()
                .payload(event.payload)
                .message_id(&event.id);
            let ack = self
                .context
                .send_publish(event.subject, message)
                .await
                .map_err(|e| PublishError::Unavailable(e.to_string()))?;
            pending.push(ack.into_future());
        }
        let deadline = tokio::time::Instant::now() + self.settings.ack_timeout;
        let mut acks = Vec::with_capacity(pending.len());
        for ack in pending {
            let ack = tokio::time::timeout_at(deadline, ack)
                .await
                .map_err(|_| PublishError::TimedOut(format!("{:?}", self.settings.ack_timeout)))?
                .map_err(|e| match e.kind() {
                    PublishErrorKind::TimedOut => {
                        PublishError::TimedOut(format!("{:?}", self.settings.ack_timeout))
                    }
                    PublishErrorKind::StreamNotFound => {
                        // Deleted, or a NATS that came back without its store: made again
                        // before the client's retry of this batch (never acknowledged now).
                        self.stream_lost();
                        PublishError::Unavailable(e.to_string())
                    }
                    _ => PublishError::Unavailable(e.to_string()),
                })?;
            acks.push(if ack.duplicate {
                Published::Duplicate
            } else {
                Published::Stored
            });
        }
        Ok(acks)
    }
}

impl EventPublisher for JetStreamPublisher {
    fn publish(&self, batch: Vec<Outgoing>) -> PublishFuture<'_> {
        Box::pin(async move {
            // A disconnected client would buffer the messages and wait out the ack timeout.
            self.connected()?;
            self.publish_all(batch).await
        })
    }

    fn ready(&self) -> ReadyFuture<'_> {
        Box::pin(async move { self.check_stream().await.map_err(|e| e.to_string()) })
    }
}
