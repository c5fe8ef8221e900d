//! The ports' implementations: JetStream as the event store ([`jetstream`]).

pub mod jetstream;
