//! Use cases: uploads and playback links ([`videos`]), the transcoder's results
//! ([`results`]), the outbox relay ([`relay`]); what they need from outside ([`ports`]).

pub mod ports;
pub mod relay;
pub mod results;
pub mod videos;
