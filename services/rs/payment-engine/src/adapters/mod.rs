//! The ports over their technologies: PostgreSQL (tokio-postgres), the events' protobuf JSON,
//! JetStream (async-nats).

pub mod events;
pub mod jetstream;
pub mod postgres;
