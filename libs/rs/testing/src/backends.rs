//! The servers of this test run, as URLs, and checks that they answer.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Which server, the variable that names it, and how to get one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Postgres,
    Nats,
    Redis,
    /// An S3-compatible server (`moto_server` by default): the video store's S3 adapter.
    S3,
}

impl Backend {
    pub fn variable(self) -> &'static str {
        match self {
            Self::Postgres => "EDU_TEST_DATABASE_URL",
            Self::Nats => "EDU_TEST_NATS_URL",
            Self::Redis => "EDU_TEST_REDIS_URL",
            Self::S3 => "EDU_TEST_S3_URL",
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Postgres => "PostgreSQL",
            Self::Nats => "NATS",
            Self::Redis => "Redis",
            Self::S3 => "S3 server",
        }
    }
}

/// The backend's URL, or an error that says how to run the test so that it has one.
pub fn url_from(
    backend: Backend,
    lookup: impl Fn(&str) -> Option<String>,
) -> Result<String, String> {
    lookup(backend.variable())
        .filter(|url| !url.trim().is_empty())
        .ok_or_else(|| {
            format!(
                "no {} for this test: {} is not set. Run the Rust integration tests through \
                 `uv run edu test rust-integration` (it starts an embedded {} and passes its \
                 URL), or set {} to a server you run.",
                backend.name(),
                backend.variable(),
                backend.name(),
                backend.variable()
            )
        })
}

/// The backend's URL from the environment; a test without it fails here with the reason.
pub fn url(backend: Backend) -> String {
    url_from(backend, |name| std::env::var(name).ok()).unwrap_or_else(|why| panic!("{why}"))
}

/// `host:port` of a `scheme://[user@]host:port[/...]` URL.
pub fn host_port(url: &str) -> Result<String, String> {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?']).next().unwrap_or(rest);
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, hp)| hp);
    if host_port.contains(':') {
        Ok(host_port.to_owned())
    } else {
        Err(format!("{url} names no port"))
    }
}

/// Connects to a NATS server and reads its `INFO` greeting: proof it is a NATS server that
/// answers, without a client library.
pub async fn nats_answers(url: &str) -> Result<(), String> {
    let mut stream = connect(url).await?;
    let mut greeting = [0u8; 5];
    tokio::time::timeout(Duration::from_secs(2), stream.read_exact(&mut greeting))
        .await
        .map_err(|_| format!("{url}: no INFO greeting within 2 s"))?
        .map_err(|error| format!("{url}: {error}"))?;
    if &greeting == b"INFO " {
        Ok(())
    } else {
        Err(format!("{url} did not greet like a NATS server"))
    }
}

/// Sends `PING` to a Redis server and expects `+PONG`.
pub async fn redis_answers(url: &str) -> Result<(), String> {
    let mut stream = connect(url).await?;
    stream
        .write_all(b"PING\r\n")
        .await
        .map_err(|error| format!("{url}: {error}"))?;
    let mut reply = [0u8; 7];
    tokio::time::timeout(Duration::from_secs(2), stream.read_exact(&mut reply))
        .await
        .map_err(|_| format!("{url}: no reply to PING within 2 s"))?
        .map_err(|error| format!("{url}: {error}"))?;
    if &reply == b"+PONG\r\n" {
        Ok(())
    } else {
        Err(format!("{url} did not answer PING like a Redis server"))
    }
}

async fn connect(url: &str) -> Result<TcpStream, String> {
    let address = host_port(url)?;
    tokio::time::timeout(Duration::from_secs(2), TcpStream::connect(&address))
        .await
        .map_err(|_| format!("{url}: no connection within 2 s"))?
        .map_err(|error| format!("{url}: {error}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_url_says_how_to_get_one() {
        let error = url_from(Backend::Nats, |_| None).unwrap_err();
        assert!(error.contains("EDU_TEST_NATS_URL is not set"), "{error}");
        assert!(
            error.contains("uv run edu test rust-integration"),
            "{error}"
        );
        let blank = url_from(Backend::Postgres, |_| Some("  ".into()));
        assert!(blank.is_err());
    }

    #[test]
    fn a_set_url_is_used() {
        let url = url_from(Backend::Redis, |name| {
            (name == "EDU_TEST_REDIS_URL").then(|| "redis://127.0.0.1:6390/0".into())
        });
        assert_eq!(url.unwrap(), "redis://127.0.0.1:6390/0");
    }

    #[test]
    fn host_port_reads_urls_with_and_without_credentials() {
        assert_eq!(
            host_port("nats://127.0.0.1:4222").unwrap(),
            "127.0.0.1:4222"
        );
        assert_eq!(
            host_port("postgresql://edu:pw@127.0.0.1:5433/postgres?sslmode=disable").unwrap(),
            "127.0.0.1:5433"
        );
        assert!(host_port("redis://localhost").is_err());
    }
}
