//! video-processor's settings, from `EDU_*` variables (`edu_common::settings` rules).

use std::path::PathBuf;
use std::time::Duration;

use edu_common::settings::{
    CommonSettings, Secret, SettingsError, SettingsReader, VariableProblem, VariableSource,
};

use edu_video::store::StoreConfig;

use crate::adapters::jetstream::{BusSettings, ConsumerSettings};
use crate::app::relay::RelaySettings;
use crate::domain::video::Limits;

const SERVICE: &str = "video-processor";
const DEV_URL_SECRET: &str = "dev-only-video-url-secret";

#[derive(Debug, Clone)]
pub struct VideoSettings {
    pub common: CommonSettings,
    pub port: u16,
    /// The video database (`postgresql://` or SQLAlchemy's `postgresql+asyncpg://`).
    pub database_url: Secret,
    pub database_connections: usize,
    pub jwks_url: String,
    pub jwks_lifetime: Duration,
    /// Course (owner checks) and enrollment (who may watch), asked with the caller's token.
    pub course_url: String,
    pub enrollment_url: String,
    pub access_timeout: Duration,
    /// The object store's root folder (`EDU_VIDEO_STORE_DIR`).
    pub store_dir: PathBuf,
    /// The object store: those files, or an S3 bucket when `EDU_VIDEO_S3_URL` is set
    /// (`EDU_VIDEO_S3_BUCKET`, `_REGION`, `_ACCESS_KEY_ID`, `_SECRET_ACCESS_KEY`).
    pub store: StoreConfig,
    /// `EDU_VIDEO_MAX_BYTES` (2 GiB), `EDU_VIDEO_MAX_CHUNK_BYTES` (8 MiB).
    pub limits: Limits,
    /// Signs playback URLs (`EDU_VIDEO_URL_SECRET`): a placeholder is refused outside
    /// development and test.
    pub url_secret: Secret,
    /// How long a playback URL opens its files (`EDU_VIDEO_URL_LIFETIME_SECONDS`, 3600).
    pub url_lifetime: Duration,
    pub bus: BusSettings,
    pub relay: RelaySettings,
    /// The transcoder's results (`EDU_VIDEO_RESULTS_DURABLE`, `video-processor`).
    pub results: ConsumerSettings,
}

impl VideoSettings {
    pub fn from_process() -> Result<Self, SettingsError> {
        Self::read(&VariableSource::from_process())
    }

    pub fn read(source: &VariableSource) -> Result<Self, SettingsError> {
        let mut reader = SettingsReader::new(source);
        let common = reader.common();
        let identity = reader.string("IDENTITY_SERVICE_URL", "http://127.0.0.1:8001");
        let identity = identity.trim_end_matches('/');
        let database_url = Secret::new(reader.string(
            "DATABASE_URL",
            "postgresql://postgres@127.0.0.1:15432/video",
        ));
        let port = reader.parse("PORT", 8014_u16);
        let database_connections = reader.parse("DATABASE_CONNECTIONS", 8_usize);
        let jwks_url = reader.string("JWKS_URL", &format!("{identity}/.well-known/jwks.json"));
        let jwks_lifetime = Duration::from_secs(reader.parse("JWKS_LIFETIME_SECONDS", 300));
        let course_url = reader.string("COURSE_SERVICE_URL", "http://127.0.0.1:8002");
        let enrollment_url = reader.string("ENROLLMENT_SERVICE_URL", "http://127.0.0.1:8003");
        let access_timeout = Duration::from_millis(reader.parse("ACCESS_TIMEOUT_MS", 3_000));
        let store_dir = PathBuf::from(reader.string("VIDEO_STORE_DIR", ".edu/video-store"));
        let (store, store_problems) =
            StoreConfig::from_variables(store_dir.clone(), |name, default| {
                reader.string(name, default)
            });
        let limits = Limits {
            max_bytes: reader.parse("VIDEO_MAX_BYTES", 2_u64 << 30),
            max_chunk_bytes: reader.parse("VIDEO_MAX_CHUNK_BYTES", 8_u64 << 20),
        };
        let url_secret = reader.secret("VIDEO_URL_SECRET", DEV_URL_SECRET);
        let url_lifetime =
            Duration::from_secs(reader.parse("VIDEO_URL_LIFETIME_SECONDS", 3_600_u64));
        let nats_url = reader.string("NATS_URL", "nats://127.0.0.1:14222");
        let stream = reader.string("EVENTS_STREAM", "EVENTS");
        let subject_prefix = reader.string("EVENTS_SUBJECT_PREFIX", "events");
        let bus = BusSettings {
            nats_url: nats_url.clone(),
            stream: stream.clone(),
            subject_prefix: subject_prefix.clone(),
            ack_timeout: Duration::from_millis(reader.parse("EVENTS_ACK_TIMEOUT_MS", 2_000)),
        };
        let relay = RelaySettings {
            batch_size: reader.parse("OUTBOX_BATCH_SIZE", 100_usize).max(1),
            poll_interval: Duration::from_millis(reader.parse("OUTBOX_POLL_MS", 500)),
            max_backoff: Duration::from_millis(reader.parse("OUTBOX_MAX_BACKOFF_MS", 10_000)),
        };
        let results = ConsumerSettings {
            nats_url,
            stream,
            subject_prefix,
            durable: reader.string("VIDEO_RESULTS_DURABLE", "video-processor"),
            batch: reader.parse("VIDEO_RESULTS_BATCH", 32_usize).max(1),
            fetch_wait: Duration::from_millis(reader.parse("VIDEO_RESULTS_FETCH_WAIT_MS", 1_000)),
            ack_wait: Duration::from_secs(30),
            retry_delay: Duration::from_millis(reader.parse("VIDEO_RESULTS_RETRY_MS", 1_000)),
            dead_letter_stream: reader.string("DEAD_LETTER_STREAM", "DEAD_LETTERS"),
            dead_letter_prefix: reader.string("DEAD_LETTER_PREFIX", "dlq.video-processor"),
        };
        reader.finish(SERVICE)?;
        let mut problems = Vec::new();
        if database_connections == 0 {
            problems.push(VariableProblem {
                variable: "EDU_DATABASE_CONNECTIONS".into(),
                message: "at least one connection is needed".into(),
            });
        }
        problems.extend(
            store_problems
                .into_iter()
                .map(|(variable, message)| VariableProblem { variable, message }),
        );
        if limits.max_bytes == 0 || limits.max_chunk_bytes == 0 {
            problems.push(VariableProblem {
                variable: "EDU_VIDEO_MAX_BYTES / EDU_VIDEO_MAX_CHUNK_BYTES".into(),
                message: "limits must be at least one byte".into(),
            });
        }
        if !problems.is_empty() {
            return Err(SettingsError {
                service: SERVICE.into(),
                problems,
            });
        }
        Ok(Self {
            common,
            port,
            database_url,
            database_connections,
            jwks_url,
            jwks_lifetime,
            course_url,
            enrollment_url,
            access_timeout,
            store_dir,
            store,
            limits,
            url_secret,
            url_lifetime,
            bus,
            relay,
            results,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn development_defaults_sign_with_a_dev_only_secret_on_port_8014() {
        let settings = VideoSettings::read(&VariableSource::from_pairs([(
            "EDU_IDENTITY_SERVICE_URL",
            "http://127.0.0.1:9001/",
        )]))
        .unwrap();
        assert_eq!(settings.port, 8014);
        assert_eq!(
            settings.jwks_url,
            "http://127.0.0.1:9001/.well-known/jwks.json"
        );
        assert!(settings.url_secret.expose().starts_with("dev-only-"));
        assert_eq!(settings.limits.max_bytes, 2 << 30);
    }

    #[test]
    fn a_placeholder_url_secret_is_refused_outside_development() {
        for value in [None, Some("changeme"), Some("dev-only-x"), Some(" ")] {
            let mut pairs = vec![("EDU_ENVIRONMENT", "production")];
            if let Some(value) = value {
                pairs.push(("EDU_VIDEO_URL_SECRET", value));
            }
            let error = VideoSettings::read(&VariableSource::from_pairs(pairs)).unwrap_err();
            assert!(
                error.to_string().contains("EDU_VIDEO_URL_SECRET"),
                "{value:?}: {error}"
            );
        }
        let real = VariableSource::from_pairs([
            ("EDU_ENVIRONMENT", "production"),
            ("EDU_VIDEO_URL_SECRET", "9c1f0e6a4b7d"),
        ]);
        assert_eq!(
            VideoSettings::read(&real).unwrap().url_secret.expose(),
            "9c1f0e6a4b7d"
        );
    }

    #[test]
    fn the_store_is_an_s3_bucket_when_its_url_is_set() {
        let files = VideoSettings::read(&VariableSource::default()).unwrap();
        assert!(matches!(files.store, StoreConfig::Filesystem(_)));
        let s3 = VideoSettings::read(&VariableSource::from_pairs([
            ("EDU_VIDEO_S3_URL", "http://127.0.0.1:9000"),
            ("EDU_VIDEO_S3_BUCKET", "lesson-videos"),
            ("EDU_VIDEO_S3_ACCESS_KEY_ID", "id"),
            ("EDU_VIDEO_S3_SECRET_ACCESS_KEY", "secret"),
        ]))
        .unwrap();
        assert_eq!(
            s3.store.describe(),
            "S3 bucket lesson-videos at http://127.0.0.1:9000 (us-east-1)"
        );
        let keyless = VariableSource::from_pairs([("EDU_VIDEO_S3_URL", "http://127.0.0.1:9000")]);
        let error = VideoSettings::read(&keyless).unwrap_err().to_string();
        assert!(error.contains("EDU_VIDEO_S3_ACCESS_KEY_ID"), "{error}");
    }

    #[test]
    fn limits_of_zero_are_refused() {
        let source = VariableSource::from_pairs([("EDU_VIDEO_MAX_CHUNK_BYTES", "0")]);
        assert!(VideoSettings::read(&source).is_err());
    }
}
