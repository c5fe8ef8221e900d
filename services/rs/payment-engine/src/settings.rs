//! payment-engine's settings, from `EDU_*` variables (`edu_common::settings` rules).

use std::time::Duration;

use crate::adapters::jetstream::BusSettings;
use crate::app::relay::RelaySettings;
use edu_common::settings::{
    CommonSettings, Environment, Secret, SettingsError, SettingsReader, VariableProblem,
    VariableSource, is_placeholder,
};

const SERVICE: &str = "payment-engine";
const DEV_WEBHOOK_SECRET: &str = "dev-only-provider-webhook-secret";

#[derive(Debug, Clone)]
pub struct PaymentSettings {
    pub common: CommonSettings,
    pub port: u16,
    /// The `PaymentsService`'s port (`EDU_GRPC_PORT`, 9011).
    pub grpc_port: u16,
    /// The payments database (`postgresql://` or SQLAlchemy's `postgresql+asyncpg://`).
    pub database_url: Secret,
    /// Connections kept to it; concurrent requests beyond this wait for one.
    pub database_connections: usize,
    /// Where identity publishes its signing keys.
    pub jwks_url: String,
    pub jwks_lifetime: Duration,
    /// The provider's webhook secrets (`EDU_PROVIDER_WEBHOOK_SECRETS`, comma-separated: the
    /// new one first during a rotation); a signature made with any of them is accepted.
    pub webhook_secrets: Vec<Secret>,
    /// Where the outbox relay publishes (`EDU_NATS_URL`, `EDU_EVENTS_STREAM` = `EVENTS`,
    /// `EDU_EVENTS_SUBJECT_PREFIX` = `events`, `EDU_EVENTS_ACK_TIMEOUT_MS` = 2000).
    pub bus: BusSettings,
    /// `EDU_OUTBOX_BATCH_SIZE` (100), `EDU_OUTBOX_POLL_MS` (500), `EDU_OUTBOX_MAX_BACKOFF_MS`
    /// (10000).
    pub relay: RelaySettings,
    /// The payment provider (`EDU_PROVIDER_URL`, the sandbox's port 8012 by default) and how
    /// long a request to it may take (`EDU_PROVIDER_TIMEOUT_MS`, 5000).
    pub provider_url: String,
    pub provider_timeout: Duration,
    /// A payment still pending this long fails (`EDU_PAYMENT_DEADLINE_SECONDS`, 900), looked
    /// for every `EDU_PAYMENT_EXPIRY_INTERVAL_MS` (5000).
    pub payment_deadline: Duration,
    pub expiry_interval: Duration,
    /// Charge requests the provider has not taken are asked again every
    /// `EDU_CHARGE_RETRY_MS` (2000) once they are `EDU_CHARGE_RETRY_AFTER_MS` (2000) old.
    pub charge_retry_interval: Duration,
    pub charge_retry_after: Duration,
    /// Chaos only (`EDU_PAYMENT_FAILPOINT=webhook-before-commit`, `EDU_PAYMENT_FAILPOINT_MS`
    /// 2000): an applied webhook's transaction waits this long, its payment row locked and its
    /// movement written, before COMMIT, so a `kill -9` lands between the provider's
    /// confirmation and our commit. A start-up error in production.
    pub webhook_commit_pause: Option<Duration>,
}

/// The one failpoint the engine knows (chaos/experiments/07-payment-engine-killed-before-commit).
pub const WEBHOOK_BEFORE_COMMIT: &str = "webhook-before-commit";

impl PaymentSettings {
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
            "postgresql://postgres@127.0.0.1:15432/payments",
        ));
        let port = reader.parse("PORT", 8011_u16);
        let grpc_port = reader.parse("GRPC_PORT", 9011_u16);
        let database_connections = reader.parse("DATABASE_CONNECTIONS", 8_usize);
        let jwks_url = reader.string("JWKS_URL", &format!("{identity}/.well-known/jwks.json"));
        let jwks_lifetime = Duration::from_secs(reader.parse("JWKS_LIFETIME_SECONDS", 300));
        let secrets = reader.secret("PROVIDER_WEBHOOK_SECRETS", DEV_WEBHOOK_SECRET);
        let bus = BusSettings {
            nats_url: reader.string("NATS_URL", "nats://127.0.0.1:14222"),
            stream: reader.string("EVENTS_STREAM", "EVENTS"),
            subject_prefix: reader.string("EVENTS_SUBJECT_PREFIX", "events"),
            ack_timeout: Duration::from_millis(reader.parse("EVENTS_ACK_TIMEOUT_MS", 2_000)),
        };
        let relay = RelaySettings {
            batch_size: reader.parse("OUTBOX_BATCH_SIZE", 100_usize).max(1),
            poll_interval: Duration::from_millis(reader.parse("OUTBOX_POLL_MS", 500)),
            max_backoff: Duration::from_millis(reader.parse("OUTBOX_MAX_BACKOFF_MS", 10_000)),
        };
        let provider_url = reader.string("PROVIDER_URL", "http://127.0.0.1:8012");
        let provider_timeout = Duration::from_millis(reader.parse("PROVIDER_TIMEOUT_MS", 5_000));
        let payment_deadline = Duration::from_secs(reader.parse("PAYMENT_DEADLINE_SECONDS", 900));
        let expiry_interval =
            Duration::from_millis(reader.parse("PAYMENT_EXPIRY_INTERVAL_MS", 5_000).max(10));
        let charge_retry_interval =
            Duration::from_millis(reader.parse("CHARGE_RETRY_MS", 2_000).max(10));
        let charge_retry_after =
            Duration::from_millis(reader.parse("CHARGE_RETRY_AFTER_MS", 2_000));
        let strict = !reader.environment().allows_placeholder_secrets();
        let failpoint = reader.string("PAYMENT_FAILPOINT", "");
        let failpoint_ms: u64 = reader.parse("PAYMENT_FAILPOINT_MS", 2_000);
        let production = reader.environment() == Environment::Production;
        reader.finish(SERVICE)?;
        let mut problems = Vec::new();
        let webhook_commit_pause = failpoint_pause(&failpoint, failpoint_ms, production)
            .unwrap_or_else(|problem| {
                problems.push(problem);
                None
            });
        let webhook_secrets: Vec<Secret> = secrets
            .expose()
            .split(',')
            .map(str::trim)
            .filter(|part| !part.is_empty())
            .map(Secret::new)
            .collect();
        if webhook_secrets.is_empty()
            || (strict && webhook_secrets.iter().any(|s| is_placeholder(s.expose())))
        {
            problems.push(VariableProblem {
                variable: "EDU_PROVIDER_WEBHOOK_SECRETS".into(),
                message: "every comma-separated secret must be a real one".into(),
            });
        }
        if database_connections == 0 {
            problems.push(VariableProblem {
                variable: "EDU_DATABASE_CONNECTIONS".into(),
                message: "at least one connection is needed".into(),
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
            grpc_port,
            database_url,
            database_connections,
            jwks_url,
            jwks_lifetime,
            webhook_secrets,
            bus,
            relay,
            provider_url,
            provider_timeout,
            payment_deadline,
            expiry_interval,
            charge_retry_interval,
            charge_retry_after,
            webhook_commit_pause,
        })
    }
}

/// `EDU_PAYMENT_FAILPOINT`: none, or `webhook-before-commit` outside production.
fn failpoint_pause(
    name: &str,
    pause_ms: u64,
    production: bool,
) -> Result<Option<Duration>, VariableProblem> {
    let refuse = |message: String| VariableProblem {
        variable: "EDU_PAYMENT_FAILPOINT".into(),
        message,
    };
    match name.trim() {
        "" => Ok(None),
        WEBHOOK_BEFORE_COMMIT if !production => Ok(Some(Duration::from_millis(pause_ms))),
        WEBHOOK_BEFORE_COMMIT => Err(refuse(
            "failpoints are for chaos experiments, never in production".into(),
        )),
        _ => Err(refuse(format!(
            "the only failpoint is {WEBHOOK_BEFORE_COMMIT}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn development_defaults_follow_identitys_url_and_a_dev_only_secret() {
        let source =
            VariableSource::from_pairs([("EDU_IDENTITY_SERVICE_URL", "http://127.0.0.1:9001/")]);
        let settings = PaymentSettings::read(&source).unwrap();
        assert_eq!(
            settings.jwks_url,
            "http://127.0.0.1:9001/.well-known/jwks.json"
        );
        assert_eq!(settings.port, 8011);
        assert_eq!(settings.webhook_secrets.len(), 1);
    }

    #[test]
    fn a_rotation_gives_several_secrets() {
        let source = VariableSource::from_pairs([
            ("EDU_ENVIRONMENT", "production"),
            ("EDU_PROVIDER_WEBHOOK_SECRETS", "whsec_new9f, whsec_old3a"),
        ]);
        let settings = PaymentSettings::read(&source).unwrap();
        let secrets: Vec<_> = settings
            .webhook_secrets
            .iter()
            .map(Secret::expose)
            .collect();
        assert_eq!(secrets, ["whsec_new9f", "whsec_old3a"]);
    }

    #[test]
    fn a_placeholder_among_the_secrets_is_refused_outside_development() {
        for value in ["whsec_real1,changeme", "dev-only-x", ",", ""] {
            let source = VariableSource::from_pairs([
                ("EDU_ENVIRONMENT", "staging"),
                ("EDU_PROVIDER_WEBHOOK_SECRETS", value),
            ]);
            let error = PaymentSettings::read(&source).unwrap_err();
            assert!(
                error.to_string().contains("EDU_PROVIDER_WEBHOOK_SECRETS"),
                "{value:?}: {error}"
            );
        }
    }

    #[test]
    fn the_webhook_failpoint_pauses_before_commit_outside_production_only() {
        let unset = PaymentSettings::read(&VariableSource::from_pairs([("EDU_PORT", "8011")]));
        assert_eq!(unset.unwrap().webhook_commit_pause, None);
        let source = VariableSource::from_pairs([
            ("EDU_ENVIRONMENT", "test"),
            ("EDU_PAYMENT_FAILPOINT", "webhook-before-commit"),
            ("EDU_PAYMENT_FAILPOINT_MS", "1500"),
        ]);
        let settings = PaymentSettings::read(&source).unwrap();
        assert_eq!(
            settings.webhook_commit_pause,
            Some(Duration::from_millis(1500))
        );
        for (environment, failpoint) in [
            ("production", "webhook-before-commit"),
            ("test", "webhook-after-commit"),
        ] {
            let source = VariableSource::from_pairs([
                ("EDU_ENVIRONMENT", environment),
                ("EDU_PROVIDER_WEBHOOK_SECRETS", "whsec_real1"),
                ("EDU_PAYMENT_FAILPOINT", failpoint),
            ]);
            let error = PaymentSettings::read(&source).unwrap_err();
            assert!(
                error.to_string().contains("EDU_PAYMENT_FAILPOINT"),
                "{environment} {failpoint}: {error}"
            );
        }
    }
}
