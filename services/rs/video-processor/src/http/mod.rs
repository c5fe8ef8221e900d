//! HTTP: uploads (`/videos…`), caption tracks (`/videos/{id}/captions/{language}`), playback links and the signed files (`/play/…`), `/health`,
//! `/ready`, `/openapi.json`. Every refusal is problem+json: 413/415 before a byte is stored,
//! 409 a wrong offset (with `Upload-Offset`), 422 a bad checksum, 403 a bad or expired
//! signature, 416 a range past the end.

pub mod auth;
pub mod captions;
pub mod openapi;
pub mod playback;
pub mod uploads;

use std::sync::Arc;

use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use edu_common::health::Check;
use edu_common::problem::{ApiError, FieldProblem, Problem, method_not_allowed};
use edu_jwt::KeyCache;

use crate::app::videos::{VideoError, Videos};
use crate::domain::signing::SignatureError;
use crate::domain::video::Refusal;

#[derive(Debug)]
pub struct VideoApi {
    pub videos: Videos,
    pub keys: KeyCache,
}

pub type State = Arc<VideoApi>;

pub fn router(state: &State, checks: Vec<Box<dyn Check>>) -> Router {
    let api = Router::new()
        .route(
            "/videos",
            post(uploads::create).fallback(method_not_allowed),
        )
        .route(
            "/videos/{video_id}",
            get(uploads::read).fallback(method_not_allowed),
        )
        .route(
            "/videos/{video_id}/content",
            put(uploads::put_chunk).fallback(method_not_allowed),
        )
        .route(
            "/videos/{video_id}/complete",
            post(uploads::complete).fallback(method_not_allowed),
        )
        .route(
            "/videos/{video_id}/playback",
            get(playback::links).fallback(method_not_allowed),
        )
        .route(
            "/videos/{video_id}/captions/{language}",
            put(captions::put).fallback(method_not_allowed),
        )
        .route(
            "/play/{expires}/{signature}/{video_id}/captions/{file}",
            get(captions::file).fallback(method_not_allowed),
        )
        .route(
            "/play/{expires}/{signature}/{video_id}/original",
            get(playback::original).fallback(method_not_allowed),
        )
        .route(
            "/play/{expires}/{signature}/{video_id}/hls/{*file}",
            get(playback::hls).fallback(method_not_allowed),
        )
        .with_state(state.clone());
    edu_common::service::router(api, checks, openapi::document)
}

/// The answer to a use case's error.
pub(crate) fn problem(error: VideoError) -> Response {
    match error {
        VideoError::Refused(refusal) => refused(refusal),
        VideoError::NotFound => ApiError::NotFound("No such video.".into()).into_response(),
        VideoError::Forbidden(detail) => ApiError::PermissionDenied(detail).into_response(),
        VideoError::BadSignature(why) => {
            let detail = match why {
                SignatureError::Expired => "The link has expired; ask for a new one.",
                SignatureError::Mismatch => "The link's signature does not match it.",
            };
            ApiError::PermissionDenied(detail.into()).into_response()
        }
        VideoError::Unsatisfiable(size) => Problem::new(
            StatusCode::RANGE_NOT_SATISFIABLE,
            format!("The range starts past the end of the {size} bytes."),
        )
        .with_header(header::CONTENT_RANGE, &format!("bytes */{size}"))
        .into_response(),
        VideoError::Unavailable(cause) => {
            tracing::warn!(%cause, "a dependency is unavailable");
            ApiError::Unavailable {
                detail: "A service videos depend on is not answering; try again shortly.".into(),
                retry_after: 2,
            }
            .into_response()
        }
    }
}

fn refused(refusal: Refusal) -> Response {
    match refusal {
        Refusal::TooLarge(detail) => {
            Problem::new(StatusCode::PAYLOAD_TOO_LARGE, detail).into_response()
        }
        Refusal::UnsupportedType(detail) => {
            Problem::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, detail).into_response()
        }
        Refusal::Invalid(field, message) => ApiError::InvalidInput {
            detail: "Some values are not valid.".into(),
            errors: vec![FieldProblem::new(field, message)],
        }
        .into_response(),
        Refusal::WrongOffset { detail, expected } => Problem::new(StatusCode::CONFLICT, detail)
            .with_header(
                header::HeaderName::from_static("upload-offset"),
                &expected.to_string(),
            )
            .into_response(),
        Refusal::WrongState(detail) => ApiError::Conflict(detail).into_response(),
        Refusal::ChecksumMismatch(detail) => ApiError::InvalidInput {
            detail,
            errors: Vec::new(),
        }
        .into_response(),
    }
}
