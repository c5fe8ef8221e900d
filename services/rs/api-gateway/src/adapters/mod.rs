//! The ports' implementations: Redis rate limits and the hyper client that forwards requests
//! upstream, WebSocket handshakes passed through (identity's JWKS over HTTP is
//! `edu_jwt::HttpJwks`).

pub mod redis_limits;
pub mod upstream_http;
pub mod upstream_ws;
