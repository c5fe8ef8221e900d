//! `video-processor`: reads `EDU_*` settings, serves on `EDU_BIND_ADDRESS`:`EDU_PORT` until
//! SIGTERM/SIGINT, then drains; the outbox relay and the transcoder-result consumer run beside
//! it. `video-processor --print-openapi` prints its OpenAPI document; `video-processor
//! pact-messages` the events it publishes, for message-pact verification, and `video-processor
//! pact-state ready-video` writes an HTTP pact's provider state (`video_processor::pact`).

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use edu_common::shutdown::Shutdown;
use video_processor::settings::VideoSettings;

#[tokio::main]
async fn main() -> ExitCode {
    if edu_common::service::asked_for_openapi() {
        print!("{}", video_processor::http::openapi::document());
        return ExitCode::SUCCESS;
    }
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some(video_processor::pact::MODE) {
        return match video_processor::pact::run(&args[1..]) {
            Ok(messages) => {
                println!("{messages}");
                ExitCode::SUCCESS
            }
            Err(error) => {
                eprintln!("video-processor pact-messages: {error}");
                ExitCode::from(2)
            }
        };
    }
    if args.first().map(String::as_str) == Some(video_processor::pact::STATE_MODE) {
        return match video_processor::pact::run_state(&args[1..]).await {
            Ok(written) => {
                println!("{written}");
                ExitCode::SUCCESS
            }
            Err(error) => {
                eprintln!("video-processor pact-state: {error}");
                ExitCode::from(2)
            }
        };
    }
    let started = Instant::now();
    let settings = match VideoSettings::from_process() {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::from(2);
        }
    };
    edu_common::telemetry::init(&settings.common);
    tracing::info!(store = %settings.store.describe(), "video object store");
    let service = video_processor::build(&settings);
    let address = SocketAddr::new(settings.common.bind_address, settings.port);
    let stop = Shutdown::new();
    let relay = tokio::spawn({
        let stop = stop.clone();
        let relay = service.relay.clone();
        async move { relay.run(stop).await }
    });
    let consumer = tokio::spawn({
        let stop = stop.clone();
        let consumer = service.consumer.clone();
        let results = service.results.clone();
        async move { consumer.run(&results, stop).await }
    });
    let code = edu_common::service::serve(
        "video-processor",
        started,
        address,
        std::future::ready(Ok::<_, std::convert::Infallible>(service.router)),
    )
    .await;
    stop.trigger();
    let _ = tokio::time::timeout(Duration::from_secs(5), relay).await;
    let _ = tokio::time::timeout(Duration::from_secs(5), consumer).await;
    code
}
