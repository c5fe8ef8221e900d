//! The gateway's own OpenAPI document, generated from its code with utoipa: the endpoints it
//! answers itself and the problem+json errors it adds to every forwarded route. Committed as
//! `contracts/openapi/api-gateway.json` (`just openapi` writes it: `api-gateway --print-openapi`);
//! a unit test fails when the committed file is not what the code generates.

use edu_common::health::{Liveness, Readiness};
use edu_common::problem::{FieldProblem, Problem};
use utoipa::OpenApi;

/// Liveness: answers while the process serves requests (no dependency checked).
#[utoipa::path(get, path = "/health", operation_id = "health", tag = "gateway",
    responses((status = 200, description = "The process serves requests.", body = Liveness)))]
#[allow(dead_code, reason = "documents edu_common::health's handler")]
fn health() {}

/// Readiness: Redis answers and identity's signing keys are loaded.
#[utoipa::path(get, path = "/ready", operation_id = "ready", tag = "gateway",
    responses(
        (status = 200, description = "Ready.", body = Readiness),
        (status = 503, description = "Not ready; the detail names what is missing.", body = Problem,
            content_type = "application/problem+json"),
    ))]
#[allow(dead_code, reason = "documents edu_common::health's handler")]
fn ready() {}

/// This document.
#[utoipa::path(get, path = "/openapi.json", operation_id = "gateway_openapi", tag = "gateway",
    responses((status = 200, description = "The gateway's own OpenAPI document.")))]
#[allow(dead_code, reason = "documents crate::http::own_routes's handler")]
fn own_openapi() {}

/// Every forwarded route in one document, composed from the services' own.
#[utoipa::path(get, path = "/openapi/composed.json", operation_id = "composed_openapi", tag = "gateway",
    responses(
        (status = 200, description = "The composed OpenAPI document."),
        (status = 503, description = "A service's document could not be read.", body = Problem,
            content_type = "application/problem+json"),
    ))]
#[allow(dead_code, reason = "documents crate::http::own_routes's handler")]
fn composed_openapi() {}

#[derive(Debug, OpenApi)]
#[openapi(
    info(
        title = "eduplatform api-gateway",
        description = "The front door: every other path is forwarded to the service that owns its prefix (identity, course, enrollment, notifications, analytics-api, event-ingestion, payment-engine, certificate-generator, search, moderation, messaging: its /ws WebSocket handshake is passed through once messaging switches protocols, teacher-tools; /openapi/composed.json lists them). Besides each service's own answers, a forwarded request may get from the gateway, as problem+json: 401 (an invalid access token), 403 (a cross-origin preflight), 413 (a body over the limit, refused before it is read), 429 (a rate limit, with Retry-After and RateLimit-*), 431 (headers over the limit), 502 (the service unreachable), 503 (its circuit open, or signing in paused while the rate limiter is unreachable) and 504 (no answer in time)."
    ),
    paths(health, ready, own_openapi, composed_openapi),
    components(schemas(Problem, FieldProblem, Liveness, Readiness))
)]
pub struct GatewayApi;

/// The document as committed: pretty JSON with a final newline.
pub fn document() -> String {
    edu_common::service::committed_form(&GatewayApi::openapi())
}

#[cfg(test)]
mod tests {
    use super::*;

    const COMMITTED: &str = include_str!("../../../../../contracts/openapi/api-gateway.json");

    #[test]
    fn the_committed_spec_is_what_the_code_generates() {
        edu_common::service::assert_committed_is_fresh(
            &document(),
            COMMITTED,
            "contracts/openapi/api-gateway.json",
        );
    }

    #[test]
    fn every_operation_and_the_problem_schema_are_documented() {
        let generated: serde_json::Value = serde_json::from_str(&document()).unwrap();
        for path in [
            "/health",
            "/ready",
            "/openapi.json",
            "/openapi/composed.json",
        ] {
            assert!(generated["paths"][path]["get"].is_object(), "{path}");
        }
        let problem = &generated["components"]["schemas"]["Problem"]["properties"];
        for field in ["type", "title", "status", "detail", "request_id", "errors"] {
            assert!(problem[field].is_object(), "Problem.{field}");
        }
        assert!(
            problem.get("headers").is_none(),
            "an internal field leaked into the schema"
        );
    }
}
