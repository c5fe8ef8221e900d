//! eduplatform's api-gateway: the platform's front door (issue 20, ADR 0015).
//!
//! Every request enters here and is forwarded by path prefix to the service that owns it
//! (identity, course, enrollment, notifications), after the edge checks in [`app`]: closed
//! CORS, header and body caps (413 before the body is read), access tokens verified against
//! identity's JWKS ([`auth`]), rate limits in Redis ([`ratelimit`]), a circuit breaker per
//! upstream ([`breaker`]). The client's address goes on in a header the services trust only
//! with the gateway's proxy token ([`proxy`]).

pub mod app;
pub mod auth;
pub mod breaker;
pub mod client;
pub mod composed;
pub mod jwks;
pub mod limiter;
pub mod own_routes;
pub mod proxy;
pub mod ratelimit;
pub mod settings;

use std::sync::Arc;
use std::time::Duration;

use crate::app::Gateway;
use crate::auth::KeyCache;
use crate::jwks::HttpJwks;
use crate::limiter::Limiter;
use crate::settings::GatewaySettings;

/// The whole gateway from its settings: key cache, limiter, upstreams, router.
pub async fn build(settings: GatewaySettings) -> axum::Router {
    build_with_prefix(settings, String::new()).await
}

/// The same, with a prefix for its Redis keys (tests share one Redis).
pub async fn build_with_prefix(settings: GatewaySettings, redis_prefix: String) -> axum::Router {
    let source = HttpJwks {
        url: settings.jwks_url.clone(),
        client: proxy::client(Duration::from_secs(2)),
        timeout: Duration::from_secs(3),
    };
    let keys = KeyCache::new(
        Arc::new(source),
        settings.jwks_lifetime,
        Duration::from_secs(1),
    );
    let limiter = Limiter::start(
        settings.redis_url.clone(),
        redis_prefix,
        Duration::from_millis(250),
    )
    .await;
    let gateway = Arc::new(Gateway::new(settings, keys, limiter));
    gateway.keys.ensure_keys().await;
    app::router(&gateway)
}
