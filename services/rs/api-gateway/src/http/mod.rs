//! The HTTP edge. The gateway's request path, in order: closed CORS, header and body size caps (413 before the
//! body is read), a route by path prefix, the access token (401 when present and invalid), rate
//! limits (429), the upstream's circuit (503), then forwarding (a WebSocket handshake, once the
//! upstream switched protocols, joined to it byte for byte: `adapters::upstream_ws`).
#![allow(
    clippy::result_large_err,
    reason = "each Err is the answer to send, built once per refused request"
)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use edu_common::problem::{ApiError, Problem};
use http_body_util::{BodyExt, Limited};
use hyper::upgrade::OnUpgrade;

pub mod composed;
pub mod openapi;
pub mod own_routes;

use crate::adapters::upstream_http::{self as proxy, ForwardError, HttpClient, Outgoing};
use crate::adapters::upstream_ws;
use crate::app::admission::{self, Refusal, SIGN_IN_PATHS};
use crate::app::ports::RateLimits;
use crate::domain::breaker::{Admission, Breaker};
use crate::domain::client_address::{
    CLIENT_ADDRESS_HEADER, PROXY_TOKEN_HEADER, client_address, throttling_key,
};
use crate::domain::limits::{Decision, seconds_up};
use crate::domain::routing::{Route, route_for};
use crate::settings::GatewaySettings;
use edu_jwt::KeyCache;

#[derive(Debug)]
pub struct Upstream {
    pub base: String,
    pub host: String,
    pub breaker: Breaker,
}

pub struct Gateway {
    pub settings: GatewaySettings,
    pub upstreams: HashMap<String, Upstream>,
    pub keys: KeyCache,
    pub limiter: Arc<dyn RateLimits>,
    pub client: HttpClient,
    /// `/openapi/composed.json`, rebuilt at most once a minute (`crate::composed`).
    pub composed_cache: tokio::sync::Mutex<Option<(Instant, serde_json::Value)>>,
}

impl std::fmt::Debug for Gateway {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gateway")
            .field("routes", &self.settings.routes)
            .finish_non_exhaustive()
    }
}

impl Gateway {
    pub fn new(settings: GatewaySettings, keys: KeyCache, limiter: Arc<dyn RateLimits>) -> Self {
        let upstreams = settings
            .upstreams
            .iter()
            .map(|(name, base)| {
                let host = base.split_once("://").map_or(base.as_str(), |(_, h)| h);
                let upstream = Upstream {
                    base: base.clone(),
                    host: host.trim_end_matches('/').to_owned(),
                    breaker: Breaker::new(settings.breaker_failures, settings.breaker_open_for),
                };
                (name.clone(), upstream)
            })
            .collect();
        let client = proxy::client(settings.upstream_timeout.min(Duration::from_secs(2)));
        Self {
            settings,
            upstreams,
            keys,
            limiter,
            client,
            composed_cache: tokio::sync::Mutex::new(None),
        }
    }

    pub fn route_for(&self, path: &str) -> Option<&Route> {
        route_for(&self.settings.routes, path)
    }
}

/// Every path the gateway does not serve itself goes through here.
pub async fn handle(
    State(gateway): State<Arc<Gateway>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: Request,
) -> Response {
    let (mut parts, body) = request.into_parts();
    let mut body = Some(body);
    // A WebSocket handshake (messaging's /ws) keeps the client's side of the upgrade.
    let upgrade = if upstream_ws::asks_for_websocket(&parts.headers) {
        parts.extensions.remove::<OnUpgrade>()
    } else {
        None
    };
    match pass(&gateway, peer, &parts, &mut body, upgrade).await {
        Ok(response) => response,
        Err(response) => after_refusal(response, body, gateway.settings.max_body_bytes).await,
    }
}

/// How long a refused request's body may take to arrive before the connection is given up.
const DRAIN_LIMIT: Duration = Duration::from_secs(1);

/// A refusal sent before the request's body was read (401, 429, the open circuit's 503) must
/// leave the connection usable: hyper closes a connection whose request body was not read, and
/// a client that reused it for its next request got no answer at all (chaos 05 found it; ADR
/// 0016). The body, small by then (its declared size was checked), is read and dropped; when it
/// cannot be (too large, too slow, broken) the answer says `connection: close` so that no client
/// sends another request on it.
async fn after_refusal(mut response: Response, body: Option<Body>, limit: u64) -> Response {
    let Some(body) = body else {
        return response;
    };
    let cap = usize::try_from(limit).unwrap_or(usize::MAX);
    let drained = tokio::time::timeout(DRAIN_LIMIT, Limited::new(body, cap).collect()).await;
    if !matches!(drained, Ok(Ok(_))) {
        close_after(&mut response);
    }
    response
}

fn close_after(response: &mut Response) {
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
}

async fn pass(
    gateway: &Gateway,
    peer: SocketAddr,
    request: &Parts,
    body: &mut Option<Body>,
    upgrade: Option<OnUpgrade>,
) -> Result<Response, Response> {
    let settings = &gateway.settings;
    refuse_cross_origin_preflight(request)?;
    refuse_large_headers(request, settings.max_header_bytes)?;
    let path = request.uri.path().to_owned();
    let route = gateway.route_for(&path).ok_or_else(|| {
        Problem::new(StatusCode::NOT_FOUND, format!("Nothing lives at {path}."))
            .with_instance(path.clone())
            .into_response()
    })?;
    let upstream = gateway.upstreams.get(&route.upstream).ok_or_else(|| {
        ApiError::Internal(format!("route {} names no upstream", route.prefix)).into_response()
    })?;
    if let Err(mut response) = refuse_declared_large_body(request, settings.max_body_bytes) {
        body.take(); // not read: the connection cannot carry another request
        close_after(&mut response);
        return Err(response);
    }
    let authorization = request
        .headers
        .get(header::AUTHORIZATION)
        .map(|value| value.to_str().unwrap_or("not text").to_owned());
    let principal = admission::authenticate(&gateway.keys, authorization.as_deref())
        .await
        .map_err(refused)?;
    let headers = &request.headers;
    let client = client_address(
        headers
            .get(CLIENT_ADDRESS_HEADER)
            .map(HeaderValue::as_bytes),
        headers.get(PROXY_TOKEN_HEADER).map(HeaderValue::as_bytes),
        peer.ip(),
        settings.proxy_token.expose(),
    );
    let sign_in = request.method == Method::POST && SIGN_IN_PATHS.contains(&path.as_str());
    let throttled = throttling_key(client);
    let decision = admission::limit(
        gateway.limiter.as_ref(),
        &settings.limits,
        sign_in,
        principal.as_ref(),
        &throttled,
    )
    .await
    .map_err(refused)?;

    if let Admission::Refused { retry_after } = upstream.breaker.admit(Instant::now()) {
        return Err(unavailable(&route.upstream, retry_after));
    }
    let body = read_body(body.take().unwrap_or_default(), settings.max_body_bytes).await?;
    let mut outgoing = Outgoing {
        method: request.method.clone(),
        path_and_query: request
            .uri
            .path_and_query()
            .map_or_else(|| path.clone(), ToString::to_string),
        headers: proxy::upstream_headers(
            &request.headers,
            client,
            settings.proxy_token.expose(),
            &upstream.host,
        ),
        body,
    };
    if upgrade.is_some() {
        upstream_ws::add_handshake_headers(&mut outgoing.headers);
    }
    let outcome = proxy::forward(
        &gateway.client,
        &upstream.base,
        &outgoing,
        settings.upstream_timeout,
    )
    .await;
    let mut response = match outcome {
        Ok(response) => {
            let failed = matches!(response.status().as_u16(), 502..=504);
            upstream.breaker.record(!failed, Instant::now());
            match upgrade {
                Some(client) => upstream_ws::join_if_switched(client, response),
                None => response,
            }
        }
        Err(error) => {
            upstream.breaker.record(false, Instant::now());
            return Err(forward_problem(&route.upstream, &error));
        }
    };
    if let Some(decision) = decision {
        add_rate_headers(&mut response, &decision);
    }
    Ok(response)
}

fn refuse_cross_origin_preflight(request: &Parts) -> Result<(), Response> {
    let preflight = request.method == Method::OPTIONS
        && request.headers.contains_key(header::ORIGIN)
        && request
            .headers
            .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
    if preflight {
        return Err(Problem::new(
            StatusCode::FORBIDDEN,
            "Cross-origin requests are not allowed: the platform's pages and APIs share one origin.",
        )
        .into_response());
    }
    Ok(())
}

fn refuse_large_headers(request: &Parts, limit: usize) -> Result<(), Response> {
    let size: usize = request
        .headers
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len() + 4)
        .sum();
    if size > limit {
        return Err(Problem::new(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            format!("The request's headers are {size} bytes; at most {limit} are accepted."),
        )
        .into_response());
    }
    Ok(())
}

fn too_large(limit: u64) -> Response {
    Problem::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        format!("The request body is larger than the {limit} bytes accepted."),
    )
    .into_response()
}

/// A declared `Content-Length` over the limit is refused before a byte of the body is read.
fn refuse_declared_large_body(request: &Parts, limit: u64) -> Result<(), Response> {
    let declared = request
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    match declared {
        Some(length) if length > limit => Err(too_large(limit)),
        _ => Ok(()),
    }
}

/// Reads a body of unknown length (chunked) up to the limit; more is refused mid-stream.
async fn read_body(body: Body, limit: u64) -> Result<bytes::Bytes, Response> {
    let cap = usize::try_from(limit).unwrap_or(usize::MAX);
    match Limited::new(body, cap).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        // The rest of the body was not read: the connection cannot carry another request.
        Err(error) if error.is::<http_body_util::LengthLimitError>() => {
            let mut response = too_large(limit);
            close_after(&mut response);
            Err(response)
        }
        Err(_) => {
            let mut response = Problem::new(
                StatusCode::BAD_REQUEST,
                "The request body could not be read.",
            )
            .into_response();
            close_after(&mut response);
            Err(response)
        }
    }
}

/// The answer to a request the admission use cases stopped.
fn refused(refusal: Refusal) -> Response {
    match refusal {
        Refusal::MalformedAuthorization => ApiError::Unauthenticated(
            "The Authorization header must read `Bearer <access token>`.".into(),
        )
        .into_response(),
        Refusal::InvalidToken(reason) => {
            ApiError::Unauthenticated(format!("The access token is not valid ({reason})."))
                .into_response()
        }
        Refusal::Limited(decision) => {
            let mut response = ApiError::TooManyRequests {
                detail: format!(
                    "Too many requests: at most {} a minute here. Try again in {} s.",
                    decision.limit,
                    seconds_up(decision.retry_after)
                ),
                retry_after: seconds_up(decision.retry_after),
            }
            .into_response();
            add_rate_headers(&mut response, &decision);
            response
        }
        Refusal::SignInPaused => ApiError::Unavailable {
            detail: "Signing in is paused for a moment: the rate limiter cannot be reached.".into(),
            retry_after: 5,
        }
        .into_response(),
    }
}

fn add_rate_headers(response: &mut Response, decision: &Decision) {
    let headers = response.headers_mut();
    for (name, value) in [
        ("ratelimit-limit", decision.limit.to_string()),
        ("ratelimit-remaining", decision.remaining.to_string()),
        (
            "ratelimit-reset",
            seconds_up(decision.reset_after).to_string(),
        ),
    ] {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(name, value);
        }
    }
}

fn unavailable(upstream: &str, retry_after: Duration) -> Response {
    ApiError::Unavailable {
        detail: format!(
            "{upstream} is not answering; the gateway stopped sending it requests for a moment."
        ),
        retry_after: seconds_up(retry_after),
    }
    .into_response()
}

fn forward_problem(upstream: &str, error: &ForwardError) -> Response {
    let status = match error {
        ForwardError::TimedOut(_) => StatusCode::GATEWAY_TIMEOUT,
        ForwardError::Unreachable | ForwardError::Broken(_) => StatusCode::BAD_GATEWAY,
    };
    Problem::new(status, format!("{upstream}: {error}."))
        .with_header(header::RETRY_AFTER, "1")
        .into_response()
}

/// The router: the gateway's own endpoints, everything else forwarded.
pub fn router(gateway: &Arc<Gateway>) -> Router {
    let forwarded = Router::new().fallback(handle).with_state(gateway.clone());
    own_routes::routes(gateway)
        .merge(forwarded)
        .layer(axum::middleware::from_fn(
            edu_common::request_id::middleware,
        ))
}
