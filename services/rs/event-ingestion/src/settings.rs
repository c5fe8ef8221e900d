//! event-ingestion's settings, from `EDU_*` variables (`edu_common::settings` rules).

use std::time::Duration;

use edu_common::settings::{
    CommonSettings, SettingsError, SettingsReader, VariableProblem, VariableSource,
};

#[derive(Debug, Clone)]
pub struct IngestionSettings {
    pub common: CommonSettings,
    pub port: u16,
    pub nats_url: String,
    /// Where identity publishes its signing keys.
    pub jwks_url: String,
    pub jwks_lifetime: Duration,
    /// The JetStream stream and the subjects' prefix (`learning.lesson.opened`).
    pub stream: String,
    pub subject_prefix: String,
    pub duplicate_window: Duration,
    pub ack_timeout: Duration,
    /// A declared `Content-Length` over this is answered 413 before the body is read.
    pub max_body_bytes: usize,
    pub max_batch_events: usize,
    pub max_in_flight_events: usize,
    pub max_clock_skew: Duration,
}

impl IngestionSettings {
    pub fn from_process() -> Result<Self, SettingsError> {
        Self::read(&VariableSource::from_process())
    }

    pub fn read(source: &VariableSource) -> Result<Self, SettingsError> {
        let mut reader = SettingsReader::new(source);
        let common = reader.common();
        let identity = reader.string("IDENTITY_SERVICE_URL", "http://127.0.0.1:8001");
        let identity = identity.trim_end_matches('/');
        let settings = Self {
            port: reader.parse("PORT", 8010_u16),
            nats_url: reader.string("NATS_URL", "nats://127.0.0.1:14222"),
            jwks_url: reader.string("JWKS_URL", &format!("{identity}/.well-known/jwks.json")),
            jwks_lifetime: Duration::from_secs(reader.parse("JWKS_LIFETIME_SECONDS", 300)),
            stream: reader.string("EVENTS_STREAM", "LEARNING"),
            subject_prefix: reader.string("EVENTS_SUBJECT_PREFIX", "learning"),
            duplicate_window: Duration::from_secs(
                reader.parse("EVENTS_DUPLICATE_WINDOW_SECONDS", 120),
            ),
            ack_timeout: Duration::from_millis(reader.parse("EVENTS_ACK_TIMEOUT_MS", 2_000)),
            max_body_bytes: reader.parse("EVENTS_MAX_BODY_BYTES", 1_048_576),
            max_batch_events: reader.parse("EVENTS_MAX_BATCH", 1_000),
            max_in_flight_events: reader.parse("EVENTS_MAX_IN_FLIGHT", 20_000),
            max_clock_skew: Duration::from_secs(
                60 * reader.parse("EVENTS_MAX_CLOCK_SKEW_MINUTES", 10),
            ),
            common,
        };
        let too_small = settings.max_in_flight_events < settings.max_batch_events;
        reader.finish("event-ingestion")?;
        if too_small {
            return Err(SettingsError {
                service: "event-ingestion".into(),
                problems: vec![VariableProblem {
                    variable: "EDU_EVENTS_MAX_IN_FLIGHT".into(),
                    message: "must be at least EDU_EVENTS_MAX_BATCH (a full batch must fit)".into(),
                }],
            });
        }
        Ok(settings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_follow_identitys_url_and_the_learning_stream() {
        let source =
            VariableSource::from_pairs([("EDU_IDENTITY_SERVICE_URL", "http://127.0.0.1:9001/")]);
        let settings = IngestionSettings::read(&source).unwrap();
        assert_eq!(
            settings.jwks_url,
            "http://127.0.0.1:9001/.well-known/jwks.json"
        );
        assert_eq!(settings.stream, "LEARNING");
        assert_eq!(settings.max_batch_events, 1_000);
        assert_eq!(settings.max_clock_skew, Duration::from_mins(10));
    }

    #[test]
    fn an_in_flight_bound_below_one_batch_is_refused() {
        let source = VariableSource::from_pairs([("EDU_EVENTS_MAX_IN_FLIGHT", "10")]);
        let error = IngestionSettings::read(&source).unwrap_err();
        assert!(
            error.to_string().contains("EDU_EVENTS_MAX_IN_FLIGHT"),
            "{error}"
        );
    }
}
