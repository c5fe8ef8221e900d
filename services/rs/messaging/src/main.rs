//! `messaging`: reads `EDU_*` settings, serves on `EDU_BIND_ADDRESS`:`EDU_PORT` until
//! SIGTERM/SIGINT with the outbox relay, the event consumer and the live feed beside it; then
//! closes its WebSocket connections (1001: clients reconnect to another instance) and drains.
//! `messaging --print-openapi` prints its OpenAPI document.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use messaging::settings::MessagingSettings;

#[tokio::main]
async fn main() -> ExitCode {
    if edu_common::service::asked_for_openapi() {
        print!("{}", messaging::http::openapi::document());
        return ExitCode::SUCCESS;
    }
    let started = Instant::now();
    let settings = match MessagingSettings::from_process() {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::from(2);
        }
    };
    edu_common::telemetry::init(&settings.common);
    let running = match messaging::start(&settings).await {
        Ok(running) => running,
        Err(error) => {
            tracing::error!(%error, "cannot start");
            return ExitCode::FAILURE;
        }
    };
    let address = SocketAddr::new(settings.common.bind_address, settings.port);
    let router = running.router.clone();
    // WebSocket connections are upgraded ones the HTTP drain does not wait for: on the same
    // signals they are closed with 1001, so their clients reconnect to another instance.
    let stopping = running.stopping.clone();
    let signals = {
        use tokio::signal::unix::{SignalKind, signal};
        signal(SignalKind::terminate()).and_then(|t| Ok((t, signal(SignalKind::interrupt())?)))
    };
    match signals {
        Ok((mut terminate, mut interrupt)) => {
            tokio::spawn(async move {
                tokio::select! {
                    _ = terminate.recv() => {}
                    _ = interrupt.recv() => {}
                }
                stopping.trigger();
            });
        }
        Err(error) => {
            tracing::error!(%error, "cannot watch for SIGTERM/SIGINT");
            return ExitCode::FAILURE;
        }
    }
    let code = edu_common::service::serve(
        "messaging",
        started,
        address,
        std::future::ready(Ok::<_, std::convert::Infallible>(router)),
    )
    .await;
    let hub = running.hub.clone();
    let closed = async {
        while hub.connections() > 0 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    let _ = tokio::time::timeout(Duration::from_secs(2), closed).await;
    running.stop().await;
    code
}
