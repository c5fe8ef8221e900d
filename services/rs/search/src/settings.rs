//! search's settings, from `EDU_*` variables (`edu_common::settings` rules).

use std::path::PathBuf;
use std::time::Duration;

use edu_common::settings::{
    CommonSettings, Secret, SettingsError, SettingsReader, VariableProblem, VariableSource,
};

use crate::adapters::jetstream::FeedSettings;
use crate::adapters::meilisearch::MeilisearchConfig;
use crate::domain::ranking::RankingWeights;

#[derive(Debug, Clone)]
pub struct SearchSettings {
    pub common: CommonSettings,
    pub port: u16,
    /// `EDU_SEARCH_INDEX_DIR`; unset: the index lives in memory and is filled from the
    /// stream's start at every start (what `just dev` and the test stacks do).
    pub index_dir: Option<PathBuf>,
    /// `EDU_MEILISEARCH_URL` set: the index is in Meilisearch instead of tantivy (ADR 0025).
    pub meilisearch: Option<MeilisearchConfig>,
    /// The course service, for the parts of a course its events do not carry.
    pub course_service_url: String,
    pub course_timeout: Duration,
    pub feed: FeedSettings,
    pub ranking: RankingWeights,
}

impl SearchSettings {
    pub fn from_process() -> Result<Self, SettingsError> {
        Self::read(&VariableSource::from_process())
    }

    pub fn read(source: &VariableSource) -> Result<Self, SettingsError> {
        let mut reader = SettingsReader::new(source);
        let common = reader.common();
        let defaults = RankingWeights::default();
        let ranking = RankingWeights {
            text: reader.parse("SEARCH_WEIGHT_TEXT", defaults.text),
            popularity: reader.parse("SEARCH_WEIGHT_POPULARITY", defaults.popularity),
            freshness: reader.parse("SEARCH_WEIGHT_FRESHNESS", defaults.freshness),
            completion_factor: reader.parse("SEARCH_COMPLETION_FACTOR", defaults.completion_factor),
            popularity_half: reader.parse("SEARCH_POPULARITY_HALF", defaults.popularity_half),
            freshness_half_life_days: reader.parse(
                "SEARCH_FRESHNESS_HALF_LIFE_DAYS",
                defaults.freshness_half_life_days,
            ),
        };
        let index_dir = reader.string("SEARCH_INDEX_DIR", "");
        let meilisearch_url = reader.string("MEILISEARCH_URL", "");
        let meilisearch_key = reader.string("MEILISEARCH_API_KEY", "");
        let meilisearch = MeilisearchConfig {
            url: meilisearch_url.trim().to_owned(),
            api_key: (!meilisearch_key.is_empty()).then(|| Secret::new(meilisearch_key)),
            index: reader.string("MEILISEARCH_INDEX", "courses"),
            request_timeout: Duration::from_millis(reader.parse("MEILISEARCH_TIMEOUT_MS", 5_000)),
            task_timeout: Duration::from_millis(
                reader.parse("MEILISEARCH_TASK_TIMEOUT_MS", 30_000),
            ),
        };
        let settings = Self {
            port: reader.parse("PORT", 8013_u16),
            index_dir: (!index_dir.trim().is_empty()).then(|| PathBuf::from(index_dir.trim())),
            meilisearch: (!meilisearch.url.is_empty()).then_some(meilisearch),
            course_service_url: reader.string("COURSE_SERVICE_URL", "http://127.0.0.1:8002"),
            course_timeout: Duration::from_millis(reader.parse("SEARCH_COURSE_TIMEOUT_MS", 2_000)),
            feed: FeedSettings {
                nats_url: reader.string("NATS_URL", "nats://127.0.0.1:14222"),
                stream: reader.string("EVENTS_STREAM", "EVENTS"),
                subject_prefix: reader.string("EVENTS_SUBJECT_PREFIX", "events"),
                durable: reader.string("SEARCH_DURABLE", "search"),
                batch: reader.parse("SEARCH_EVENTS_BATCH", 100),
                fetch_wait: Duration::from_millis(reader.parse("SEARCH_EVENTS_FETCH_WAIT_MS", 500)),
                ack_wait: Duration::from_secs(reader.parse("SEARCH_EVENTS_ACK_WAIT_SECONDS", 30)),
                retry_delay: Duration::from_millis(reader.parse("SEARCH_EVENTS_RETRY_MS", 1_000)),
                dead_letter_stream: reader.string("DEAD_LETTER_STREAM", "DEAD_LETTERS"),
                dead_letter_prefix: reader.string("SEARCH_DEAD_LETTER_PREFIX", "dlq.search"),
            },
            ranking,
            common,
        };
        reader.finish("search")?;
        let mut problems = Vec::new();
        let weights = [
            ("EDU_SEARCH_WEIGHT_TEXT", ranking.text),
            ("EDU_SEARCH_WEIGHT_POPULARITY", ranking.popularity),
            ("EDU_SEARCH_WEIGHT_FRESHNESS", ranking.freshness),
            ("EDU_SEARCH_COMPLETION_FACTOR", ranking.completion_factor),
        ];
        for (variable, value) in weights {
            if !(value.is_finite() && value >= 0.0) {
                problems.push(VariableProblem {
                    variable: variable.into(),
                    message: "must be a number of 0 or more".into(),
                });
            }
        }
        let scales = [
            ("EDU_SEARCH_POPULARITY_HALF", ranking.popularity_half),
            (
                "EDU_SEARCH_FRESHNESS_HALF_LIFE_DAYS",
                ranking.freshness_half_life_days,
            ),
        ];
        for (variable, value) in scales {
            if !(value.is_finite() && value > 0.0) {
                problems.push(VariableProblem {
                    variable: variable.into(),
                    message: "must be a number above 0".into(),
                });
            }
        }
        if settings.feed.batch == 0 {
            problems.push(VariableProblem {
                variable: "EDU_SEARCH_EVENTS_BATCH".into(),
                message: "must be 1 or more".into(),
            });
        }
        if problems.is_empty() {
            Ok(settings)
        } else {
            Err(SettingsError {
                service: "search".into(),
                problems,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_read_the_events_stream_into_an_index_in_memory() {
        let settings = SearchSettings::read(&VariableSource::from_pairs::<&str, &str>([])).unwrap();
        assert_eq!(settings.port, 8013);
        assert_eq!(settings.index_dir, None);
        assert!(settings.meilisearch.is_none(), "tantivy is the default");
        assert_eq!(settings.feed.stream, "EVENTS");
        assert_eq!(settings.feed.durable, "search");
        assert_eq!(settings.ranking, RankingWeights::default());
    }

    #[test]
    fn the_blend_comes_from_the_environment() {
        let source = VariableSource::from_pairs([
            ("EDU_SEARCH_WEIGHT_POPULARITY", "0.5"),
            ("EDU_SEARCH_FRESHNESS_HALF_LIFE_DAYS", "30"),
            ("EDU_SEARCH_INDEX_DIR", "/var/lib/search"),
        ]);
        let settings = SearchSettings::read(&source).unwrap();
        assert!((settings.ranking.popularity - 0.5).abs() < f64::EPSILON);
        assert!((settings.ranking.freshness_half_life_days - 30.0).abs() < f64::EPSILON);
        assert_eq!(settings.index_dir, Some(PathBuf::from("/var/lib/search")));
    }

    #[test]
    fn a_meilisearch_url_selects_meilisearch_with_its_key_and_index() {
        let source = VariableSource::from_pairs([
            ("EDU_MEILISEARCH_URL", "http://127.0.0.1:7700"),
            ("EDU_MEILISEARCH_API_KEY", "a-master-key"),
            ("EDU_MEILISEARCH_INDEX", "catalogue"),
        ]);
        let meilisearch = SearchSettings::read(&source).unwrap().meilisearch.unwrap();
        assert_eq!(meilisearch.url, "http://127.0.0.1:7700");
        assert_eq!(meilisearch.index, "catalogue");
        assert_eq!(meilisearch.api_key.unwrap().expose(), "a-master-key");
    }

    #[test]
    fn negative_weights_and_a_zero_half_life_are_refused_by_name() {
        let source = VariableSource::from_pairs([
            ("EDU_SEARCH_WEIGHT_TEXT", "-1"),
            ("EDU_SEARCH_FRESHNESS_HALF_LIFE_DAYS", "0"),
        ]);
        let error = SearchSettings::read(&source).unwrap_err().to_string();
        assert!(error.contains("EDU_SEARCH_WEIGHT_TEXT"), "{error}");
        assert!(
            error.contains("EDU_SEARCH_FRESHNESS_HALF_LIFE_DAYS"),
            "{error}"
        );
    }

    #[test]
    fn a_weight_that_is_not_a_number_is_refused() {
        let source = VariableSource::from_pairs([("EDU_SEARCH_WEIGHT_FRESHNESS", "lots")]);
        assert!(SearchSettings::read(&source).is_err());
    }
}
