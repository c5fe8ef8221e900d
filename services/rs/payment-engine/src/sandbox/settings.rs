//! The sandbox's settings, from `EDU_*` variables.

use std::time::Duration;

use edu_common::settings::{
    CommonSettings, Secret, SettingsError, SettingsReader, VariableProblem, VariableSource,
    is_placeholder,
};

const SERVICE: &str = "payment-provider-sandbox";
/// The engine's development secret: the two agree out of the box in development.
const DEV_SECRET: &str = "dev-only-provider-webhook-secret";

#[derive(Debug, Clone)]
pub struct SandboxSettings {
    pub common: CommonSettings,
    /// `EDU_PORT` (8012).
    pub port: u16,
    /// Where webhooks go (`EDU_SANDBOX_WEBHOOK_URL`, the engine's `/provider/webhooks`).
    pub webhook_url: String,
    /// The secret they are signed with (`EDU_SANDBOX_WEBHOOK_SECRET`): one of the engine's
    /// `EDU_PROVIDER_WEBHOOK_SECRETS`.
    pub webhook_secret: Secret,
    /// How long before an outcome is sent (`EDU_SANDBOX_DELAY_MS`, 200).
    pub delay: Duration,
    /// How many times each event is delivered (`EDU_SANDBOX_DUPLICATES`, 1).
    pub duplicates: u32,
    /// Deliver each copy after its own random extra wait (`EDU_SANDBOX_REORDER`, false),
    /// of up to `EDU_SANDBOX_REORDER_WINDOW_MS` (500): events and copies arrive out of order.
    pub reorder: bool,
    pub reorder_window: Duration,
    /// Deliveries of one copy before giving up (`EDU_SANDBOX_MAX_ATTEMPTS`, 8); the wait
    /// doubles from `EDU_SANDBOX_RETRY_MS` (200) up to 5 s.
    pub max_attempts: u32,
    pub retry: Duration,
}

impl SandboxSettings {
    pub fn from_process() -> Result<Self, SettingsError> {
        Self::read(&VariableSource::from_process())
    }

    pub fn read(source: &VariableSource) -> Result<Self, SettingsError> {
        let mut reader = SettingsReader::new(source);
        let common = reader.common();
        let port = reader.parse("PORT", 8012_u16);
        let webhook_url = reader.string(
            "SANDBOX_WEBHOOK_URL",
            "http://127.0.0.1:8011/provider/webhooks",
        );
        let webhook_secret = reader.secret("SANDBOX_WEBHOOK_SECRET", DEV_SECRET);
        let delay = Duration::from_millis(reader.parse("SANDBOX_DELAY_MS", 200));
        let duplicates = reader.parse("SANDBOX_DUPLICATES", 1_u32);
        let reorder = reader.parse("SANDBOX_REORDER", false);
        let reorder_window = Duration::from_millis(reader.parse("SANDBOX_REORDER_WINDOW_MS", 500));
        let max_attempts = reader.parse("SANDBOX_MAX_ATTEMPTS", 8_u32);
        let retry = Duration::from_millis(reader.parse("SANDBOX_RETRY_MS", 200));
        let strict = !reader.environment().allows_placeholder_secrets();
        reader.finish(SERVICE)?;
        let mut problems = Vec::new();
        if strict && is_placeholder(webhook_secret.expose()) {
            problems.push(VariableProblem {
                variable: "EDU_SANDBOX_WEBHOOK_SECRET".into(),
                message: "must be a real secret outside development".into(),
            });
        }
        if duplicates == 0 || max_attempts == 0 {
            problems.push(VariableProblem {
                variable: "EDU_SANDBOX_DUPLICATES / EDU_SANDBOX_MAX_ATTEMPTS".into(),
                message: "at least 1".into(),
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
            webhook_url,
            webhook_secret,
            delay,
            duplicates,
            reorder,
            reorder_window,
            max_attempts,
            retry,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chaos_is_configured_from_the_environment() {
        let source = VariableSource::from_pairs([
            ("EDU_SANDBOX_DUPLICATES", "3"),
            ("EDU_SANDBOX_REORDER", "true"),
        ]);
        let settings = SandboxSettings::read(&source).unwrap();
        assert_eq!(settings.duplicates, 3);
        assert!(settings.reorder);
        assert_eq!(settings.port, 8012);
    }

    #[test]
    fn zero_copies_or_a_placeholder_secret_outside_development_is_refused() {
        let none = VariableSource::from_pairs([("EDU_SANDBOX_DUPLICATES", "0")]);
        assert!(SandboxSettings::read(&none).is_err());
        let staging = VariableSource::from_pairs([("EDU_ENVIRONMENT", "staging")]);
        let error = SandboxSettings::read(&staging).unwrap_err();
        assert!(error.to_string().contains("EDU_SANDBOX_WEBHOOK_SECRET"));
    }
}
