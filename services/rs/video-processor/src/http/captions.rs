//! Caption tracks: a teacher's `WebVTT` file per language (`PUT /videos/{id}/captions/{lang}`),
//! served by signed link (`/play/…/{id}/captions/{lang}.vtt`) like the ladder.

use axum::body::Body;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::auth::authenticate;
use super::playback::{mismatch, served};
use super::uploads::not_found;
use super::{State as ApiState, problem};
use crate::domain::captions::{self, Caption, MAX_CAPTION_BYTES};
use crate::domain::video::Refusal;

/// A stored caption track.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaptionOut {
    /// The language tag, normalised (`en`, `el`, `pt-BR`).
    pub language: String,
    /// What the player's caption menu shows.
    pub label: String,
    pub size_bytes: u64,
}

impl CaptionOut {
    fn of(caption: &Caption) -> Self {
        Self {
            language: caption.language.clone(),
            label: caption.label.clone(),
            size_bytes: caption.size_bytes,
        }
    }
}

/// A video's caption tracks.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaptionsOut {
    #[schema(format = "uuid")]
    pub video_id: String,
    /// By language.
    pub captions: Vec<CaptionOut>,
}

#[derive(Debug, Deserialize)]
pub(super) struct CaptionsQuery {
    label: Option<String>,
}

pub(super) async fn put(
    State(api): State<ApiState>,
    Path((raw, language)): Path<(String, String)>,
    query: Result<Query<CaptionsQuery>, QueryRejection>,
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
    let label = query.ok().and_then(|Query(q)| q.label);
    // Before a byte is read: the declared type and length.
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let length = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if let Err(refusal) = captions::check_declared(content_type, length) {
        return problem(refusal.into());
    }
    let limit = usize::try_from(MAX_CAPTION_BYTES).unwrap_or(usize::MAX);
    let Ok(bytes) = axum::body::to_bytes(body, limit).await else {
        return problem(
            Refusal::TooLarge(format!(
                "The captions file is over the limit of {MAX_CAPTION_BYTES} bytes (512 KiB)."
            ))
            .into(),
        );
    };
    match api
        .videos
        .put_captions(&caller, id, &language, label.as_deref(), bytes)
        .await
    {
        Ok(tracks) => axum::Json(CaptionsOut {
            video_id: id.to_string(),
            captions: tracks.iter().map(CaptionOut::of).collect(),
        })
        .into_response(),
        Err(error) => problem(error),
    }
}

pub(super) async fn file(
    State(api): State<ApiState>,
    Path((expires, signature, raw, file)): Path<(String, String, String, String)>,
) -> Response {
    let Ok(expires) = expires.parse::<u64>() else {
        return mismatch();
    };
    let Ok(id) = Uuid::parse_str(&raw) else {
        return not_found();
    };
    match api
        .videos
        .captions_file(id, expires, &signature, &file)
        .await
    {
        Ok(file) => served(file),
        Err(error) => problem(error),
    }
}
