//! feed-builder's settings, from `EDU_*` variables (`edu_common::settings` rules).

use std::time::Duration;

use edu_common::settings::{
    CommonSettings, SettingsError, SettingsReader, VariableProblem, VariableSource,
};

use crate::adapters::jetstream::FeedSettings;
use crate::app::building::Limits;

#[derive(Debug, Clone)]
pub struct FeedBuilderSettings {
    pub common: CommonSettings,
    pub redis_url: String,
    /// Every key of this worker starts with it; web reads `<prefix>feed:v1:<student>`.
    pub key_prefix: String,
    pub redis_timeout: Duration,
    pub feed: FeedSettings,
    pub limits: Limits,
}

impl FeedBuilderSettings {
    pub fn from_process() -> Result<Self, SettingsError> {
        Self::read(&VariableSource::from_process())
    }

    pub fn read(source: &VariableSource) -> Result<Self, SettingsError> {
        let mut reader = SettingsReader::new(source);
        let common = reader.common();
        let defaults = Limits::default();
        let settings = Self {
            redis_url: reader.string("REDIS_URL", "redis://127.0.0.1:16379/0"),
            key_prefix: reader.string("FEED_KEY_PREFIX", "fb:"),
            redis_timeout: Duration::from_millis(reader.parse("FEED_REDIS_TIMEOUT_MS", 2_000)),
            feed: FeedSettings {
                nats_url: reader.string("NATS_URL", "nats://127.0.0.1:14222"),
                stream: reader.string("EVENTS_STREAM", "EVENTS"),
                subject_prefix: reader.string("EVENTS_SUBJECT_PREFIX", "events"),
                durable: reader.string("FEED_DURABLE", "feed-builder"),
                batch: reader.parse("FEED_EVENTS_BATCH", 200),
                fetch_wait: Duration::from_millis(reader.parse("FEED_EVENTS_FETCH_WAIT_MS", 500)),
                ack_wait: Duration::from_secs(reader.parse("FEED_EVENTS_ACK_WAIT_SECONDS", 30)),
                retry_delay: Duration::from_millis(reader.parse("FEED_EVENTS_RETRY_MS", 1_000)),
                refresh_every: Duration::from_millis(reader.parse("FEED_REFRESH_MS", 1_000)),
                dead_letter_stream: reader.string("DEAD_LETTER_STREAM", "DEAD_LETTERS"),
                dead_letter_prefix: reader.string("FEED_DEAD_LETTER_PREFIX", "dlq.feed-builder"),
            },
            limits: Limits {
                items: reader.parse("FEED_MAX_ITEMS", defaults.items),
                neighbours: reader.parse("FEED_NEIGHBOURS", defaults.neighbours),
                refresh_courses: reader.parse("FEED_REFRESH_COURSES", defaults.refresh_courses),
            },
            common,
        };
        reader.finish("feed-builder")?;
        let mut problems = Vec::new();
        let at_least_one = [
            ("EDU_FEED_EVENTS_BATCH", settings.feed.batch),
            ("EDU_FEED_MAX_ITEMS", settings.limits.items),
            ("EDU_FEED_NEIGHBOURS", settings.limits.neighbours),
            ("EDU_FEED_REFRESH_COURSES", settings.limits.refresh_courses),
        ];
        for (variable, value) in at_least_one {
            if value == 0 {
                problems.push(VariableProblem {
                    variable: variable.into(),
                    message: "must be 1 or more".into(),
                });
            }
        }
        if settings.limits.items > 100 {
            problems.push(VariableProblem {
                variable: "EDU_FEED_MAX_ITEMS".into(),
                message: "must be 100 or fewer (a feed is bounded per student)".into(),
            });
        }
        if problems.is_empty() {
            Ok(settings)
        } else {
            Err(SettingsError {
                service: "feed-builder".into(),
                problems,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_read_the_events_stream_into_bounded_feeds() {
        let settings =
            FeedBuilderSettings::read(&VariableSource::from_pairs::<&str, &str>([])).unwrap();
        assert_eq!(settings.feed.stream, "EVENTS");
        assert_eq!(settings.feed.durable, "feed-builder");
        assert_eq!(settings.key_prefix, "fb:");
        assert_eq!(settings.limits, Limits::default());
        assert_eq!(settings.limits.items, 20);
    }

    #[test]
    fn zero_or_unbounded_limits_are_refused_by_name() {
        let source = VariableSource::from_pairs([
            ("EDU_FEED_EVENTS_BATCH", "0"),
            ("EDU_FEED_MAX_ITEMS", "1000"),
        ]);
        let error = FeedBuilderSettings::read(&source).unwrap_err().to_string();
        assert!(error.contains("EDU_FEED_EVENTS_BATCH"), "{error}");
        assert!(error.contains("EDU_FEED_MAX_ITEMS"), "{error}");
    }

    #[test]
    fn a_limit_that_is_not_a_number_is_refused() {
        let source = VariableSource::from_pairs([("EDU_FEED_NEIGHBOURS", "many")]);
        assert!(FeedBuilderSettings::read(&source).is_err());
    }
}
