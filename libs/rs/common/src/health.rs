//! `GET /health` and `GET /ready`, the same on every service in both languages.
//!
//! Liveness checks no dependency on purpose (a restarting database must not get a healthy
//! process killed). Readiness runs every [`Check`] concurrently, each under a time limit, and
//! answers 200 `{"status": "ready", "checks": {...}}` or a 503 problem naming what is not ready.

use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::problem::Problem;

/// The future a check returns: `Ok(())` when the dependency can serve, else why not.
pub type CheckFuture = Pin<Box<dyn Future<Output = Result<(), String>> + Send>>;

/// One dependency readiness depends on (database, NATS, an upstream).
pub trait Check: Send + Sync {
    fn name(&self) -> &str;
    fn check(&self) -> CheckFuture;
}

/// A check from a name and a closure, for the common case.
pub struct FnCheck<F> {
    name: String,
    probe: F,
}

impl<F> std::fmt::Debug for FnCheck<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FnCheck")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl<F> FnCheck<F>
where
    F: Fn() -> CheckFuture + Send + Sync,
{
    pub fn new(name: impl Into<String>, probe: F) -> Self {
        Self {
            name: name.into(),
            probe,
        }
    }
}

impl<F> Check for FnCheck<F>
where
    F: Fn() -> CheckFuture + Send + Sync,
{
    fn name(&self) -> &str {
        &self.name
    }

    fn check(&self) -> CheckFuture {
        (self.probe)()
    }
}

/// `GET /health`'s body.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Liveness {
    /// Always "ok" while the process serves requests.
    pub status: String,
}

/// `GET /ready`'s body when every dependency answers.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Readiness {
    /// Always "ready".
    pub status: String,
    /// Each dependency checked, with "ok".
    pub checks: std::collections::BTreeMap<String, String>,
}

#[derive(Clone)]
struct ReadinessChecks {
    checks: Arc<Vec<Box<dyn Check>>>,
    timeout: Duration,
}

/// The `/health` and `/ready` routes; merge them into the service's router.
pub fn routes(checks: Vec<Box<dyn Check>>, timeout: Duration) -> Router {
    let readiness = ReadinessChecks {
        checks: Arc::new(checks),
        timeout,
    };
    Router::new()
        .route(
            "/health",
            get(|| async {
                axum::Json(Liveness {
                    status: "ok".into(),
                })
            }),
        )
        .route("/ready", get(ready))
        .with_state(readiness)
}

async fn ready(State(readiness): State<ReadinessChecks>) -> Response {
    let results = futures_join(&readiness).await;
    let failed: Vec<String> = results
        .iter()
        .filter_map(|(name, result)| result.as_ref().err().map(|why| format!("{name}: {why}")))
        .collect();
    if failed.is_empty() {
        let checks = results
            .into_iter()
            .map(|(name, _)| (name, "ok".to_owned()))
            .collect();
        return axum::Json(Readiness {
            status: "ready".into(),
            checks,
        })
        .into_response();
    }
    Problem::new(
        StatusCode::SERVICE_UNAVAILABLE,
        format!("Not ready: {}.", failed.join("; ")),
    )
    .with_header(axum::http::header::RETRY_AFTER, "5")
    .into_response()
}

async fn futures_join(readiness: &ReadinessChecks) -> Vec<(String, Result<(), String>)> {
    let mut handles = Vec::with_capacity(readiness.checks.len());
    for check in readiness.checks.iter() {
        let name = check.name().to_owned();
        let probe = tokio::time::timeout(readiness.timeout, check.check());
        let limit = readiness.timeout;
        handles.push(tokio::spawn(async move {
            let result = match probe.await {
                Ok(result) => result,
                Err(_) => Err(format!("no answer within {} ms", limit.as_millis())),
            };
            (name, result)
        }));
    }
    let mut results = Vec::with_capacity(handles.len());
    for handle in handles {
        match handle.await {
            Ok(result) => results.push(result),
            Err(error) => results.push(("check".to_owned(), Err(error.to_string()))),
        }
    }
    results
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use http_body_util::BodyExt;
    use tower::ServiceExt;

    fn check(name: &str, result: Result<(), &'static str>, delay_ms: u64) -> Box<dyn Check> {
        Box::new(FnCheck::new(name, move || -> CheckFuture {
            Box::pin(async move {
                tokio::time::sleep(Duration::from_millis(delay_ms)).await;
                result.map_err(str::to_owned)
            })
        }))
    }

    async fn get_json(router: Router, path: &str) -> (StatusCode, serde_json::Value) {
        let response = router
            .oneshot(axum::http::Request::get(path).body(Body::empty()).unwrap())
            .await
            .unwrap();
        let status = response.status();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        (status, serde_json::from_slice(&bytes).unwrap())
    }

    #[tokio::test]
    async fn health_answers_even_when_a_dependency_is_down() {
        let router = routes(
            vec![check("database", Err("refused"), 0)],
            Duration::from_secs(1),
        );
        let (status, body) = get_json(router, "/health").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["status"], "ok");
    }

    #[tokio::test]
    async fn ready_when_every_check_passes() {
        let router = routes(
            vec![check("database", Ok(()), 0), check("nats", Ok(()), 0)],
            Duration::from_secs(1),
        );
        let (status, body) = get_json(router, "/ready").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["checks"]["nats"], "ok");
    }

    #[tokio::test]
    async fn not_ready_names_the_failing_and_the_slow_check() {
        let router = routes(
            vec![
                check("database", Err("connection refused"), 0),
                check("nats", Ok(()), 2_000),
                check("cache", Ok(()), 0),
            ],
            Duration::from_millis(100),
        );
        let (status, body) = get_json(router, "/ready").await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        let detail = body["detail"].as_str().unwrap();
        assert!(detail.contains("database: connection refused"), "{detail}");
        assert!(detail.contains("nats: no answer within 100 ms"), "{detail}");
        assert!(!detail.contains("cache"), "{detail}");
    }
}
