//! The ports' implementations: Redis rate limits, identity's JWKS over HTTP, and the hyper
//! client that forwards requests upstream.

pub mod jwks_http;
pub mod redis_limits;
pub mod upstream_http;
