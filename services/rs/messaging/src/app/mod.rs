//! Use cases over ports: posting and reading ([`qa`]), the events messaging learns from
//! ([`events`]), the outbox relay ([`relay`]) and the live feed's fan-out ([`fanout`]).

pub mod events;
pub mod fanout;
pub mod ports;
pub mod qa;
pub mod relay;
