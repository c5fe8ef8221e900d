//! RFC 9457 problem details, answered as `application/problem+json` with the same fields and
//! `type` URIs as `edu.common.http_problems` (Python): a client cannot tell which language
//! answered. Handlers return [`ApiError`]; bodies are read through [`JsonBody`], whose
//! rejections become 400/415/422 problems with a message a person understands; [`fallback`]
//! and [`method_not_allowed`] answer unknown paths and methods the same way.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use crate::request_id::current_request_id;

pub const PROBLEM_JSON: &str = "application/problem+json";
pub const PROBLEM_TYPE_BASE: &str = "https://docs.eduplatform.dev/problems/";

/// The slug and title of each status, the table Python's `_STATUS_TITLES` has.
pub fn status_slug_and_title(status: StatusCode) -> (&'static str, &'static str) {
    match status.as_u16() {
        400 => ("bad-request", "Bad request"),
        401 => ("unauthenticated", "Authentication required"),
        403 => ("forbidden", "Not allowed"),
        404 => ("not-found", "Not found"),
        405 => ("method-not-allowed", "Method not allowed"),
        406 => ("not-acceptable", "Not acceptable"),
        409 => ("conflict", "Conflict with the current state"),
        413 => ("payload-too-large", "Request body too large"),
        415 => ("unsupported-media-type", "Unsupported media type"),
        422 => ("invalid-input", "The request has invalid values"),
        429 => ("too-many-requests", "Too many requests"),
        500 => ("internal-error", "Internal error"),
        503 => ("unavailable", "Service unavailable"),
        _ => ("error", "Error"),
    }
}

/// One thing wrong with one input field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldProblem {
    pub field: String,
    pub message: String,
}

impl FieldProblem {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// The body of every error answer (RFC 9457 problem details).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Problem {
    #[serde(rename = "type")]
    pub type_uri: String,
    pub title: String,
    pub status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<FieldProblem>>,
    #[serde(skip)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    headers: Vec<(header::HeaderName, HeaderValue)>,
}

impl Problem {
    /// A problem with the status's default slug and title, stamped with the request id.
    pub fn new(status: StatusCode, detail: impl Into<String>) -> Self {
        let (slug, title) = status_slug_and_title(status);
        Self {
            type_uri: format!("{PROBLEM_TYPE_BASE}{slug}"),
            title: title.to_owned(),
            status: status.as_u16(),
            detail: Some(detail.into()),
            instance: None,
            request_id: current_request_id(),
            errors: None,
            headers: Vec::new(),
        }
    }

    #[must_use]
    pub fn with_errors(mut self, errors: Vec<FieldProblem>) -> Self {
        self.errors = (!errors.is_empty()).then_some(errors);
        self
    }

    #[must_use]
    pub fn with_instance(mut self, path: impl Into<String>) -> Self {
        self.instance = Some(path.into());
        self
    }

    /// Adds a response header (`Retry-After`, `Allow`, ...); invalid values are dropped.
    #[must_use]
    pub fn with_header(mut self, name: header::HeaderName, value: &str) -> Self {
        if let Ok(value) = HeaderValue::from_str(value) {
            self.headers.push((name, value));
        }
        self
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let headers = self.headers.clone();
        let mut response = (status, Json(&self)).into_response();
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        for (name, value) in headers {
            response.headers_mut().insert(name, value);
        }
        response
    }
}

/// The errors a handler reports on purpose; each maps to one problem answer.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{detail}")]
    InvalidInput {
        detail: String,
        errors: Vec<FieldProblem>,
    },
    #[error("{0}")]
    Unauthenticated(String),
    #[error("{0}")]
    PermissionDenied(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{detail}")]
    TooManyRequests { detail: String, retry_after: u64 },
    #[error("{detail}")]
    Unavailable { detail: String, retry_after: u64 },
    /// Anything unexpected: logged in full, answered as a 500 that names the request id only.
    #[error("internal error: {0}")]
    Internal(String),
}

impl ApiError {
    pub fn status(&self) -> StatusCode {
        match self {
            Self::InvalidInput { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
            Self::PermissionDenied(_) => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn to_problem(&self) -> Problem {
        let status = self.status();
        match self {
            Self::InvalidInput { detail, errors } => {
                Problem::new(status, detail.clone()).with_errors(errors.clone())
            }
            Self::Unauthenticated(detail) => {
                Problem::new(status, detail.clone()).with_header(header::WWW_AUTHENTICATE, "Bearer")
            }
            Self::TooManyRequests {
                detail,
                retry_after,
            }
            | Self::Unavailable {
                detail,
                retry_after,
            } => Problem::new(status, detail.clone())
                .with_header(header::RETRY_AFTER, &(*retry_after).max(1).to_string()),
            Self::Internal(_) => Problem::new(
                status,
                "Something went wrong on our side; the request id identifies it in our logs.",
            ),
            Self::PermissionDenied(detail) | Self::NotFound(detail) | Self::Conflict(detail) => {
                Problem::new(status, detail.clone())
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let Self::Internal(cause) = &self {
            tracing::error!(cause = %cause, "unexpected error answered as 500");
        }
        self.to_problem().into_response()
    }
}

/// A JSON request body whose rejections are problems: malformed JSON and a missing or wrong
/// `Content-Type` answer 400/415, a well-formed body with wrong values 422 naming the field.
#[derive(Debug, Clone, Copy, Default)]
pub struct JsonBody<T>(pub T);

impl<S, T> FromRequest<S> for JsonBody<T>
where
    Json<T>: FromRequest<S, Rejection = JsonRejection>,
    S: Send + Sync,
{
    type Rejection = Problem;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(request, state).await {
            Ok(Json(value)) => Ok(Self(value)),
            Err(rejection) => Err(json_rejection_problem(&rejection)),
        }
    }
}

/// The problem that answers a JSON body axum could not use.
pub fn json_rejection_problem(rejection: &JsonRejection) -> Problem {
    match rejection {
        JsonRejection::MissingJsonContentType(_) => Problem::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Send the body as JSON with the header Content-Type: application/json.",
        ),
        JsonRejection::JsonDataError(error) => {
            let text = error.body_text();
            let (field, message) = split_serde_path(&text);
            Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "Some values in the body are not valid.",
            )
            .with_errors(vec![FieldProblem::new(field, message)])
        }
        JsonRejection::JsonSyntaxError(_) => Problem::new(
            StatusCode::BAD_REQUEST,
            "The body is not valid JSON; check quotes, commas and brackets.",
        ),
        _ => Problem::new(StatusCode::BAD_REQUEST, "The body could not be read."),
    }
}

/// serde's data errors read "Failed to deserialize the JSON body into the target type:
/// <path>: <message> at line L column C"; the path becomes the problem's `body.<path>` field.
fn split_serde_path(text: &str) -> (String, String) {
    let rest = text
        .split_once("target type: ")
        .map_or(text, |(_, rest)| rest);
    let rest = rest.split(" at line ").next().unwrap_or(rest);
    match rest.split_once(": ") {
        Some((path, message)) if !path.contains(' ') => {
            (format!("body.{path}"), message.to_owned())
        }
        _ => ("body".to_owned(), rest.to_owned()),
    }
}

/// The router's fallback: an unknown path is a 404 problem.
#[allow(clippy::unused_async, reason = "axum takes async fns as handlers")]
pub async fn fallback(uri: axum::http::Uri) -> Problem {
    Problem::new(
        StatusCode::NOT_FOUND,
        format!("Nothing lives at {}.", uri.path()),
    )
    .with_instance(uri.path())
}

/// The router's method-not-allowed fallback: a 405 problem (axum adds `Allow`).
#[allow(clippy::unused_async, reason = "axum takes async fns as handlers")]
pub async fn method_not_allowed(method: axum::http::Method, uri: axum::http::Uri) -> Problem {
    Problem::new(
        StatusCode::METHOD_NOT_ALLOWED,
        format!("{} does not accept {method}.", uri.path()),
    )
    .with_instance(uri.path())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::Router;
    use axum::body::Body;
    use axum::routing::post;
    use http_body_util::BodyExt;
    use tower::ServiceExt;

    async fn answer(router: Router, request: axum::http::Request<Body>) -> (StatusCode, Response) {
        let response = router.oneshot(request).await.unwrap();
        (response.status(), response)
    }

    async fn body_of(response: Response) -> serde_json::Value {
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        serde_json::from_slice(&bytes).unwrap()
    }

    #[derive(Debug, Deserialize)]
    struct SignUp {
        #[allow(dead_code)]
        email: String,
        #[allow(dead_code)]
        age: u8,
    }

    fn app() -> Router {
        Router::new()
            .route(
                "/sign-up",
                post(|JsonBody(_): JsonBody<SignUp>| async { "ok" }),
            )
            .fallback(fallback)
            .method_not_allowed_fallback(method_not_allowed)
    }

    fn post_json(body: &str) -> axum::http::Request<Body> {
        axum::http::Request::post("/sign-up")
            .header("content-type", "application/json")
            .body(Body::from(body.to_owned()))
            .unwrap()
    }

    #[test]
    fn each_error_has_the_python_sides_type_uri_and_status() {
        let cases = [
            (ApiError::NotFound("x".into()), 404, "not-found"),
            (ApiError::Conflict("x".into()), 409, "conflict"),
            (
                ApiError::Unauthenticated("x".into()),
                401,
                "unauthenticated",
            ),
            (ApiError::PermissionDenied("x".into()), 403, "forbidden"),
            (
                ApiError::InvalidInput {
                    detail: "x".into(),
                    errors: vec![],
                },
                422,
                "invalid-input",
            ),
            (
                ApiError::TooManyRequests {
                    detail: "x".into(),
                    retry_after: 3,
                },
                429,
                "too-many-requests",
            ),
            (ApiError::Internal("boom".into()), 500, "internal-error"),
        ];
        for (error, status, slug) in cases {
            let problem = error.to_problem();
            assert_eq!(problem.status, status);
            assert_eq!(problem.type_uri, format!("{PROBLEM_TYPE_BASE}{slug}"));
        }
    }

    #[tokio::test]
    async fn an_internal_error_hides_its_cause_and_answers_problem_json() {
        let response = ApiError::Internal("password=hunter2".into()).into_response();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(response.headers()[header::CONTENT_TYPE], PROBLEM_JSON);
        let body = body_of(response).await;
        assert!(!body.to_string().contains("hunter2"), "{body}");
        assert_eq!(body["title"], "Internal error");
    }

    #[tokio::test]
    async fn too_many_requests_says_when_to_retry() {
        let response = ApiError::TooManyRequests {
            detail: "slow down".into(),
            retry_after: 0,
        }
        .into_response();
        assert_eq!(response.headers()[header::RETRY_AFTER], "1");
    }

    #[tokio::test]
    async fn malformed_json_is_a_400_problem_not_a_500() {
        let (status, response) = answer(app(), post_json("{\"email\": ")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(response.headers()[header::CONTENT_TYPE], PROBLEM_JSON);
        let body = body_of(response).await;
        assert_eq!(body["type"], format!("{PROBLEM_TYPE_BASE}bad-request"));
    }

    #[tokio::test]
    async fn a_wrong_value_is_a_422_naming_the_field() {
        let (status, response) =
            answer(app(), post_json(r#"{"email": "a@b.c", "age": 300}"#)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let body = body_of(response).await;
        assert_eq!(body["errors"][0]["field"], "body.age", "{body}");
    }

    #[tokio::test]
    async fn a_body_without_json_content_type_is_a_415() {
        let request = axum::http::Request::post("/sign-up")
            .body(Body::from("{}"))
            .unwrap();
        let (status, _) = answer(app(), request).await;
        assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    }

    #[tokio::test]
    async fn unknown_paths_and_methods_are_problems() {
        let (status, response) = answer(
            app(),
            axum::http::Request::get("/nowhere")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(body_of(response).await["instance"], "/nowhere");
        let (status, response) = answer(
            app(),
            axum::http::Request::get("/sign-up")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(response.headers()[header::ALLOW], "POST");
    }
}
