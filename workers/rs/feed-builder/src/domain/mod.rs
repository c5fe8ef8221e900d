//! feed-builder's domain: plain Rust, no async-nats, redis or tokio.
//!
//! - [`events`]: the facts a feed is built from, as decoded from the event envelopes.
//! - [`feed`]: a student's feed from what is known about them — "continue learning" (enrolled,
//!   not completed, most recent activity first, with the next lesson when the course's lessons
//!   are known) and the bound on every list.
//! - [`recommend`]: "recommended next" from co-enrolment counts, each item with its reason.

pub mod events;
pub mod feed;
pub mod recommend;
