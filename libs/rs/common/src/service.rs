//! The part of every Rust service's `main` after its settings are read: listen on
//! `EDU_BIND_ADDRESS`:`EDU_PORT` (127.0.0.1 unless a container says 0.0.0.0), build the router, serve until SIGTERM/SIGINT, then drain in-flight
//! requests for at most [`DRAIN`]. Also `--print-openapi` (the `just openapi` export) and, with
//! the `openapi` feature, the committed document's form and its freshness check.

use std::fmt::Display;
use std::future::Future;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use crate::shutdown::{self, Shutdown};

/// How long in-flight requests may take to finish once a stop was asked for.
pub const DRAIN: Duration = Duration::from_secs(10);

/// The flag `edu openapi export` runs a Rust service with.
pub const PRINT_OPENAPI: &str = "--print-openapi";

/// Whether the process was started to print its OpenAPI document instead of serving.
pub fn asked_for_openapi() -> bool {
    std::env::args().nth(1).as_deref() == Some(PRINT_OPENAPI)
}

/// Serves `router` (built once `address` is held) as `name`, logging how long the start took
/// from `started`; the process's exit code.
pub async fn serve<E: Display>(
    name: &str,
    started: Instant,
    address: SocketAddr,
    router: impl Future<Output = Result<axum::Router, E>>,
) -> ExitCode {
    let listener = match tokio::net::TcpListener::bind(address).await {
        Ok(listener) => listener,
        Err(error) => {
            tracing::error!(%address, %error, "cannot listen");
            return ExitCode::FAILURE;
        }
    };
    let router = match router.await {
        Ok(router) => router,
        Err(error) => {
            tracing::error!(%error, "cannot start");
            return ExitCode::FAILURE;
        }
    };
    let stop = Shutdown::new();
    if let Err(error) = stop.trigger_on_signals() {
        tracing::error!(%error, "cannot watch for SIGTERM/SIGINT");
        return ExitCode::FAILURE;
    }
    tracing::info!(%address, startup_ms = started.elapsed().as_millis(), "{name} serving");
    match shutdown::serve(listener, router, stop, DRAIN).await {
        Ok(_) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(%error, "the server stopped");
            ExitCode::FAILURE
        }
    }
}

/// A service's whole router: `api` (its own routes, state applied) beside `/health` and `/ready`
/// (`checks`, each given 2 s) and `/openapi.json` (`document`), unknown paths answered 404
/// problem+json, and every request given its `X-Request-Id`.
pub fn router(
    api: axum::Router,
    checks: Vec<Box<dyn crate::health::Check>>,
    document: fn() -> String,
) -> axum::Router {
    use axum::http::header;
    crate::health::routes(checks, Duration::from_secs(2))
        .merge(api)
        .route(
            "/openapi.json",
            axum::routing::get(move || async move {
                ([(header::CONTENT_TYPE, "application/json")], document())
            }),
        )
        .fallback(crate::problem::fallback)
        .layer(axum::middleware::from_fn(crate::request_id::middleware))
}

/// A generated document as committed under `contracts/openapi/`: pretty JSON, final newline.
#[cfg(feature = "openapi")]
pub fn committed_form(document: &utoipa::openapi::OpenApi) -> String {
    let mut text = document
        .to_pretty_json()
        .unwrap_or_else(|error| panic!("the generated OpenAPI document serializes: {error}"));
    text.push('\n');
    text
}

/// Panics, naming `path` and the fix, when the committed document is not the generated one
/// (compared as JSON: key order and whitespace do not matter). For each service's unit test.
#[cfg(feature = "openapi")]
pub fn assert_committed_is_fresh(generated: &str, committed: &str, path: &str) {
    let parse = |text: &str, what: &str| -> serde_json::Value {
        serde_json::from_str(text).unwrap_or_else(|error| panic!("{what} is not JSON: {error}"))
    };
    assert!(
        parse(generated, "the generated document") == parse(committed, path),
        "{path} is stale: run `just openapi` and commit"
    );
}

#[cfg(all(test, feature = "openapi"))]
mod tests {
    use super::*;

    #[test]
    fn a_stale_document_is_named_with_the_fix() {
        assert_committed_is_fresh(r#"{"a": 1, "b": 2}"#, "{\"b\":2,\"a\":1}", "x.json");
        let stale = std::panic::catch_unwind(|| {
            assert_committed_is_fresh(r#"{"a": 1}"#, r#"{"a": 2}"#, "contracts/openapi/x.json");
        })
        .unwrap_err();
        let message = stale.downcast_ref::<String>().unwrap();
        assert!(message.contains("contracts/openapi/x.json is stale: run `just openapi`"));
    }
}
