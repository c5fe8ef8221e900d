//! Identity's JWKS over HTTP, the key source of the gateway's token cache.

use std::time::Duration;

use crate::adapters::upstream_http::HttpClient;
use crate::app::ports::KeySource;
use crate::domain::tokens::{KeySet, KeysFuture, parse_jwks};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};

#[derive(Debug)]
pub struct HttpJwks {
    pub url: String,
    pub client: HttpClient,
    pub timeout: Duration,
}

impl HttpJwks {
    async fn get(&self) -> Result<KeySet, String> {
        let uri: axum::http::Uri = self
            .url
            .parse()
            .map_err(|_| format!("{} is not a URL", self.url))?;
        let request = axum::http::Request::get(uri)
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
