//! Logging set up once per process: JSON lines (one object per event, the request span's
//! `request_id` included) or a console format in development, filtered by `EDU_LOG_LEVEL`
//! (a level like `INFO`, or a full `tracing` filter like `info,edu_gateway=debug`).

use tracing_subscriber::EnvFilter;

use crate::settings::{CommonSettings, LogFormat};

/// Installs the global subscriber; a second call (tests) is a no-op that returns `false`.
pub fn init(settings: &CommonSettings) -> bool {
    let filter = EnvFilter::try_new(settings.log_level.to_ascii_lowercase())
        .unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match settings.effective_log_format() {
        LogFormat::Console => builder.try_init().is_ok(),
        LogFormat::Json | LogFormat::Auto => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .try_init()
            .is_ok(),
    }
}
