//! `postgres` (the videos and their outbox), `jetstream` (the relay's bus and the results'
//! consumer), `access_http` (course and enrollment asked with the caller's token).

pub mod access_http;
pub mod jetstream;
pub mod postgres;
