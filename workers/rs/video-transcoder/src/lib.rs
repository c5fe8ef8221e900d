//! video-transcoder (issue 25): each `video.uploaded` becomes an HLS ladder and a poster in the
//! video object store, announced as `video.transcoded` — or `video.transcoding_failed` with a
//! reason a teacher reads — once per video however often the job is delivered.
//!
//! [`domain`] decides (pure): the ladder, progress, reasons. [`app::job`] runs one job over
//! ports: the media tools ([`adapters::ffmpeg`]), the bus ([`adapters::jetstream`]), the object
//! store (`edu_video::store`).

pub mod adapters;
pub mod app;
pub mod domain;
pub mod pact;
pub mod settings;
#[cfg(test)]
pub mod testing;

use std::sync::Arc;

use crate::adapters::ffmpeg::Ffmpeg;
use crate::adapters::jetstream::JetStream;
use crate::app::job::Job;
use crate::settings::TranscoderSettings;

/// The worker's parts: the consumer (which also publishes) and the job it runs.
#[derive(Debug)]
pub struct Transcoder {
    pub jetstream: Arc<JetStream>,
    pub job: Job,
}

/// The worker from its settings; connects nothing yet.
pub fn build(settings: &TranscoderSettings) -> Transcoder {
    let jetstream = Arc::new(JetStream::new(settings.jetstream.clone()));
    let media = Arc::new(Ffmpeg {
        ffmpeg: settings.ffmpeg.clone(),
        ffprobe: settings.ffprobe.clone(),
        threads: settings.threads,
        preset: settings.preset.clone(),
    });
    let job = Job::new(
        edu_video::store::open(&settings.store).expect("EDU_VIDEO_S3_* checked by the settings"),
        media,
        jetstream.clone(),
        settings.work_dir.clone(),
        settings.progress_every,
    );
    Transcoder { jetstream, job }
}
