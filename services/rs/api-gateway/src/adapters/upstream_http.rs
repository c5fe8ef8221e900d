//! Forwarding one request to its upstream: hop-by-hop headers dropped, the request id and the
//! client address (with the proxy token, ADR 0015) passed on, a timeout per attempt, a retry
//! only for idempotent methods and only when the upstream could not have acted (no connection).

use std::net::IpAddr;
use std::time::Duration;

use axum::body::Body;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, Request, Response, Uri, header};
use bytes::Bytes;
use http_body_util::Full;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

use crate::domain::client_address::{CLIENT_ADDRESS_HEADER, PROXY_TOKEN_HEADER};

const RETRIES_FOR_IDEMPOTENT: u32 = 1;

/// Headers that belong to one connection, never forwarded (RFC 9110 section 7.6.1).
const HOP_BY_HOP: [&str; 8] = [
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
];

pub type HttpClient = edu_jwt::jwks_http::HttpClient;

pub fn client(connect_timeout: Duration) -> HttpClient {
    let mut connector = HttpConnector::new();
    connector.set_connect_timeout(Some(connect_timeout));
    connector.set_nodelay(true);
    Client::builder(TokioExecutor::new())
        .pool_idle_timeout(Duration::from_secs(30))
        .build(connector)
}

/// Why forwarding failed; each becomes a problem answer.
#[derive(Debug, thiserror::Error)]
pub enum ForwardError {
    #[error("no connection to the upstream")]
    Unreachable,
    #[error("the upstream did not answer within {0:?}")]
    TimedOut(Duration),
    #[error("the upstream's answer could not be read: {0}")]
    Broken(String),
}

/// Everything about the request that the forwarding needs, with the body already read.
#[derive(Debug)]
pub struct Outgoing {
    pub method: Method,
    pub path_and_query: String,
    pub headers: HeaderMap,
    pub body: Bytes,
}

pub fn is_idempotent(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::PUT | Method::DELETE
    )
}

/// The headers to send upstream: the caller's minus hop-by-hop and any client-address or
/// proxy-token header the caller tried to set, plus ours.
pub fn upstream_headers(
    incoming: &HeaderMap,
    client: IpAddr,
    proxy_token: &str,
    upstream_host: &str,
) -> HeaderMap {
    let mut headers = HeaderMap::with_capacity(incoming.len() + 3);
    for (name, value) in incoming {
        let lower = name.as_str();
        if HOP_BY_HOP.contains(&lower)
            || lower == CLIENT_ADDRESS_HEADER
            || lower == PROXY_TOKEN_HEADER
            || *name == header::HOST
        {
            continue;
        }
        headers.append(name.clone(), value.clone());
    }
    if let Ok(value) = HeaderValue::from_str(&client.to_string()) {
        headers.insert(HeaderName::from_static(CLIENT_ADDRESS_HEADER), value);
    }
    if let Ok(value) = HeaderValue::from_str(proxy_token) {
        headers.insert(HeaderName::from_static(PROXY_TOKEN_HEADER), value);
    }
    if let Ok(value) = HeaderValue::from_str(upstream_host) {
        headers.insert(header::HOST, value);
    }
    headers
}

/// Sends `outgoing` to `base` (`http://127.0.0.1:8001`) and returns the upstream's answer.
pub async fn forward(
    client: &HttpClient,
    base: &str,
    outgoing: &Outgoing,
    timeout: Duration,
) -> Result<Response<Body>, ForwardError> {
    let uri: Uri = format!("{base}{}", outgoing.path_and_query)
        .parse()
        .map_err(|_| ForwardError::Broken("the upstream URL is malformed".into()))?;
    let attempts = if is_idempotent(&outgoing.method) {
        1 + RETRIES_FOR_IDEMPOTENT
    } else {
        1
    };
    let mut last = ForwardError::Unreachable;
    for attempt in 1..=attempts {
        let mut request = Request::builder()
            .method(outgoing.method.clone())
            .uri(uri.clone())
            .body(Full::new(outgoing.body.clone()))
            .map_err(|e| ForwardError::Broken(e.to_string()))?;
        *request.headers_mut() = outgoing.headers.clone();
        match tokio::time::timeout(timeout, client.request(request)).await {
            Ok(Ok(response)) => {
                let (mut parts, body) = response.into_parts();
                for name in HOP_BY_HOP {
                    parts.headers.remove(name);
                }
                return Ok(Response::from_parts(parts, Body::new(body)));
            }
            Ok(Err(error)) if error.is_connect() => {
                tracing::warn!(attempt, %error, "upstream unreachable");
                last = ForwardError::Unreachable;
            }
            Ok(Err(error)) => return Err(ForwardError::Broken(error.to_string())),
            // A timed-out request may have had an effect: retried only when idempotent, which
            // the loop's bound already says.
            Err(_) => last = ForwardError::TimedOut(timeout),
        }
    }
    Err(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_caller_cannot_forge_the_client_address_or_the_proxy_token() {
        let mut incoming = HeaderMap::new();
        incoming.insert(CLIENT_ADDRESS_HEADER, HeaderValue::from_static("10.0.0.99"));
        incoming.insert(PROXY_TOKEN_HEADER, HeaderValue::from_static("guessed"));
        incoming.insert("connection", HeaderValue::from_static("keep-alive"));
        incoming.insert("authorization", HeaderValue::from_static("Bearer abc"));
        let headers = upstream_headers(&incoming, "192.0.2.7".parse().unwrap(), "s3cret", "h:1");
        assert_eq!(headers[CLIENT_ADDRESS_HEADER], "192.0.2.7");
        assert_eq!(headers[PROXY_TOKEN_HEADER], "s3cret");
        assert_eq!(headers.get_all(CLIENT_ADDRESS_HEADER).iter().count(), 1);
        assert!(headers.get("connection").is_none());
        assert_eq!(headers["authorization"], "Bearer abc");
        assert_eq!(headers[header::HOST], "h:1");
    }

    #[test]
    fn only_methods_without_a_new_effect_per_call_are_retried() {
        assert!(is_idempotent(&Method::GET));
        assert!(is_idempotent(&Method::PUT));
        assert!(!is_idempotent(&Method::POST));
        assert!(!is_idempotent(&Method::PATCH));
    }
}
