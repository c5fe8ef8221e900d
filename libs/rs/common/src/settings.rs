//! Settings from `EDU_*` variables with the same rules as `edu.common.settings`.
//!
//! A service reads its settings once at start-up through a [`SettingsReader`]: every variable
//! that is missing or malformed is collected, and [`SettingsReader::finish`] reports all of them
//! at once, each naming the variable to set. Outside development and test, a secret that is
//! missing, empty or a well-known placeholder stops the service.

use std::collections::BTreeMap;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr};
use std::str::FromStr;

/// The prefix of every variable the platform reads.
pub const PREFIX: &str = "EDU_";

/// Values no real secret has (compared trimmed and lower-cased), as in Python's
/// `PLACEHOLDER_SECRETS`.
pub const PLACEHOLDER_SECRETS: [&str; 8] = [
    "",
    "changeme",
    "change-me",
    "secret",
    "password",
    "dev",
    "development",
    "insecure",
];

/// The marker of a development-only secret (`dev-only-...`).
pub const DEV_SECRET_PREFIX: &str = "dev-only-";

/// Where the service runs; only development and test accept placeholder secrets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    Development,
    Test,
    Ci,
    Staging,
    Production,
}

impl Environment {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Development => "development",
            Self::Test => "test",
            Self::Ci => "ci",
            Self::Staging => "staging",
            Self::Production => "production",
        }
    }

    pub fn allows_placeholder_secrets(self) -> bool {
        matches!(self, Self::Development | Self::Test)
    }
}

impl FromStr for Environment {
    type Err = String;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        match value.trim().to_ascii_lowercase().as_str() {
            "development" => Ok(Self::Development),
            "test" => Ok(Self::Test),
            "ci" => Ok(Self::Ci),
            "staging" => Ok(Self::Staging),
            "production" => Ok(Self::Production),
            _ => Err("expected one of development, test, ci, staging, production".into()),
        }
    }
}

/// How log lines are written; `auto` is console in development and JSON everywhere else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Auto,
    Json,
    Console,
}

impl FromStr for LogFormat {
    type Err = String;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        match value.trim().to_ascii_lowercase().as_str() {
            "auto" => Ok(Self::Auto),
            "json" => Ok(Self::Json),
            "console" => Ok(Self::Console),
            _ => Err("expected one of auto, json, console".into()),
        }
    }
}

/// The fields every service shares (`EDU_ENVIRONMENT`, `EDU_LOG_LEVEL`, `EDU_LOG_FORMAT`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommonSettings {
    pub environment: Environment,
    pub log_level: String,
    pub log_format: LogFormat,
    /// Where the service listens (`EDU_BIND_ADDRESS`): 127.0.0.1 on our machines and in the test
    /// stacks; 0.0.0.0 in a container, where other pods and the kubelet's probes reach it.
    pub bind_address: IpAddr,
}

impl CommonSettings {
    /// The log format actually used once `auto` is resolved.
    pub fn effective_log_format(&self) -> LogFormat {
        match self.log_format {
            LogFormat::Auto if self.environment == Environment::Development => LogFormat::Console,
            LogFormat::Auto => LogFormat::Json,
            explicit => explicit,
        }
    }
}

/// A secret value: never printed by `Debug` or `Display`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The value itself, for the one place that needs it (signing, connecting).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(**********)")
    }
}

/// The variables a reader sees: the process environment, or pairs given by a test.
#[derive(Debug, Clone, Default)]
pub struct VariableSource {
    variables: BTreeMap<String, String>,
}

impl VariableSource {
    /// Every `EDU_*` variable of this process.
    pub fn from_process() -> Self {
        Self::from_pairs(std::env::vars().filter(|(name, _)| name.starts_with(PREFIX)))
    }

    pub fn from_pairs<K: Into<String>, V: Into<String>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        let variables = pairs
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .collect();
        Self { variables }
    }

    fn get(&self, variable: &str) -> Option<&str> {
        self.variables.get(variable).map(String::as_str)
    }
}

/// One variable that is wrong, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VariableProblem {
    pub variable: String,
    pub message: String,
}

/// The service cannot start with the configuration it was given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{service} cannot start: invalid configuration\n{}", render(.problems))]
pub struct SettingsError {
    pub service: String,
    pub problems: Vec<VariableProblem>,
}

fn render(problems: &[VariableProblem]) -> String {
    problems
        .iter()
        .map(|p| format!("  - {}: {}", p.variable, p.message))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Reads `EDU_*` variables, collecting every problem instead of stopping at the first.
#[derive(Debug)]
pub struct SettingsReader<'a> {
    source: &'a VariableSource,
    environment: Environment,
    problems: Vec<VariableProblem>,
    placeholder_secrets: Vec<String>,
}

impl<'a> SettingsReader<'a> {
    /// Starts reading; `EDU_ENVIRONMENT` is read first because the secret rules depend on it.
    pub fn new(source: &'a VariableSource) -> Self {
        let mut reader = Self {
            source,
            environment: Environment::Development,
            problems: Vec::new(),
            placeholder_secrets: Vec::new(),
        };
        reader.environment = reader.parse("ENVIRONMENT", Environment::Development);
        reader
    }

    pub fn environment(&self) -> Environment {
        self.environment
    }

    /// The shared fields (`EDU_LOG_LEVEL`, `EDU_LOG_FORMAT`).
    pub fn common(&mut self) -> CommonSettings {
        CommonSettings {
            environment: self.environment,
            log_level: self.string("LOG_LEVEL", "INFO"),
            log_format: self.parse("LOG_FORMAT", LogFormat::Auto),
            bind_address: self.parse("BIND_ADDRESS", IpAddr::V4(Ipv4Addr::LOCALHOST)),
        }
    }

    /// `EDU_<name>` as text, or `default` when unset.
    pub fn string(&mut self, name: &str, default: &str) -> String {
        self.source
            .get(&variable(name))
            .unwrap_or(default)
            .to_owned()
    }

    /// `EDU_<name>` parsed, or `default` when unset; a malformed value is recorded as a problem.
    pub fn parse<T>(&mut self, name: &str, default: T) -> T
    where
        T: FromStr,
        T::Err: fmt::Display,
    {
        let variable = variable(name);
        let Some(raw) = self.source.get(&variable) else {
            return default;
        };
        match raw.trim().parse::<T>() {
            Ok(value) => value,
            Err(error) => {
                self.problems.push(VariableProblem {
                    variable,
                    message: format!("{raw:?} is not valid: {error}"),
                });
                default
            }
        }
    }

    /// `EDU_<name>` as a secret. Outside development and test a missing, empty or placeholder
    /// value is a problem; `development_default` is used only where placeholders are allowed.
    pub fn secret(&mut self, name: &str, development_default: &str) -> Secret {
        let variable = variable(name);
        let value = self.source.get(&variable).map(str::to_owned);
        if self.environment.allows_placeholder_secrets() {
            return Secret(value.unwrap_or_else(|| development_default.to_owned()));
        }
        match value {
            Some(value) if !is_placeholder(&value) => Secret(value),
            _ => {
                self.placeholder_secrets.push(variable);
                Secret(String::new())
            }
        }
    }

    /// Every problem found, or `Ok` when the configuration is usable.
    pub fn finish(mut self, service: &str) -> Result<(), SettingsError> {
        if !self.placeholder_secrets.is_empty() {
            let names = self.placeholder_secrets.join(", ");
            self.problems.push(VariableProblem {
                variable: names.clone(),
                message: format!(
                    "{names} must be set to a real secret when EDU_ENVIRONMENT={} (placeholder \
                     or missing values are only allowed in development and test)",
                    self.environment.as_str()
                ),
            });
        }
        if self.problems.is_empty() {
            Ok(())
        } else {
            Err(SettingsError {
                service: service.to_owned(),
                problems: self.problems,
            })
        }
    }
}

fn variable(name: &str) -> String {
    format!("{PREFIX}{}", name.to_ascii_uppercase())
}

/// True for values no real secret has: the placeholders and `dev-only-...` markers.
pub fn is_placeholder(value: &str) -> bool {
    let lowered = value.trim().to_ascii_lowercase();
    PLACEHOLDER_SECRETS.contains(&lowered.as_str()) || lowered.starts_with(DEV_SECRET_PREFIX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(pairs: &[(&str, &str)]) -> VariableSource {
        VariableSource::from_pairs(pairs.iter().copied())
    }

    #[test]
    fn refuses_a_placeholder_secret_in_production_naming_the_variable() {
        let vars = source(&[
            ("EDU_ENVIRONMENT", "production"),
            ("EDU_JWT_KEY", "changeme"),
        ]);
        let mut reader = SettingsReader::new(&vars);
        let _ = reader.secret("jwt_key", "dev-only-key");
        let error = reader.finish("gateway").unwrap_err();
        let text = error.to_string();
        assert!(text.contains("gateway cannot start"), "{text}");
        assert!(
            text.contains("EDU_JWT_KEY must be set to a real secret"),
            "{text}"
        );
        assert!(text.contains("EDU_ENVIRONMENT=production"), "{text}");
    }

    #[test]
    fn refuses_a_missing_secret_and_a_dev_only_marker_outside_development() {
        for value in [None, Some("  Dev-Only-abc "), Some(" "), Some("PASSWORD")] {
            let mut pairs = vec![("EDU_ENVIRONMENT", "staging")];
            if let Some(value) = value {
                pairs.push(("EDU_TOKEN", value));
            }
            let vars = source(&pairs);
            let mut reader = SettingsReader::new(&vars);
            let _ = reader.secret("token", "dev-only-token");
            assert!(
                reader.finish("svc").is_err(),
                "{value:?} was accepted in staging"
            );
        }
    }

    #[test]
    fn accepts_a_real_secret_in_production_and_hides_it_from_debug() {
        let vars = source(&[
            ("EDU_ENVIRONMENT", "production"),
            ("EDU_TOKEN", "s3cr3t-9f8e"),
        ]);
        let mut reader = SettingsReader::new(&vars);
        let secret = reader.secret("token", "dev-only-token");
        reader.finish("svc").unwrap();
        assert_eq!(secret.expose(), "s3cr3t-9f8e");
        assert!(!format!("{secret:?}").contains("s3cr3t"));
    }

    #[test]
    fn development_and_test_use_the_development_default() {
        for environment in ["development", "test"] {
            let vars = source(&[("EDU_ENVIRONMENT", environment)]);
            let mut reader = SettingsReader::new(&vars);
            let secret = reader.secret("token", "dev-only-token");
            reader.finish("svc").unwrap();
            assert_eq!(secret.expose(), "dev-only-token");
        }
    }

    #[test]
    fn reports_every_malformed_variable_at_once() {
        let vars = source(&[
            ("EDU_ENVIRONMENT", "prod"),
            ("EDU_PORT", "eighty"),
            ("EDU_LOG_FORMAT", "xml"),
        ]);
        let mut reader = SettingsReader::new(&vars);
        let port: u16 = reader.parse("port", 8000);
        let _ = reader.common();
        let error = reader.finish("svc").unwrap_err();
        assert_eq!(port, 8000);
        let variables: Vec<_> = error.problems.iter().map(|p| p.variable.as_str()).collect();
        assert_eq!(
            variables,
            ["EDU_ENVIRONMENT", "EDU_PORT", "EDU_LOG_FORMAT"],
            "{error}"
        );
        assert!(error.to_string().contains("\"eighty\" is not valid"));
    }

    #[test]
    fn services_listen_on_loopback_unless_a_container_says_otherwise() {
        let vars = source(&[]);
        let mut reader = SettingsReader::new(&vars);
        assert_eq!(
            reader.common().bind_address,
            IpAddr::V4(Ipv4Addr::LOCALHOST)
        );
        let vars = source(&[("EDU_BIND_ADDRESS", "0.0.0.0")]);
        let mut reader = SettingsReader::new(&vars);
        assert_eq!(
            reader.common().bind_address,
            IpAddr::V4(Ipv4Addr::UNSPECIFIED)
        );
        let vars = source(&[("EDU_BIND_ADDRESS", "everywhere")]);
        let mut reader = SettingsReader::new(&vars);
        let _ = reader.common();
        let error = reader.finish("svc").unwrap_err().to_string();
        assert!(error.contains("EDU_BIND_ADDRESS"), "{error}");
    }

    #[test]
    fn auto_log_format_is_console_in_development_and_json_elsewhere() {
        let mut settings = CommonSettings {
            environment: Environment::Development,
            log_level: "INFO".into(),
            log_format: LogFormat::Auto,
            bind_address: IpAddr::V4(Ipv4Addr::LOCALHOST),
        };
        assert_eq!(settings.effective_log_format(), LogFormat::Console);
        settings.environment = Environment::Ci;
        assert_eq!(settings.effective_log_format(), LogFormat::Json);
        settings.log_format = LogFormat::Console;
        assert_eq!(settings.effective_log_format(), LogFormat::Console);
    }
}
