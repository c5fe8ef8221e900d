//! Playback: signed links for the teacher and enrolled students, and the files they open.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::auth::authenticate;
use super::uploads::{VideoOut, not_found};
use super::{State as ApiState, problem};
use crate::app::videos::{Served, VideoError};

/// Signed, expiring links to a video's files (paths on this service).
#[derive(Debug, Serialize, ToSchema)]
pub struct PlaybackOut {
    pub video: VideoOut,
    /// When the links stop working (Unix seconds).
    pub expires_at: u64,
    /// The HLS master playlist; null until the video is ready.
    pub master_playlist_url: Option<String>,
    /// The poster JPEG; null until the video is ready.
    pub poster_url: Option<String>,
    /// The uploaded original (byte ranges answered 206).
    pub original_url: String,
    /// The caption tracks (`WebVTT`, `text/vtt`), by language: for `<track kind="captions">`.
    pub captions: Vec<CaptionLinkOut>,
}

/// A caption track and its signed link.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaptionLinkOut {
    /// The language tag (`en`, `el`): the track's `srclang`.
    pub language: String,
    /// The track's `label`.
    pub label: String,
    /// The `WebVTT` file (same expiry as the other links).
    pub url: String,
}

pub(super) async fn links(
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
    match api.videos.links(&caller, id).await {
        Ok(links) => axum::Json(PlaybackOut {
            video: VideoOut::of(&links.video),
            expires_at: links.expires_at,
            master_playlist_url: links.master_playlist,
            poster_url: links.poster,
            original_url: links.original,
            captions: links
                .captions
                .into_iter()
                .map(|(caption, url)| CaptionLinkOut {
                    language: caption.language,
                    label: caption.label,
                    url,
                })
                .collect(),
        })
        .into_response(),
        Err(error) => problem(error),
    }
}

pub(super) fn served(file: Served) -> Response {
    let (status, length) = match file.part {
        Some((_, length)) => (StatusCode::PARTIAL_CONTENT, length),
        None => (StatusCode::OK, file.size),
    };
    let mut response = Response::new(Body::from_stream(file.body));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&file.content_type) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    headers.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=300"),
    );
    if let Some((start, length)) = file.part
        && let Ok(value) = HeaderValue::from_str(&format!(
            "bytes {start}-{}/{}",
            start + length - 1,
            file.size
        ))
    {
        headers.insert(header::CONTENT_RANGE, value);
    }
    response
}

/// An expiry that is not a number cannot have been signed.
pub(super) fn mismatch() -> Response {
    problem(VideoError::BadSignature(
        crate::domain::signing::SignatureError::Mismatch,
    ))
}

pub(super) async fn original(
    State(api): State<ApiState>,
    Path((expires, signature, raw)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> Response {
    let Ok(expires) = expires.parse::<u64>() else {
        return mismatch();
    };
    let Ok(id) = Uuid::parse_str(&raw) else {
        return not_found();
    };
    let range = headers.get(header::RANGE).and_then(|v| v.to_str().ok());
    match api.videos.original(id, expires, &signature, range).await {
        Ok(file) => served(file),
        Err(error) => problem(error),
    }
}

pub(super) async fn hls(
    State(api): State<ApiState>,
    Path((expires, signature, raw, file)): Path<(String, String, String, String)>,
) -> Response {
    let Ok(expires) = expires.parse::<u64>() else {
        return mismatch();
    };
    let Ok(id) = Uuid::parse_str(&raw) else {
        return not_found();
    };
    match api.videos.hls_file(id, expires, &signature, &file).await {
        Ok(file) => served(file),
        Err(error) => problem(error),
    }
}
