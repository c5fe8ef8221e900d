//! `event-ingestion`: reads `EDU_*` settings, serves on 127.0.0.1:`EDU_PORT` until
//! SIGTERM/SIGINT, then drains in-flight batches (each waits for its acks).
//! `event-ingestion --print-openapi` prints its OpenAPI document.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use edu_common::shutdown::Shutdown;
use event_ingestion::settings::IngestionSettings;

#[tokio::main]
async fn main() -> ExitCode {
    if std::env::args().nth(1).as_deref() == Some("--print-openapi") {
        print!("{}", event_ingestion::http::openapi::document());
        return ExitCode::SUCCESS;
    }
    let started = Instant::now();
    let settings = match IngestionSettings::from_process() {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::from(2);
        }
    };
    edu_common::telemetry::init(&settings.common);
    let address = SocketAddr::from(([127, 0, 0, 1], settings.port));
    let listener = match tokio::net::TcpListener::bind(address).await {
        Ok(listener) => listener,
        Err(error) => {
            tracing::error!(%address, %error, "cannot listen");
            return ExitCode::FAILURE;
        }
    };
    let router = match event_ingestion::build(settings).await {
        Ok(router) => router,
        Err(error) => {
            tracing::error!(%error, "cannot start");
            return ExitCode::FAILURE;
        }
    };
    let shutdown = Shutdown::new();
    if let Err(error) = shutdown.trigger_on_signals() {
        tracing::error!(%error, "cannot watch for SIGTERM/SIGINT");
        return ExitCode::FAILURE;
    }
    tracing::info!(%address, startup_ms = started.elapsed().as_millis(), "event-ingestion serving");
    let served =
        edu_common::shutdown::serve(listener, router, shutdown, Duration::from_secs(10)).await;
    match served {
        Ok(_) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(%error, "the server stopped");
            ExitCode::FAILURE
        }
    }
}
