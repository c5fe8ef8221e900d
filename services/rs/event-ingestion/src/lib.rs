//! eduplatform's event-ingestion: the collector of learning events (issue 21, ADR 0018).
//!
//! `POST /v1/events` takes a batch (JSON or protobuf); each event is checked on its own
//! ([`domain::validation`]: ids, type and payload, the signed-in user, clock skew), stamped and
//! published to JetStream with its id as the de-duplication id ([`adapters::jetstream`]); the
//! answer is 202 only once JetStream acknowledged every accepted event ([`app::ingest`]), and
//! 503 with `Retry-After` when it cannot (nothing counts as recorded then).

pub mod adapters;
pub mod app;
pub mod domain;
pub mod http;
pub mod settings;

use std::sync::Arc;
use std::time::Duration;

use edu_common::clock::SystemClock;
use edu_jwt::{HttpJwks, KeyCache};

use crate::adapters::jetstream::{JetStreamPublisher, StreamSettings};
use crate::app::ingest::{IngestLimits, Ingestion};
use crate::domain::validation::Rules;
use crate::http::Ingest;
use crate::settings::IngestionSettings;

/// The whole service from its settings: NATS connection, stream, key cache, router.
pub async fn build(settings: IngestionSettings) -> Result<axum::Router, String> {
    let publisher = JetStreamPublisher::connect(StreamSettings {
        nats_url: settings.nats_url.clone(),
        stream: settings.stream.clone(),
        subject_prefix: settings.subject_prefix.clone(),
        duplicate_window: settings.duplicate_window,
        ack_timeout: settings.ack_timeout,
        max_acks_pending: settings.max_in_flight_events + settings.max_batch_events,
    })
    .await?;
    let keys = KeyCache::new(
        Arc::new(HttpJwks::new(settings.jwks_url.clone())),
        settings.jwks_lifetime,
        Duration::from_secs(1),
    );
    keys.ensure_keys().await;
    let ingestion = Ingestion::new(
        Arc::new(publisher),
        Arc::new(SystemClock),
        IngestLimits {
            rules: Rules {
                max_skew: settings.max_clock_skew,
            },
            max_batch_events: settings.max_batch_events,
            max_in_flight_events: settings.max_in_flight_events,
            subject_prefix: settings.subject_prefix.clone(),
        },
    );
    let state = Arc::new(Ingest {
        ingestion,
        keys,
        max_body_bytes: settings.max_body_bytes,
    });
    Ok(http::router(&state))
}
