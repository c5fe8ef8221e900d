//! `search`: reads `EDU_*` settings, serves on 127.0.0.1:`EDU_PORT` until SIGTERM/SIGINT while
//! its feed keeps the index up to date. `search rebuild` rebuilds the index from the stream
//! (service stopped); `search --print-openapi` prints its OpenAPI document.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Instant;

use search::settings::SearchSettings;

#[tokio::main]
async fn main() -> ExitCode {
    if edu_common::service::asked_for_openapi() {
        print!("{}", search::http::openapi::document());
        return ExitCode::SUCCESS;
    }
    let started = Instant::now();
    let settings = match SearchSettings::from_process() {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::from(2);
        }
    };
    edu_common::telemetry::init(&settings.common);
    if std::env::args().nth(1).as_deref() == Some("rebuild") {
        return match search::rebuild::rebuild(&settings).await {
            Ok(replayed) => {
                tracing::info!(
                    events = replayed.events,
                    unreadable = replayed.unreadable,
                    seconds = started.elapsed().as_secs_f64(),
                    "the index is rebuilt"
                );
                ExitCode::SUCCESS
            }
            Err(error) => {
                tracing::error!(%error, "the index was not rebuilt");
                ExitCode::FAILURE
            }
        };
    }
    let address = SocketAddr::new(settings.common.bind_address, settings.port);
    edu_common::service::serve(
        "search",
        started,
        address,
        Box::pin(search::build(settings)),
    )
    .await
}
