//! Logging set up once per process: JSON lines (one object per event, the request span's
//! `request_id` included) or a console format in development, filtered by `EDU_LOG_LEVEL`
//! (a level like `INFO`, or per-target levels like `info,edu_gateway=debug`). The filter is
//! tracing-subscriber's `Targets` (no regex engine to compile: env-filter costs ~15 s of CPU
//! per cold build on our 2 cores).

use tracing_subscriber::filter::Targets;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

use crate::settings::{CommonSettings, LogFormat};

/// Installs the global subscriber; a second call (tests) is a no-op that returns `false`.
pub fn init(settings: &CommonSettings) -> bool {
    let filter = level_filter(&settings.log_level);
    let registry = tracing_subscriber::registry().with(filter);
    match settings.effective_log_format() {
        LogFormat::Console => registry
            .with(tracing_subscriber::fmt::layer().with_writer(std::io::stderr))
            .try_init()
            .is_ok(),
        LogFormat::Json | LogFormat::Auto => registry
            .with(
                tracing_subscriber::fmt::layer()
                    .json()
                    .flatten_event(true)
                    .with_current_span(true)
                    .with_span_list(false)
                    .with_writer(std::io::stderr),
            )
            .try_init()
            .is_ok(),
    }
}

/// `EDU_LOG_LEVEL` as a filter: a level (Python's names too: `WARNING`, `CRITICAL`) or
/// `level,target=level,...`; anything unreadable falls back to `info` for everything.
pub fn level_filter(spec: &str) -> Targets {
    let fallback = || Targets::new().with_default(tracing::Level::INFO);
    let mut filter = Targets::new();
    for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        match part.split_once('=') {
            Some((target, level)) => match level_of(level) {
                Some(level) => filter = filter.with_target(target.trim(), level),
                None => return fallback(),
            },
            None => match level_of(part) {
                Some(level) => filter = filter.with_default(level),
                None => return fallback(),
            },
        }
    }
    if filter.default_level().is_none() {
        filter = filter.with_default(tracing::Level::INFO);
    }
    filter
}

fn level_of(name: &str) -> Option<tracing::Level> {
    match name.trim().to_ascii_lowercase().as_str() {
        "trace" => Some(tracing::Level::TRACE),
        "debug" => Some(tracing::Level::DEBUG),
        "info" => Some(tracing::Level::INFO),
        "warn" | "warning" => Some(tracing::Level::WARN),
        "error" | "critical" | "fatal" => Some(tracing::Level::ERROR),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tracing::Level;

    #[test]
    fn a_level_and_per_target_levels_are_understood() {
        let filter = level_filter("WARNING,edu_gateway=debug");
        assert!(filter.would_enable("edu_gateway::routes", &Level::DEBUG));
        assert!(!filter.would_enable("hyper", &Level::INFO));
        assert!(filter.would_enable("hyper", &Level::WARN));
        assert!(level_filter("INFO").would_enable("anything", &Level::INFO));
        assert!(!level_filter("INFO").would_enable("anything", &Level::DEBUG));
    }

    #[test]
    fn an_unreadable_level_means_info() {
        for unreadable in ["loud!!", "info,hyper=noisy"] {
            let filter = level_filter(unreadable);
            assert!(filter.would_enable("hyper", &Level::INFO), "{unreadable}");
            assert!(!filter.would_enable("hyper", &Level::DEBUG), "{unreadable}");
        }
    }
}
