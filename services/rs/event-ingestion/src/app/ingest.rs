//! Ingesting one batch: every event checked on its own (a bad one never sinks the others), the
//! acceptable ones stamped with the server's time and published together, and the answer given
//! only once the publisher acknowledged each of them. In-flight events are bounded: a batch that
//! does not fit is refused at once (the client retries after a pause) rather than queued.

use std::sync::Arc;

use bytes::Bytes;
use edu_common::clock::Clock;
use edu_proto_gen::edu::events::v1::LearningEvent;
use prost::Message;
use tokio::sync::Semaphore;

use crate::app::ports::{EventPublisher, Outgoing, PublishError};
use crate::domain::outcome::{Rejected, Report};
use crate::domain::validation::{Rules, check};

/// An event as read from the body, or why it could not be read (one malformed JSON event).
#[derive(Debug, Clone, PartialEq)]
pub enum Candidate {
    Read(LearningEvent),
    Unreadable { id: String, reason: String },
}

/// Why a whole batch is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IngestError {
    #[error("the batch holds no event")]
    Empty,
    #[error("the batch holds {count} events; at most {max} are allowed")]
    TooMany { count: usize, max: usize },
    #[error("no event of the batch can be accepted")]
    AllRejected(Vec<Rejected>),
    #[error("too many events are being published right now")]
    Busy,
    #[error(transparent)]
    Publish(#[from] PublishError),
}

/// The settings of the use case.
#[derive(Debug, Clone)]
pub struct IngestLimits {
    pub rules: Rules,
    pub max_batch_events: usize,
    /// Events published and not yet acknowledged, over all requests.
    pub max_in_flight_events: usize,
    /// Subjects are `<prefix>.<type>`.
    pub subject_prefix: String,
}

#[derive(Debug, Clone)]
pub struct Ingestion {
    publisher: Arc<dyn EventPublisher>,
    clock: Arc<dyn Clock>,
    limits: IngestLimits,
    in_flight: Arc<Semaphore>,
}

impl Ingestion {
    pub fn new(
        publisher: Arc<dyn EventPublisher>,
        clock: Arc<dyn Clock>,
        limits: IngestLimits,
    ) -> Self {
        let in_flight = Arc::new(Semaphore::new(limits.max_in_flight_events));
        Self {
            publisher,
            clock,
            limits,
            in_flight,
        }
    }

    pub fn publisher(&self) -> &Arc<dyn EventPublisher> {
        &self.publisher
    }

    pub fn limits(&self) -> &IngestLimits {
        &self.limits
    }

    /// Checks, stamps and publishes the events of `user_id`; the report once all are acked.
    pub async fn ingest(
        &self,
        candidates: Vec<Candidate>,
        user_id: &str,
    ) -> Result<Report, IngestError> {
        if candidates.is_empty() {
            return Err(IngestError::Empty);
        }
        if candidates.len() > self.limits.max_batch_events {
            return Err(IngestError::TooMany {
                count: candidates.len(),
                max: self.limits.max_batch_events,
            });
        }
        let now = self.clock.now();
        let received_at = prost_types::Timestamp::from(now);
        let mut rejected = Vec::new();
        let mut outgoing = Vec::with_capacity(candidates.len());
        for (index, candidate) in candidates.into_iter().enumerate() {
            let mut event = match candidate {
                Candidate::Read(event) => event,
                Candidate::Unreadable { id, reason } => {
                    rejected.push(Rejected { index, id, reason });
                    continue;
                }
            };
            if let Err(why) = check(&event, user_id, now, self.limits.rules) {
                rejected.push(Rejected {
                    index,
                    id: event.id,
                    reason: why.to_string(),
                });
                continue;
            }
            event.received_at = Some(received_at);
            outgoing.push(Outgoing {
                subject: format!("{}.{}", self.limits.subject_prefix, event.r#type),
                payload: Bytes::from(event.encode_to_vec()),
                id: event.id,
            });
        }
        if outgoing.is_empty() {
            return Err(IngestError::AllRejected(rejected));
        }
        let permits = u32::try_from(outgoing.len()).unwrap_or(u32::MAX);
        let Ok(_permits) = self.in_flight.clone().try_acquire_many_owned(permits) else {
            return Err(IngestError::Busy);
        };
        let ids: Vec<String> = outgoing.iter().map(|o| o.id.clone()).collect();
        let acks = self.publisher.publish(outgoing).await?;
        if acks.len() != ids.len() {
            return Err(PublishError::Unavailable(format!(
                "{} acknowledgements for {} events",
                acks.len(),
                ids.len()
            ))
            .into());
        }
        Ok(Report::from_acks(rejected, ids.into_iter().zip(acks)))
    }
}

#[cfg(test)]
mod tests;
