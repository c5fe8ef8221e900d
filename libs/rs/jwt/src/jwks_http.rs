//! Identity's JWKS over HTTP, the key source of a [`crate::KeyCache`].

use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

use crate::keys::KeySource;
use crate::tokens::{KeySet, KeysFuture, parse_jwks};

/// A hyper client for plain HTTP (the gateway forwards with the same type).
pub type HttpClient = Client<HttpConnector, Full<Bytes>>;

#[derive(Debug)]
pub struct HttpJwks {
    pub url: String,
    pub client: HttpClient,
    pub timeout: Duration,
}

impl HttpJwks {
    /// A source for `url` with its own client: 2 s to connect, 3 s for the whole answer.
    pub fn new(url: impl Into<String>) -> Self {
        let mut connector = HttpConnector::new();
        connector.set_connect_timeout(Some(Duration::from_secs(2)));
        connector.set_nodelay(true);
        Self {
            url: url.into(),
            client: Client::builder(TokioExecutor::new()).build(connector),
            timeout: Duration::from_secs(3),
        }
    }

    async fn get(&self) -> Result<KeySet, String> {
        let uri: hyper::Uri = self
            .url
            .parse()
            .map_err(|_| format!("{} is not a URL", self.url))?;
        let request = hyper::Request::get(uri)
            .body(Full::new(Bytes::new()))
            .map_err(|e| e.to_string())?;
        let response = tokio::time::timeout(self.timeout, self.client.request(request))
            .await
            .map_err(|_| format!("{}: no answer within {:?}", self.url, self.timeout))?
            .map_err(|e| format!("{}: {e}", self.url))?;
        if !response.status().is_success() {
            return Err(format!("{} answered {}", self.url, response.status()));
        }
        let body = response
            .into_body()
            .collect()
            .await
            .map_err(|e| e.to_string())?
            .to_bytes();
        parse_jwks(&body)
    }
}

impl KeySource for HttpJwks {
    fn fetch(&self) -> KeysFuture<'_> {
        Box::pin(self.get())
    }
}
