//! Identity's access tokens checked in Rust, shared by the api-gateway (the edge check, ADR 0016)
//! and event-ingestion (an event's user must be the token's subject, ADR 0018):
//!
//! - [`tokens`]: the Python verifier's rules (`edu.auth.tokens`): ES256 only, issuer, audience,
//!   expiry and issue time with 10 s of skew, a user id as subject; a JWKS read into keys.
//! - [`keys`]: identity's keys cached for a lifetime, refreshed at once on an unknown key id (at
//!   most once per spacing) and in the background when stale; kept while identity is down.
//! - [`jwks_http`]: the JWKS over HTTP (hyper's client), the cache's real key source.

pub mod jwks_http;
pub mod keys;
pub mod tokens;

pub use jwks_http::HttpJwks;
pub use keys::{KeyCache, KeySource};
pub use tokens::{KeySet, KeysFuture, Principal, TokenError, parse_jwks, verify};
