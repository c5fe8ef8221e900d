//! What the gateway answers itself: liveness, readiness (Redis and identity's keys), its own
//! OpenAPI document (`crate::http::openapi`) and the composed one (`crate::http::composed`).

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::response::IntoResponse;
use axum::routing::get;
use edu_common::health::{Check, CheckFuture, FnCheck};

use crate::http::Gateway;

pub fn routes(gateway: &Arc<Gateway>) -> Router {
    let redis = gateway.clone();
    let keys = gateway.clone();
    let checks: Vec<Box<dyn Check>> = vec![
        Box::new(FnCheck::new("redis", move || -> CheckFuture {
            let gateway = redis.clone();
            Box::pin(async move { gateway.limiter.ping().await })
        })),
        Box::new(FnCheck::new("signing keys", move || -> CheckFuture {
            let gateway = keys.clone();
            Box::pin(async move {
                if gateway.keys.ensure_keys().await {
                    Ok(())
                } else {
                    Err("identity's JWKS has not been fetched yet".into())
                }
            })
        })),
    ];
    let composing = gateway.clone();
    edu_common::health::routes(checks, Duration::from_secs(2))
        .route(
            "/openapi.json",
            get(|| async {
                (
                    [(axum::http::header::CONTENT_TYPE, "application/json")],
                    crate::http::openapi::document(),
                )
            }),
        )
        .route(
            "/openapi/composed.json",
            get(move || {
                let gateway = composing.clone();
                async move {
                    match crate::http::composed::composed(&gateway).await {
                        Ok(document) => axum::Json(document).into_response(),
                        Err(error) => edu_common::problem::ApiError::Unavailable {
                            detail: format!(
                                "A service's OpenAPI document cannot be read: {error}."
                            ),
                            retry_after: 5,
                        }
                        .into_response(),
                    }
                }
            }),
        )
}
