//! The use case: one batch in, each event checked, the acceptable ones stamped and published
//! with their acks awaited ([`ingest`]); the publisher a port ([`ports`]).

pub mod ingest;
pub mod ports;
