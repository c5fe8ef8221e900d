//! The ports over their technologies: PostgreSQL (tokio-postgres), the events' protobuf JSON,
//! JetStream (async-nats), the payment provider over HTTP (reqwest).

pub mod events;
pub mod jetstream;
pub mod postgres;
pub mod provider_http;
