//! The request id that ties log lines and error answers to one request, as in Python's
//! `edu.common.request_context`: a well-formed `X-Request-Id` from the caller is kept, anything
//! else is replaced by a new one; the id is echoed on the response, put on the request's tracing
//! span (so on every log line) and stamped on problem answers.

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument;

pub const REQUEST_ID_HEADER: &str = "x-request-id";

tokio::task_local! {
    static REQUEST_ID: String;
}

/// The id of the request being handled on this task, if any.
pub fn current_request_id() -> Option<String> {
    REQUEST_ID.try_with(Clone::clone).ok()
}

/// A fresh id: 32 lowercase hex digits, like Python's `uuid4().hex`.
pub fn new_request_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// 1 to 128 characters of `A-Z a-z 0-9 . _ -`: what we accept from a caller.
pub fn is_valid_request_id(candidate: &str) -> bool {
    (1..=128).contains(&candidate.len())
        && candidate
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// Runs `future` as if it handled the request `request_id` (workers, tests).
pub async fn with_request_id<F: Future>(request_id: String, future: F) -> F::Output {
    REQUEST_ID.scope(request_id, future).await
}

/// axum middleware: `Router::layer(axum::middleware::from_fn(request_id::middleware))`.
pub async fn middleware(mut request: Request, next: Next) -> Response {
    let incoming = request
        .headers()
        .get(REQUEST_ID_HEADER)
        .and_then(|value| value.to_str().ok())
        .filter(|value| is_valid_request_id(value));
    let request_id = incoming.map_or_else(new_request_id, str::to_owned);
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        request.headers_mut().insert(REQUEST_ID_HEADER, value);
    }
    let span = tracing::info_span!(
        "request",
        request_id = %request_id,
        method = %request.method(),
        path = %request.uri().path(),
    );
    let mut response = REQUEST_ID
        .scope(request_id.clone(), next.run(request).instrument(span))
        .await;
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert(REQUEST_ID_HEADER, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::Router;
    use axum::body::Body;
    use axum::http::StatusCode;
    use axum::routing::get;
    use tower::ServiceExt;

    use crate::problem::ApiError;

    fn app() -> Router {
        Router::new()
            .route(
                "/echo",
                get(|| async { current_request_id().unwrap_or_default() }),
            )
            .route(
                "/fail",
                get(|| async { Err::<(), _>(ApiError::NotFound("no such course".into())) }),
            )
            .layer(axum::middleware::from_fn(middleware))
    }

    async fn call(path: &str, request_id: Option<&str>) -> Response {
        let mut request = axum::http::Request::get(path);
        if let Some(id) = request_id {
            request = request.header(REQUEST_ID_HEADER, id);
        }
        app()
            .oneshot(request.body(Body::empty()).unwrap())
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn keeps_a_well_formed_id_from_the_caller() {
        let response = call("/echo", Some("abc-123.X_y")).await;
        assert_eq!(response.headers()[REQUEST_ID_HEADER], "abc-123.X_y");
    }

    #[tokio::test]
    async fn replaces_a_malformed_id_with_a_new_one() {
        for bad in ["has space", "<script>", &"x".repeat(129)] {
            let response = call("/echo", Some(bad)).await;
            let echoed = response.headers()[REQUEST_ID_HEADER].to_str().unwrap();
            assert_ne!(echoed, bad);
            assert_eq!(echoed.len(), 32, "{echoed}");
        }
    }

    #[tokio::test]
    async fn problem_answers_carry_the_request_id() {
        let response = call("/fail", Some("trace-me")).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        let bytes = http_body_util::BodyExt::collect(response.into_body())
            .await
            .unwrap()
            .to_bytes();
        let body: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(body["request_id"], "trace-me");
        assert_eq!(body["detail"], "no such course");
    }

    #[test]
    fn there_is_no_request_id_outside_a_request() {
        assert_eq!(current_request_id(), None);
    }
}
