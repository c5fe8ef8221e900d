//! messaging's settings, from `EDU_*` variables (`edu_common::settings` rules).

use std::time::Duration;

use edu_common::settings::{
    CommonSettings, Secret, SettingsError, SettingsReader, VariableProblem, VariableSource,
};

use crate::adapters::jetstream::{BusSettings, FeedSettings};
use crate::app::relay::RelaySettings;
use crate::domain::session::Limits;

const SERVICE: &str = "messaging";

/// The WebSocket's knobs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SocketSettings {
    /// Places sent and not acknowledged at most (`EDU_WS_WINDOW`, 100), and live posts kept
    /// waiting per connection at most (`EDU_WS_BUFFER`, 256; one more: closed with 4008).
    pub limits: Limits,
    /// A ping every `EDU_WS_PING_SECONDS` (15); closed (4010) after `EDU_WS_MISSED_PONGS` (2)
    /// pings without a pong.
    pub ping_every: Duration,
    pub missed_pongs: u32,
    /// A write the client does not take within `EDU_WS_SEND_TIMEOUT_MS` (5000) closes the
    /// connection (4008).
    pub send_timeout: Duration,
}

#[derive(Debug, Clone)]
pub struct MessagingSettings {
    pub common: CommonSettings,
    pub port: u16,
    /// The messaging database (`postgresql://` or SQLAlchemy's `postgresql+asyncpg://`).
    pub database_url: Secret,
    pub database_connections: usize,
    /// Where identity publishes its signing keys.
    pub jwks_url: String,
    pub jwks_lifetime: Duration,
    pub nats_url: String,
    /// The outbox relay's bus (`EDU_EVENTS_STREAM` = `EVENTS`, `EDU_EVENTS_SUBJECT_PREFIX` =
    /// `events`, `EDU_EVENTS_ACK_TIMEOUT_MS` = 2000).
    pub bus: BusSettings,
    /// `EDU_OUTBOX_BATCH_SIZE` (100), `EDU_OUTBOX_POLL_MS` (200), `EDU_OUTBOX_MAX_BACKOFF_MS`
    /// (10000).
    pub relay: RelaySettings,
    /// The consumer (`EDU_CONSUMER_DURABLE` = `messaging`, `EDU_CONSUMER_ACK_WAIT_MS` 30000,
    /// `EDU_CONSUMER_RETRY_MS` 1000, dead letters `DEAD_LETTERS` / `dlq.messaging`).
    pub feed: FeedSettings,
    /// Live posts between instances: `<EDU_LIVE_SUBJECT_PREFIX>.<course id>`
    /// (`messaging.course`).
    pub live_prefix: String,
    /// How often the feeds' heads are compared with what was heard live
    /// (`EDU_LIVE_SWEEP_MS`, 1000).
    pub sweep_every: Duration,
    pub socket: SocketSettings,
}

impl MessagingSettings {
    pub fn from_process() -> Result<Self, SettingsError> {
        Self::read(&VariableSource::from_process())
    }

    pub fn read(source: &VariableSource) -> Result<Self, SettingsError> {
        let mut reader = SettingsReader::new(source);
        let common = reader.common();
        let identity = reader.string("IDENTITY_SERVICE_URL", "http://127.0.0.1:8001");
        let identity = identity.trim_end_matches('/').to_owned();
        let database_url = Secret::new(reader.string(
            "DATABASE_URL",
            "postgresql://postgres@127.0.0.1:15432/messaging",
        ));
        let port = reader.parse("PORT", 8020_u16);
        let database_connections = reader.parse("DATABASE_CONNECTIONS", 8_usize);
        let jwks_url = reader.string("JWKS_URL", &format!("{identity}/.well-known/jwks.json"));
        let jwks_lifetime = Duration::from_secs(reader.parse("JWKS_LIFETIME_SECONDS", 300));
        let nats_url = reader.string("NATS_URL", "nats://127.0.0.1:14222");
        let stream = reader.string("EVENTS_STREAM", "EVENTS");
        let subject_prefix = reader.string("EVENTS_SUBJECT_PREFIX", "events");
        let bus = BusSettings {
            stream: stream.clone(),
            subject_prefix: subject_prefix.clone(),
            ack_timeout: Duration::from_millis(reader.parse("EVENTS_ACK_TIMEOUT_MS", 2_000)),
        };
        let relay = RelaySettings {
            batch_size: reader.parse("OUTBOX_BATCH_SIZE", 100_usize).max(1),
            poll_interval: Duration::from_millis(reader.parse("OUTBOX_POLL_MS", 200)),
            max_backoff: Duration::from_millis(reader.parse("OUTBOX_MAX_BACKOFF_MS", 10_000)),
        };
        let feed = FeedSettings {
            stream,
            subject_prefix,
            durable: reader.string("CONSUMER_DURABLE", "messaging"),
            ack_wait: Duration::from_millis(reader.parse("CONSUMER_ACK_WAIT_MS", 30_000)),
            retry_delay: Duration::from_millis(reader.parse("CONSUMER_RETRY_MS", 1_000)),
            dead_letter_stream: reader.string("DEAD_LETTER_STREAM", "DEAD_LETTERS"),
            dead_letter_prefix: reader.string("DEAD_LETTER_PREFIX", "dlq.messaging"),
        };
        let live_prefix = reader.string("LIVE_SUBJECT_PREFIX", "messaging.course");
        let sweep_every = Duration::from_millis(reader.parse("LIVE_SWEEP_MS", 1_000).max(10));
        let window: u32 = reader.parse("WS_WINDOW", 100);
        let buffer: usize = reader.parse("WS_BUFFER", 256);
        let ping_seconds: u64 = reader.parse("WS_PING_SECONDS", 15);
        let missed_pongs: u32 = reader.parse("WS_MISSED_PONGS", 2);
        let send_timeout = Duration::from_millis(reader.parse("WS_SEND_TIMEOUT_MS", 5_000));
        let ping_ms: u64 = reader.parse("WS_PING_MS", ping_seconds.saturating_mul(1_000));
        reader.finish(SERVICE)?;
        let mut problems = Vec::new();
        let mut refuse = |variable: &str, message: &str| {
            problems.push(VariableProblem {
                variable: variable.into(),
                message: message.into(),
            });
        };
        if database_connections == 0 {
            refuse(
                "EDU_DATABASE_CONNECTIONS",
                "at least one connection is needed",
            );
        }
        if window == 0 {
            refuse("EDU_WS_WINDOW", "at least one post must be sendable");
        }
        if buffer == 0 {
            refuse("EDU_WS_BUFFER", "at least one live post must fit");
        }
        if ping_ms == 0 || missed_pongs == 0 {
            refuse(
                "EDU_WS_PING_SECONDS",
                "heartbeats need a period and at least one missed pong",
            );
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
            nats_url,
            bus,
            relay,
            feed,
            live_prefix,
            sweep_every,
            socket: SocketSettings {
                limits: Limits { window, buffer },
                ping_every: Duration::from_millis(ping_ms),
                missed_pongs,
                send_timeout,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn development_defaults_follow_identitys_url() {
        let source =
            VariableSource::from_pairs([("EDU_IDENTITY_SERVICE_URL", "http://127.0.0.1:9001/")]);
        let settings = MessagingSettings::read(&source).unwrap();
        assert_eq!(
            settings.jwks_url,
            "http://127.0.0.1:9001/.well-known/jwks.json"
        );
        assert_eq!(settings.port, 8020);
        assert_eq!(settings.socket.limits.window, 100);
        assert_eq!(settings.socket.ping_every, Duration::from_secs(15));
        assert_eq!(settings.feed.subjects().len(), 5);
    }

    #[test]
    fn a_zero_window_buffer_or_heartbeat_is_refused() {
        for (name, value) in [
            ("EDU_WS_WINDOW", "0"),
            ("EDU_WS_BUFFER", "0"),
            ("EDU_WS_MISSED_PONGS", "0"),
        ] {
            let error = MessagingSettings::read(&VariableSource::from_pairs([(name, value)]))
                .unwrap_err()
                .to_string();
            assert!(error.contains("EDU_WS_"), "{name}: {error}");
        }
    }
}
