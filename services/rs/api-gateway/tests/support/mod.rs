#![allow(
    dead_code,
    reason = "shared by several test binaries, each using a part of it"
)]
//! A fake platform behind a real gateway: upstreams that count what reaches them and echo the
//! headers they got, identity's JWKS with a test key, the run's real Redis.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use api_gateway::settings::GatewaySettings;
use axum::Router;
use axum::extract::Request;
use axum::routing::get;
use edu_common::settings::VariableSource;
use edu_testing::backends::{Backend, url};
use edu_testing::{Namespace, TestApp, spawn_app};
use serde_json::json;

pub(crate) const USER: &str = "0b6c5e2a-0000-4000-8000-000000000001";

pub(crate) fn now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs_f64()
}

pub(crate) fn token_for(user: &str, expires_in: f64) -> String {
    edu_testing::identity::access_token(user, &["student"], expires_in)
}

/// An upstream that counts requests and answers with the headers it received.
pub(crate) struct Upstream {
    pub(crate) app: TestApp,
    pub(crate) hits: Arc<AtomicUsize>,
}

impl Upstream {
    pub(crate) fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
}

pub(crate) async fn upstream() -> Upstream {
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    let jwks = edu_testing::identity::jwks();
    let router = Router::new()
        .route(
            "/.well-known/jwks.json",
            get(move || async move { axum::Json(jwks) }),
        )
        .fallback(move |request: Request| {
            let counter = counter.clone();
            async move {
                counter.fetch_add(1, Ordering::SeqCst);
                let headers: serde_json::Map<String, serde_json::Value> = request
                    .headers()
                    .iter()
                    .map(|(k, v)| (k.to_string(), json!(v.to_str().unwrap_or(""))))
                    .collect();
                axum::Json(json!({
                    "path": request.uri().to_string(),
                    "method": request.method().to_string(),
                    "headers": headers,
                }))
            }
        });
    Upstream {
        app: spawn_app(router).await,
        hits,
    }
}

pub(crate) struct Platform {
    pub(crate) gateway: TestApp,
    pub(crate) identity: Upstream,
    pub(crate) course: Upstream,
}

/// A gateway over two fake upstreams; `extra` variables override the defaults.
pub(crate) async fn platform(extra: &[(&str, String)]) -> Platform {
    let identity = upstream().await;
    let course = upstream().await;
    let mut pairs: Vec<(String, String)> = vec![
        ("EDU_ENVIRONMENT".into(), "test".into()),
        (
            "EDU_GATEWAY_ROUTES".into(),
            "/auth=identity,/me=identity,/courses=course".into(),
        ),
        ("EDU_IDENTITY_SERVICE_URL".into(), identity.app.url("")),
        ("EDU_COURSE_SERVICE_URL".into(), course.app.url("")),
        ("EDU_REDIS_URL".into(), url(Backend::Redis)),
        ("EDU_PROXY_TOKEN".into(), "test-proxy-token".into()),
        ("EDU_MAX_REQUEST_BODY_BYTES".into(), "1024".into()),
    ];
    for (name, value) in extra {
        pairs.retain(|(n, _)| n != name);
        pairs.push(((*name).to_owned(), value.clone()));
    }
    let settings = GatewaySettings::read(&VariableSource::from_pairs(pairs)).unwrap();
    let prefix = format!("{}:", Namespace::new().id());
    let router = api_gateway::build_with_prefix(settings, prefix).await;
    Platform {
        gateway: spawn_app(router).await,
        identity,
        course,
    }
}
