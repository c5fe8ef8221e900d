//! search's domain: plain Rust, no axum, tantivy, async-nats or reqwest.
//!
//! - [`catalogue`]: what the index keeps per course and the rules that keep it right under
//!   redelivery and reordering (a course's version only grows; a popularity mark counts once).
//! - [`query`]: a search request read from its parameters, and each word's typo budget.
//! - [`ranking`]: the blend of text relevance, popularity and freshness (weights from settings).
//! - [`highlight`]: snippets with the matched words marked, by the same rules as matching.

pub mod catalogue;
pub mod highlight;
pub mod query;
pub mod ranking;
