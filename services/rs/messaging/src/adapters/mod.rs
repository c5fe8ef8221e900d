//! The outside world: PostgreSQL ([`postgres`]), events in the platform's protobuf JSON
//! ([`events`]), JetStream ([`jetstream`]: the outbox relay's bus and the consumer of
//! enrolment, course and moderation events) and NATS core ([`fanout`]: live posts shared by
//! every instance).

pub mod events;
pub mod fanout;
pub mod jetstream;
pub mod postgres;
