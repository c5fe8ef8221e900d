//! What the gateway answers itself: liveness, readiness (Redis and identity's keys), and its own
//! OpenAPI document (those endpoints and the errors the gateway adds to every route).

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::response::IntoResponse;
use axum::routing::get;
use edu_common::health::{Check, CheckFuture, FnCheck};
use serde_json::json;

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
        .route("/openapi.json", get(|| async { axum::Json(openapi()) }))
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

fn problem_response(description: &str) -> serde_json::Value {
    json!({
        "description": description,
        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    })
}

/// The gateway's own OpenAPI 3.1 document.
pub fn openapi() -> serde_json::Value {
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "eduplatform api-gateway",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "The front door: every other path is forwarded to the service that owns its prefix (identity, course, enrollment, notifications), after the checks below. Besides each service's own answers, any forwarded request may get 401, 403 (cross-origin preflight), 413, 429, 431, 502, 503 or 504 from the gateway, as problem+json."
        },
        "paths": {
            "/health": {"get": {
                "summary": "Liveness", "operationId": "health",
                "responses": {"200": {"description": "The process serves requests.",
                    "content": {"application/json": {"schema": {"type": "object", "properties": {"status": {"const": "ok"}}, "required": ["status"]}}}}}
            }},
            "/openapi/composed.json": {"get": {
                "summary": "Every forwarded route in one document, composed from the services' own", "operationId": "composed_openapi",
                "responses": {
                    "200": {"description": "The composed OpenAPI document.", "content": {"application/json": {"schema": {"type": "object"}}}},
                    "503": problem_response("A service's document could not be read.")
                }
            }},
            "/ready": {"get": {
                "summary": "Readiness: Redis answers and identity's signing keys are loaded", "operationId": "ready",
                "responses": {
                    "200": {"description": "Ready.", "content": {"application/json": {"schema": {"type": "object"}}}},
                    "503": problem_response("Not ready; the detail names what is missing.")
                }
            }}
        },
        "components": {"schemas": {"Problem": {
            "type": "object",
            "required": ["type", "title", "status"],
            "properties": {
                "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
                "detail": {"type": "string"}, "instance": {"type": "string"}, "request_id": {"type": "string"},
                "errors": {"type": "array", "items": {"type": "object", "properties": {"field": {"type": "string"}, "message": {"type": "string"}}}}
            }
        }}},
        "x-gateway-errors": {
            "401": "A bearer token that is malformed, expired, for another audience or signed by an unknown key.",
            "403": "A cross-origin preflight (CORS is closed).",
            "413": "A body over the limit, refused before it is read when Content-Length declares it.",
            "429": "A rate limit: per user, per client address, stricter on log-in and sign-up; Retry-After and RateLimit-* headers.",
            "431": "Request headers over the limit.",
            "502": "The upstream could not be reached.",
            "503": "The upstream's circuit is open, or sign-in paused while the rate limiter is unreachable; Retry-After.",
            "504": "The upstream did not answer in time."
        }
    })
}
