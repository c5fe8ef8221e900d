//! Teachers' uploads: declare, send chunks, complete, read back.

use std::time::SystemTime;

use axum::body::Body;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use edu_common::problem::{ApiError, FieldProblem, JsonBody};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::auth::authenticate;
use super::{State as ApiState, problem};
use crate::domain::video::{Declared, Refusal, Video};

/// What a teacher declares before sending a byte.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UploadIn {
    /// The course (one the caller teaches).
    #[schema(format = "uuid")]
    pub course_id: String,
    /// A lesson of that course.
    #[schema(format = "uuid")]
    pub lesson_id: String,
    /// The file's size in bytes (at most `EDU_VIDEO_MAX_BYTES`, 2 GiB by default).
    #[schema(minimum = 1)]
    #[serde(deserialize_with = "whole_number")]
    pub size_bytes: u64,
    /// `video/mp4`, `video/webm` or `video/quicktime`.
    #[schema(example = "video/mp4")]
    pub content_type: String,
    /// The whole file's SHA-256 (64 hex digits); checked when the upload is completed.
    #[schema(pattern = "^[0-9a-fA-F]{64}$")]
    pub sha256: String,
}

/// A JSON Schema integer as JSON writes it: `109` and `109.0` alike (the schema says
/// `integer`, which both are); a fraction or a negative number is refused.
fn whole_number<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<u64, D::Error> {
    /// Every whole number up to 2^53 is exact as a double.
    const EXACT: f64 = 9_007_199_254_740_992.0;
    let number = serde_json::Number::deserialize(deserializer)?;
    let whole = number.as_u64().or_else(|| {
        let float = number
            .as_f64()
            .filter(|f| f.fract() == 0.0 && (0.0..=EXACT).contains(f))?;
        format!("{float:.0}").parse().ok()
    });
    whole
        .ok_or_else(|| serde::de::Error::custom(format!("{number} is not a whole number of bytes")))
}

/// One rendition of a ready video.
#[derive(Debug, Serialize, ToSchema)]
pub struct RenditionOut {
    pub height: u32,
    pub width: u32,
}

/// A video as its teacher sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct VideoOut {
    #[schema(format = "uuid")]
    pub id: String,
    #[schema(format = "uuid")]
    pub course_id: String,
    #[schema(format = "uuid")]
    pub lesson_id: String,
    /// `uploading`, `processing` (transcoding), `ready` or `failed`.
    pub status: String,
    pub content_type: String,
    pub size_bytes: u64,
    /// Bytes received so far: where the next chunk starts.
    pub received_bytes: u64,
    /// Transcoding progress, 0-100.
    pub progress_percent: u32,
    /// Why transcoding failed, in words the teacher reads; null unless failed.
    pub failure_reason: Option<String>,
    /// The ladder once ready, lowest first.
    pub renditions: Vec<RenditionOut>,
    /// The video's length once ready.
    pub duration_ms: Option<u64>,
    /// Where chunks go: `PUT` with `?offset=` and `Chunk-SHA256`.
    pub upload_url: String,
    pub created_at: String,
    pub updated_at: String,
}

fn rfc3339(time: SystemTime) -> String {
    prost_types::Timestamp::from(time).to_string()
}

impl VideoOut {
    pub fn of(video: &Video) -> Self {
        let ladder = video.ladder.as_ref();
        let renditions = ladder
            .and_then(|l| l["renditions"].as_array())
            .map(|items| {
                items
                    .iter()
                    .map(|r| RenditionOut {
                        height: r["height"]
                            .as_u64()
                            .and_then(|h| u32::try_from(h).ok())
                            .unwrap_or(0),
                        width: r["width"]
                            .as_u64()
                            .and_then(|w| u32::try_from(w).ok())
                            .unwrap_or(0),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let duration_ms = ladder
            .and_then(|l| l["duration_ms"].as_str())
            .and_then(|d| d.parse().ok());
        Self {
            id: video.id.to_string(),
            course_id: video.course_id.to_string(),
            lesson_id: video.lesson_id.to_string(),
            status: video.status.as_str().into(),
            content_type: video.content_type.clone(),
            size_bytes: video.size_bytes,
            received_bytes: video.received_bytes,
            progress_percent: video.progress_percent,
            failure_reason: video.failure_reason.clone(),
            renditions,
            duration_ms,
            upload_url: format!("/videos/{}/content", video.id),
            created_at: rfc3339(video.created_at),
            updated_at: rfc3339(video.updated_at),
        }
    }
}

fn answer(status: StatusCode, video: &Video) -> Response {
    let mut response = (status, axum::Json(VideoOut::of(video))).into_response();
    response.headers_mut().insert(
        header::HeaderName::from_static("upload-offset"),
        HeaderValue::from(video.received_bytes),
    );
    if status == StatusCode::CREATED
        && let Ok(location) = HeaderValue::from_str(&format!("/videos/{}", video.id))
    {
        response.headers_mut().insert(header::LOCATION, location);
    }
    response
}

/// A malformed id names no video: 404, as payment-engine answers.
pub(super) fn not_found() -> Response {
    problem(crate::app::videos::VideoError::NotFound)
}

pub(super) async fn create(
    State(api): State<ApiState>,
    headers: HeaderMap,
    JsonBody(body): JsonBody<UploadIn>,
) -> Response {
    let caller = match authenticate(&api.keys, &headers).await {
        Ok(caller) => caller,
        Err(error) => return error.into_response(),
    };
    let (Ok(course_id), Ok(lesson_id)) = (
        Uuid::parse_str(&body.course_id),
        Uuid::parse_str(&body.lesson_id),
    ) else {
        let field = if Uuid::parse_str(&body.course_id).is_err() {
            "body.course_id"
        } else {
            "body.lesson_id"
        };
        return invalid(field, "a UUID");
    };
    let declared = Declared {
        course_id,
        lesson_id,
        size_bytes: body.size_bytes,
        content_type: body.content_type,
        sha256: body.sha256,
    };
    match api.videos.create(&caller, &declared).await {
        Ok(video) => answer(StatusCode::CREATED, &video),
        Err(error) => problem(error),
    }
}

pub(super) async fn read(
    State(api): State<ApiState>,
    Path(raw): Path<String>,
    headers: HeaderMap,
) -> Response {
    let caller = match authenticate(&api.keys, &headers).await {
        Ok(caller) => caller,
        Err(error) => return error.into_response(),
    };
    let Ok(id) = Uuid::parse_str(&raw) else {
        return not_found();
    };
    match api.videos.own(&caller, id).await {
        Ok(video) => answer(StatusCode::OK, &video),
        Err(error) => problem(error),
    }
}

#[derive(Debug, Deserialize)]
pub(super) struct ChunkQuery {
    offset: u64,
}

fn invalid(field: &str, message: &str) -> Response {
    ApiError::InvalidInput {
        detail: "Some values are not valid.".into(),
        errors: vec![FieldProblem::new(field, message)],
    }
    .into_response()
}

pub(super) async fn put_chunk(
    State(api): State<ApiState>,
    Path(raw): Path<String>,
    query: Result<Query<ChunkQuery>, QueryRejection>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let caller = match authenticate(&api.keys, &headers).await {
        Ok(caller) => caller,
        Err(error) => return error.into_response(),
    };
    let Ok(id) = Uuid::parse_str(&raw) else {
        return not_found();
    };
    let Ok(Query(ChunkQuery { offset })) = query else {
        return invalid("offset", "the byte the chunk starts at, a whole number");
    };
    let Some(checksum) = headers.get("chunk-sha256").and_then(|v| v.to_str().ok()) else {
        return invalid("Chunk-SHA256", "the chunk's SHA-256 as 64 hex digits");
    };
    let checksum = checksum.trim().to_owned();
    let limit = api.videos.limits().max_chunk_bytes;
    // Before a byte is read: a declared length over the limit, or the wrong offset.
    let declared_length = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if let Some(length) = declared_length
        && let Err(error) = api.videos.check_chunk(&caller, id, offset, length).await
    {
        return problem(error);
    }
    let Ok(limit_usize) = usize::try_from(limit) else {
        return ApiError::Internal("the chunk limit does not fit in memory".into()).into_response();
    };
    let Ok(bytes) = axum::body::to_bytes(body, limit_usize).await else {
        return problem(Refusal::TooLarge(format!("A chunk is at most {limit} bytes.")).into());
    };
    match api
        .videos
        .put_chunk(&caller, id, offset, &checksum, bytes)
        .await
    {
        Ok(video) => answer(StatusCode::OK, &video),
        Err(error) => problem(error),
    }
}

pub(super) async fn complete(
    State(api): State<ApiState>,
    Path(raw): Path<String>,
    headers: HeaderMap,
) -> Response {
    let caller = match authenticate(&api.keys, &headers).await {
        Ok(caller) => caller,
        Err(error) => return error.into_response(),
    };
    let Ok(id) = Uuid::parse_str(&raw) else {
        return not_found();
    };
    match api.videos.complete(&caller, id).await {
        Ok(video) => answer(StatusCode::OK, &video),
        Err(error) => problem(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn declared(size: &str) -> Result<UploadIn, serde_json::Error> {
        serde_json::from_str(&format!(
            r#"{{"course_id": "c", "lesson_id": "l", "size_bytes": {size},
                "content_type": "video/mp4", "sha256": "ab"}}"#
        ))
    }

    #[test]
    fn a_size_written_with_a_decimal_point_is_the_same_whole_number() {
        assert_eq!(declared("109").unwrap().size_bytes, 109);
        assert_eq!(declared("109.0").unwrap().size_bytes, 109);
        assert_eq!(declared("1e3").unwrap().size_bytes, 1000);
    }

    #[test]
    fn a_fraction_a_negative_size_or_text_is_refused() {
        for size in ["109.5", "-1", "-1.0", "\"109\"", "1e300"] {
            assert!(declared(size).is_err(), "{size} was taken as a size");
        }
    }
}
