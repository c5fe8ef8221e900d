//! The gateway's settings, from `EDU_*` variables (`edu_common::settings` rules).
//!
//! Routes map a path prefix to an upstream service; each upstream's URL comes from the same
//! `EDU_<SERVICE>_SERVICE_URL` variables `just dev` and the test stacks set for every service.

use std::time::Duration;

use edu_common::settings::{CommonSettings, Secret, SettingsError, SettingsReader, VariableSource};

use crate::app::admission::Limits;
use crate::domain::routing::{DEFAULT_ROUTES, Route, parse_routes};

#[derive(Debug, Clone)]
pub struct GatewaySettings {
    pub common: CommonSettings,
    pub port: u16,
    pub routes: Vec<Route>,
    /// Upstream name -> base URL (`http://127.0.0.1:8001`).
    pub upstreams: Vec<(String, String)>,
    pub upstream_timeout: Duration,
    pub max_body_bytes: u64,
    pub max_header_bytes: usize,
    /// Where identity publishes its signing keys.
    pub jwks_url: String,
    pub jwks_lifetime: Duration,
    pub redis_url: String,
    pub limits: Limits,
    /// Proves to the services that the client address header comes from us (ADR 0015).
    pub proxy_token: Secret,
    /// Consecutive upstream failures that open its circuit, and how long it stays open.
    pub breaker_failures: u32,
    pub breaker_open_for: Duration,
}

impl GatewaySettings {
    pub fn from_process() -> Result<Self, SettingsError> {
        Self::read(&VariableSource::from_process())
    }

    pub fn read(source: &VariableSource) -> Result<Self, SettingsError> {
        let mut reader = SettingsReader::new(source);
        let common = reader.common();
        let port = reader.parse("PORT", 8080_u16);
        let routes_text = reader.string("GATEWAY_ROUTES", DEFAULT_ROUTES);
        let routes = parse_routes(&routes_text);
        let mut upstreams = Vec::new();
        let mut names: Vec<&str> = routes.iter().map(|r| r.upstream.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        let defaults = [
            ("identity", 8001),
            ("course", 8002),
            ("enrollment", 8003),
            ("notifications", 8004),
            ("analytics-api", 8005),
            ("event-ingestion", 8010),
            ("payment-engine", 8011),
            ("certificate-generator", 8006),
            ("moderation", 8007),
            ("search", 8013),
            ("messaging", 8020),
            ("teacher-tools", 8008),
            ("video-processor", 8014),
        ];
        for name in names {
            let port = defaults
                .iter()
                .find(|(n, _)| *n == name)
                .map_or(80, |(_, p)| *p);
            let variable = format!(
                "{}_SERVICE_URL",
                name.to_ascii_uppercase().replace('-', "_")
            );
            let url = reader.string(&variable, &format!("http://127.0.0.1:{port}"));
            upstreams.push((name.to_owned(), url.trim_end_matches('/').to_owned()));
        }
        let identity = upstreams
            .iter()
            .find(|(n, _)| n == "identity")
            .map_or_else(|| "http://127.0.0.1:8001".to_owned(), |(_, u)| u.clone());
        let settings = Self {
            port,
            routes,
            upstreams,
            upstream_timeout: Duration::from_millis(reader.parse("UPSTREAM_TIMEOUT_MS", 10_000)),
            max_body_bytes: reader.parse("MAX_REQUEST_BODY_BYTES", 2_097_152),
            max_header_bytes: reader.parse("MAX_HEADER_BYTES", 16_384),
            jwks_url: reader.string("JWKS_URL", &format!("{identity}/.well-known/jwks.json")),
            jwks_lifetime: Duration::from_secs(reader.parse("JWKS_LIFETIME_SECONDS", 300)),
            redis_url: reader.string("REDIS_URL", "redis://127.0.0.1:16379/0"),
            limits: Limits {
                per_user_per_minute: reader.parse("RATE_PER_USER_PER_MINUTE", 600),
                per_address_per_minute: reader.parse("RATE_PER_ADDRESS_PER_MINUTE", 1200),
                sign_in_per_address_per_minute: reader.parse("RATE_SIGN_IN_PER_MINUTE", 30),
            },
            proxy_token: reader.secret("PROXY_TOKEN", "dev-only-proxy-token"),
            breaker_failures: reader.parse("BREAKER_FAILURES", 5),
            breaker_open_for: Duration::from_millis(reader.parse("BREAKER_OPEN_MS", 5_000)),
            common,
        };
        reader.finish("api-gateway")?;
        Ok(settings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_route_every_service_and_read_their_urls() {
        let source =
            VariableSource::from_pairs([("EDU_COURSE_SERVICE_URL", "http://127.0.0.1:9999/")]);
        let settings = GatewaySettings::read(&source).unwrap();
        let course = settings
            .upstreams
            .iter()
            .find(|(n, _)| n == "course")
            .unwrap();
        assert_eq!(course.1, "http://127.0.0.1:9999");
        assert_eq!(
            settings.jwks_url,
            "http://127.0.0.1:8001/.well-known/jwks.json"
        );
        let names: Vec<&str> = settings.upstreams.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "analytics-api",
                "certificate-generator",
                "course",
                "enrollment",
                "event-ingestion",
                "identity",
                "messaging",
                "moderation",
                "notifications",
                "payment-engine",
                "search",
                "teacher-tools",
                "video-processor"
            ]
        );
        let analytics = &settings.upstreams[0].1;
        assert_eq!(analytics, "http://127.0.0.1:8005");
        let certificates = &settings.upstreams[1].1;
        assert_eq!(certificates, "http://127.0.0.1:8006");
        let messaging = &settings.upstreams[6].1;
        assert_eq!(messaging, "http://127.0.0.1:8020");
        let moderation = &settings.upstreams[7].1;
        assert_eq!(moderation, "http://127.0.0.1:8007");
        let search = &settings.upstreams[10].1;
        assert_eq!(search, "http://127.0.0.1:8013");
        let teacher_tools = &settings.upstreams[11].1;
        assert_eq!(teacher_tools, "http://127.0.0.1:8008");
        let videos = &settings.upstreams[12].1;
        assert_eq!(videos, "http://127.0.0.1:8014");
    }

    #[test]
    fn production_refuses_the_development_proxy_token() {
        let source = VariableSource::from_pairs([("EDU_ENVIRONMENT", "production")]);
        let error = GatewaySettings::read(&source).unwrap_err();
        assert!(error.to_string().contains("EDU_PROXY_TOKEN"), "{error}");
    }
}
