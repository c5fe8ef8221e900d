//! The event bus over NATS JetStream, as `edu.db`'s `JetStreamPublisher`: subject
//! `<prefix>.<type>` on stream `EVENTS` (made when missing, subjects `<prefix>.>`), each message
//! with `Nats-Msg-Id` = the event id, a publish done only once JetStream acknowledged it.
//!
//! The client is made on the first publish (a NATS that does not answer fails that publish; the
//! next one connects again) and then reconnects by itself; while it is not connected a publish
//! fails at once (rather than buffering and waiting out the ack timeout), and the relay backs
//! off.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use async_nats::connection::State;
use async_nats::jetstream::context::{Context, ContextBuilder, PublishErrorKind};
use async_nats::jetstream::message::PublishMessage;
use async_nats::jetstream::stream::Config;
use tokio::sync::OnceCell;

use crate::adapters::events::{self, ContractError};
use crate::app::ports::OutboxRecord;
use crate::app::relay::{EventBus, PublishError, PublishFuture};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusSettings {
    pub nats_url: String,
    pub stream: String,
    pub subject_prefix: String,
    /// How long a publish waits for JetStream's acknowledgement.
    pub ack_timeout: Duration,
}

/// One message as it goes on the bus: what [`JetStreamBus`] publishes and what
/// `payment-engine pact-messages` prints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    pub subject: String,
    /// `Nats-Msg-Id`: the event id.
    pub message_id: String,
    pub body: Vec<u8>,
}

/// The stored event as its message on the bus.
pub fn outgoing(subject_prefix: &str, record: &OutboxRecord) -> Result<Outgoing, ContractError> {
    Ok(Outgoing {
        subject: events::subject(subject_prefix, &record.kind),
        message_id: record.id.to_string(),
        body: events::encode(record)?,
    })
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
                    .name("payment-engine-outbox-relay")
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

    async fn ensure_stream(&self, context: &Context) -> Result<(), PublishError> {
        if self.stream_ready.load(Ordering::Acquire) {
            return Ok(());
        }
        let config = Config {
            name: self.settings.stream.clone(),
            subjects: vec![format!("{}.>", self.settings.subject_prefix)],
            ..Config::default()
        };
        context.get_or_create_stream(config).await.map_err(|e| {
            PublishError::Unavailable(format!("stream {}: {e}", self.settings.stream))
        })?;
        self.stream_ready.store(true, Ordering::Release);
        Ok(())
    }

    async fn publish_one(&self, record: &OutboxRecord) -> Result<(), PublishError> {
        // First: a contract error is not the bus's fault.
        let message = outgoing(&self.settings.subject_prefix, record)
            .map_err(|e| PublishError::Contract(e.to_string()))?;
        let connection = self.connected().await?;
        self.ensure_stream(&connection.context).await?;
        let publish = PublishMessage::build()
            .payload(message.body.into())
            .message_id(&message.message_id);
        let ack = connection
            .context
            .send_publish(message.subject, publish)
            .await
            .map_err(|e| PublishError::Unavailable(e.to_string()))?;
        match tokio::time::timeout(self.settings.ack_timeout, ack.into_future()).await {
            Err(_) => Err(PublishError::Unavailable(format!(
                "no acknowledgement within {:?}",
                self.settings.ack_timeout
            ))),
            Ok(Err(error)) => {
                if error.kind() == PublishErrorKind::StreamNotFound {
                    // Deleted, or a NATS that came back without its store: made again next time.
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
