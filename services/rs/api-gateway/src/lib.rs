//! eduplatform's api-gateway: the platform's front door (issue 20, ADR 0015).
//!
//! Every request enters here and is forwarded by path prefix to the service that owns it
//! (identity, course, enrollment, notifications), after the edge checks in [`http`]: closed
//! CORS, header and body caps (413 before the body is read), access tokens verified against
//! identity's JWKS and rate limits ([`app::admission`], over the rules in [`domain`] and the
//! Redis/HTTP [`adapters`]), a circuit breaker per upstream. The client's address goes on in a
//! header the services trust only with the gateway's proxy token (ADR 0015, ADR 0016).

pub mod adapters;
pub mod app;
pub mod domain;
pub mod http;
pub mod settings;

use std::sync::Arc;
use std::time::Duration;

use edu_jwt::{HttpJwks, KeyCache};

use crate::adapters::redis_limits::Limiter;
use crate::adapters::upstream_http as proxy;
use crate::http::Gateway;
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
    let gateway = Arc::new(Gateway::new(settings, keys, Arc::new(limiter)));
    gateway.keys.ensure_keys().await;
    http::router(&gateway)
}
