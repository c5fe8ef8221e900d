//! `video-transcoder`: reads `EDU_*` settings, then runs transcoding jobs off JetStream until
//! SIGTERM/SIGINT (a job in flight is handed back and starts over elsewhere). No HTTP server.

use std::process::ExitCode;

use edu_common::shutdown::Shutdown;
use video_transcoder::settings::TranscoderSettings;

#[tokio::main]
async fn main() -> ExitCode {
    let settings = match TranscoderSettings::from_process() {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::from(2);
        }
    };
    edu_common::telemetry::init(&settings.common);
    let stop = Shutdown::new();
    if let Err(error) = stop.trigger_on_signals() {
        tracing::error!(%error, "cannot listen for SIGTERM/SIGINT");
        return ExitCode::FAILURE;
    }
    let transcoder = video_transcoder::build(&settings);
    tracing::info!(store = %settings.store_dir.display(), "video-transcoder started");
    transcoder.jetstream.run(&transcoder.job, stop).await;
    ExitCode::SUCCESS
}
