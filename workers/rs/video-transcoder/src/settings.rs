//! video-transcoder's settings, from `EDU_*` variables (`edu_common::settings` rules).

use std::path::PathBuf;
use std::time::Duration;

use edu_common::settings::{
    CommonSettings, SettingsError, SettingsReader, VariableProblem, VariableSource,
};

use edu_video::store::StoreConfig;

use crate::adapters::jetstream::JetStreamSettings;

const WORKER: &str = "video-transcoder";

#[derive(Debug, Clone)]
pub struct TranscoderSettings {
    pub common: CommonSettings,
    pub jetstream: JetStreamSettings,
    /// The object store's root (`EDU_VIDEO_STORE_DIR`): video-processor's.
    pub store_dir: PathBuf,
    /// Those files, or video-processor's S3 bucket when `EDU_VIDEO_S3_URL` is set (the same
    /// `EDU_VIDEO_S3_*` variables).
    pub store: StoreConfig,
    /// Where renditions are made before they go to the store (`EDU_VIDEO_WORK_DIR`).
    pub work_dir: PathBuf,
    pub ffmpeg: PathBuf,
    pub ffprobe: PathBuf,
    /// `EDU_TRANSCODE_THREADS` (0: ffmpeg decides), `EDU_TRANSCODE_PRESET` (`veryfast`).
    pub threads: u32,
    pub preset: String,
    /// At most one progress event this often (`EDU_TRANSCODE_PROGRESS_MS`, 2000).
    pub progress_every: Duration,
}

impl TranscoderSettings {
    pub fn from_process() -> Result<Self, SettingsError> {
        Self::read(&VariableSource::from_process())
    }

    pub fn read(source: &VariableSource) -> Result<Self, SettingsError> {
        let mut reader = SettingsReader::new(source);
        let common = reader.common();
        let jetstream = JetStreamSettings {
            nats_url: reader.string("NATS_URL", "nats://127.0.0.1:14222"),
            stream: reader.string("EVENTS_STREAM", "EVENTS"),
            subject_prefix: reader.string("EVENTS_SUBJECT_PREFIX", "events"),
            durable: reader.string("VIDEO_TRANSCODER_DURABLE", "video-transcoder"),
            ack_wait: Duration::from_secs(reader.parse("TRANSCODE_ACK_WAIT_SECONDS", 30_u64)),
            max_deliver: reader.parse("TRANSCODE_MAX_DELIVER", 3_i64),
            retry_delay: Duration::from_millis(reader.parse("TRANSCODE_RETRY_MS", 5_000)),
            fetch_wait: Duration::from_millis(reader.parse("TRANSCODE_FETCH_WAIT_MS", 5_000)),
            publish_timeout: Duration::from_millis(reader.parse("EVENTS_ACK_TIMEOUT_MS", 2_000)),
            dead_letter_stream: reader.string("DEAD_LETTER_STREAM", "DEAD_LETTERS"),
            dead_letter_prefix: reader.string("DEAD_LETTER_PREFIX", "dlq.video-transcoder"),
        };
        let store_dir = PathBuf::from(reader.string("VIDEO_STORE_DIR", ".edu/video-store"));
        let (store, store_problems) =
            StoreConfig::from_variables(store_dir.clone(), |name, default| {
                reader.string(name, default)
            });
        let default_work = std::env::temp_dir().join("edu-video-transcoder");
        let work_dir =
            PathBuf::from(reader.string("VIDEO_WORK_DIR", &default_work.display().to_string()));
        let ffmpeg = PathBuf::from(reader.string("FFMPEG", "ffmpeg"));
        let ffprobe = PathBuf::from(reader.string("FFPROBE", "ffprobe"));
        let threads = reader.parse("TRANSCODE_THREADS", 0_u32);
        let preset = reader.string("TRANSCODE_PRESET", "veryfast");
        let progress_every = Duration::from_millis(reader.parse("TRANSCODE_PROGRESS_MS", 2_000));
        reader.finish(WORKER)?;
        let mut problems = Vec::new();
        problems.extend(
            store_problems
                .into_iter()
                .map(|(variable, message)| VariableProblem { variable, message }),
        );
        if jetstream.max_deliver < 1 {
            problems.push(VariableProblem {
                variable: "EDU_TRANSCODE_MAX_DELIVER".into(),
                message: "at least one delivery".into(),
            });
        }
        if jetstream.ack_wait < Duration::from_secs(1) {
            problems.push(VariableProblem {
                variable: "EDU_TRANSCODE_ACK_WAIT_SECONDS".into(),
                message: "at least one second".into(),
            });
        }
        if !problems.is_empty() {
            return Err(SettingsError {
                service: WORKER.into(),
                problems,
            });
        }
        Ok(Self {
            common,
            jetstream,
            store_dir,
            store,
            work_dir,
            ffmpeg,
            ffprobe,
            threads,
            preset,
            progress_every,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_share_the_processors_store_and_retry_three_times() {
        let settings = TranscoderSettings::read(&VariableSource::default()).unwrap();
        assert_eq!(settings.store_dir, PathBuf::from(".edu/video-store"));
        assert_eq!(settings.jetstream.durable, "video-transcoder");
        assert_eq!(settings.jetstream.max_deliver, 3);
        assert_eq!(settings.preset, "veryfast");
    }

    #[test]
    fn the_store_is_the_processors_s3_bucket_when_its_url_is_set() {
        let source = VariableSource::from_pairs([
            ("EDU_VIDEO_S3_URL", "https://s3.eu-west-1.amazonaws.com"),
            ("EDU_VIDEO_S3_REGION", "eu-west-1"),
            ("EDU_VIDEO_S3_ACCESS_KEY_ID", "id"),
            ("EDU_VIDEO_S3_SECRET_ACCESS_KEY", "secret"),
        ]);
        let settings = TranscoderSettings::read(&source).unwrap();
        assert_eq!(
            settings.store.describe(),
            "S3 bucket videos at https://s3.eu-west-1.amazonaws.com (eu-west-1)"
        );
        let broken = VariableSource::from_pairs([("EDU_VIDEO_S3_URL", "s3.internal")]);
        let error = TranscoderSettings::read(&broken).unwrap_err().to_string();
        assert!(error.contains("EDU_VIDEO_S3_URL"), "{error}");
    }

    #[test]
    fn no_delivery_at_all_is_refused() {
        let source = VariableSource::from_pairs([("EDU_TRANSCODE_MAX_DELIVER", "0")]);
        let error = TranscoderSettings::read(&source).unwrap_err();
        assert!(error.to_string().contains("EDU_TRANSCODE_MAX_DELIVER"));
    }
}
