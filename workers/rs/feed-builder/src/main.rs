//! `feed-builder`: reads `EDU_*` settings, then records events and rebuilds feeds until
//! SIGTERM/SIGINT. No HTTP server (README: why web reads the feeds from Redis).

use std::process::ExitCode;
use std::sync::atomic::Ordering;
use std::time::Duration;

use edu_common::shutdown::Shutdown;
use feed_builder::settings::FeedBuilderSettings;

#[tokio::main]
async fn main() -> ExitCode {
    let settings = match FeedBuilderSettings::from_process() {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::from(2);
        }
    };
    edu_common::telemetry::init(&settings.common);
    let shutdown = Shutdown::new();
    if let Err(error) = shutdown.trigger_on_signals() {
        tracing::error!(%error, "cannot listen for SIGTERM/SIGINT");
        return ExitCode::FAILURE;
    }
    let started = tokio::select! {
        started = feed_builder::start(settings) => started,
        () = shutdown.wait() => return ExitCode::SUCCESS,
    };
    let started = match started {
        Ok(started) => started,
        Err(error) => {
            tracing::error!(%error, "feed-builder could not start");
            return ExitCode::FAILURE;
        }
    };
    tracing::info!("feed-builder started: recording events, rebuilding feeds");
    let mut report = tokio::time::interval(Duration::from_mins(1));
    report.tick().await;
    loop {
        tokio::select! {
            () = shutdown.wait() => break,
            _ = report.tick() => {
                let c = &started.feed.counters;
                tracing::info!(
                    recorded = c.recorded.load(Ordering::Relaxed),
                    new_enrolments = c.new_enrolments.load(Ordering::Relaxed),
                    feeds = c.feeds.load(Ordering::Relaxed),
                    refreshed = c.refreshed.load(Ordering::Relaxed),
                    dead_lettered = c.dead_lettered.load(Ordering::Relaxed),
                    ready = started.feed.ready().await.is_ok(),
                    "feed-builder so far"
                );
            }
        }
    }
    // Whatever was recorded and not yet acked comes again to the next run (and changes nothing).
    drop(started);
    ExitCode::SUCCESS
}
