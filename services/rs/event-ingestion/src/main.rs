//! `event-ingestion`: reads `EDU_*` settings, serves on 127.0.0.1:`EDU_PORT` until
//! SIGTERM/SIGINT, then drains in-flight batches (each waits for its acks).
//! `event-ingestion --print-openapi` prints its OpenAPI document.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Instant;

use event_ingestion::settings::IngestionSettings;

#[tokio::main]
async fn main() -> ExitCode {
    if edu_common::service::asked_for_openapi() {
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
    let address = SocketAddr::new(settings.common.bind_address, settings.port);
    edu_common::service::serve(
        "event-ingestion",
        started,
        address,
        // Boxed: the JetStream connection's future is large (clippy::large_futures).
        Box::pin(event_ingestion::build(settings)),
    )
    .await
}
