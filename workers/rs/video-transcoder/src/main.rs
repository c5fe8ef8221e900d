//! `video-transcoder`: reads `EDU_*` settings, then runs transcoding jobs off JetStream until
//! SIGTERM/SIGINT (a job in flight is handed back and starts over elsewhere). No HTTP server.
//! `video-transcoder pact-messages` prints the results it publishes, for message-pact
//! verification (`video_transcoder::pact`).

use std::process::ExitCode;

use edu_common::shutdown::Shutdown;
use video_transcoder::settings::TranscoderSettings;

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some(video_transcoder::pact::MODE) {
        return match video_transcoder::pact::run(&args[1..]) {
            Ok(messages) => {
                println!("{messages}");
                ExitCode::SUCCESS
            }
            Err(error) => {
                eprintln!("video-transcoder pact-messages: {error}");
                ExitCode::from(2)
            }
        };
    }
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
    tracing::info!(store = %settings.store.describe(), "video-transcoder started");
    transcoder.jetstream.run(&transcoder.job, stop).await;
    ExitCode::SUCCESS
}
