//! What the use case needs from outside, as traits: somewhere to publish events and wait for
//! their acknowledgements (JetStream in production, a fake in unit tests).

use std::pin::Pin;

use bytes::Bytes;

use crate::domain::outcome::Published;

/// One event ready to publish: its subject, its id (the de-duplication id) and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    pub subject: String,
    pub id: String,
    pub payload: Bytes,
}

/// Why a batch could not be acknowledged; nothing in it may be reported accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PublishError {
    #[error("the event store is unreachable: {0}")]
    Unavailable(String),
    #[error("the event store did not acknowledge in time: {0}")]
    TimedOut(String),
}

pub type PublishFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Vec<Published>, PublishError>> + Send + 'a>>;
pub type ReadyFuture<'a> = Pin<Box<dyn Future<Output = Result<(), String>> + Send + 'a>>;

/// Publishes events durably: the answer has one ack per event, in order, or an error when any
/// of them was not acknowledged.
pub trait EventPublisher: Send + Sync + std::fmt::Debug {
    fn publish(&self, batch: Vec<Outgoing>) -> PublishFuture<'_>;
    /// Whether publishing can work now (readiness).
    fn ready(&self) -> ReadyFuture<'_>;
}
