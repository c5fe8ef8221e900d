//! WebSocket upgrades passed through (messaging's `/ws`, issue 24): the handshake is forwarded
//! like any GET but keeps its `Connection: upgrade` / `Upgrade: websocket`; when the upstream
//! switches protocols (101), the client's and the upstream's connections are joined byte for
//! byte until either side closes. The gateway reads no frame: the protocol, its token checks
//! and close codes stay the upstream's.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use hyper::upgrade::OnUpgrade;
use hyper_util::rt::TokioIo;

/// Whether the request asks to switch to the WebSocket protocol (RFC 6455 section 4.1).
pub fn asks_for_websocket(headers: &HeaderMap) -> bool {
    let has_token = |name: header::HeaderName, token: &str| {
        headers.get_all(name).iter().any(|value| {
            value.to_str().is_ok_and(|text| {
                text.split(',')
                    .any(|part| part.trim().eq_ignore_ascii_case(token))
            })
        })
    };
    has_token(header::CONNECTION, "upgrade") && has_token(header::UPGRADE, "websocket")
}

/// The hop-by-hop headers of a WebSocket handshake, put back after the generic forwarding
/// removed them.
pub fn add_handshake_headers(headers: &mut HeaderMap) {
    headers.insert(header::CONNECTION, HeaderValue::from_static("upgrade"));
    headers.insert(header::UPGRADE, HeaderValue::from_static("websocket"));
}

/// When the upstream switched protocols, joins the two connections in a task of their own and
/// returns the 101 to send to the client; any other answer is returned as it is.
pub fn join_if_switched(client: OnUpgrade, mut response: Response) -> Response {
    if response.status() != StatusCode::SWITCHING_PROTOCOLS {
        return response;
    }
    let upstream = hyper::upgrade::on(&mut response);
    add_handshake_headers(response.headers_mut());
    tokio::spawn(async move {
        let (client, upstream) = match tokio::try_join!(client, upstream) {
            Ok(both) => both,
            Err(error) => {
                tracing::warn!(%error, "a WebSocket upgrade did not complete");
                return;
            }
        };
        let (mut client, mut upstream) = (TokioIo::new(client), TokioIo::new(upstream));
        match tokio::io::copy_bidirectional(&mut client, &mut upstream).await {
            Ok((sent, received)) => tracing::debug!(sent, received, "WebSocket closed"),
            Err(error) => tracing::debug!(%error, "WebSocket ended"),
        }
    });
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn a_websocket_handshake_is_recognised_whatever_the_case_and_list() {
        assert!(asks_for_websocket(&headers(&[
            ("connection", "keep-alive, Upgrade"),
            ("upgrade", "WebSocket"),
        ])));
        assert!(asks_for_websocket(&headers(&[
            ("connection", "upgrade"),
            ("upgrade", "websocket"),
        ])));
    }

    #[test]
    fn other_requests_and_other_upgrades_are_not_websockets() {
        assert!(!asks_for_websocket(&headers(&[("upgrade", "websocket")])));
        assert!(!asks_for_websocket(&headers(&[("connection", "upgrade")])));
        assert!(!asks_for_websocket(&headers(&[
            ("connection", "upgrade"),
            ("upgrade", "h2c"),
        ])));
    }
}
