//! video-processor's OpenAPI document, generated with utoipa and committed as
//! `contracts/openapi/video-processor.json` (`just openapi`: `video-processor --print-openapi`);
//! a unit test fails when the committed file is stale.

use edu_common::health::{Liveness, Readiness};
use edu_common::problem::{FieldProblem, Problem};
use utoipa::OpenApi;

use crate::http::captions::{CaptionOut, CaptionsOut};
use crate::http::playback::{CaptionLinkOut, PlaybackOut};
use crate::http::uploads::{RenditionOut, UploadIn, VideoOut};

/// Declare an upload.
///
/// A teacher declares a lesson video of a course they own: its size, type and SHA-256. Refused
/// before a byte is stored: 415 for a type other than video/mp4, video/webm or video/quicktime,
/// 413 over the size limit.
#[utoipa::path(post, path = "/videos", operation_id = "create_upload", tag = "videos",
    request_body = UploadIn,
    responses(
        (status = 201, description = "The upload, waiting for its first chunk (`Location`, `Upload-Offset: 0`).", body = VideoOut),
        (status = 400, description = "The body is not JSON.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid access token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a teacher, or not this course's teacher.", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Larger than the limit.", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not a video type we take (or the body not JSON).", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A value is not valid (`errors` names it): an empty file, a malformed SHA-256, a lesson of another course.", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Course or the database is not answering.", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
#[allow(dead_code, reason = "documents crate::http's handler")]
fn create_upload() {}

/// Read an upload.
///
/// The teacher's own video: where the upload stands (`received_bytes`, also `Upload-Offset`: a
/// client resumes from there), transcoding progress, the failure's reason, the ladder.
#[utoipa::path(get, path = "/videos/{video_id}", operation_id = "read_video", tag = "videos",
    params(("video_id" = String, Path, description = "The video's id.")),
    responses(
        (status = 200, description = "The video.", body = VideoOut),
        (status = 401, description = "No valid access token.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such video of the caller's.", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The database is not answering.", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
#[allow(dead_code, reason = "documents crate::http's handler")]
fn read_video() {}

/// Send a chunk.
///
/// The body's bytes go at `offset`, which must be where the upload stands; `Chunk-SHA256` is
/// their SHA-256. Nothing is stored unless both hold.
#[utoipa::path(put, path = "/videos/{video_id}/content", operation_id = "put_chunk", tag = "videos",
    params(
        ("video_id" = String, Path, description = "The video's id."),
        ("offset" = u64, Query, description = "The byte the chunk starts at: the upload's `received_bytes`.", minimum = 0),
        ("Chunk-SHA256" = String, Header, description = "The chunk's SHA-256, 64 hex digits."),
    ),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The chunk (at most `EDU_VIDEO_MAX_CHUNK_BYTES`, 8 MiB by default)."),
    responses(
        (status = 200, description = "Stored; `received_bytes` and `Upload-Offset` say where the next chunk starts.", body = VideoOut),
        (status = 401, description = "No valid access token.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such video of the caller's.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not the next offset (`Upload-Offset` says which is), or the upload is complete.", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The chunk is over the chunk limit or runs past the declared size.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The chunk does not match `Chunk-SHA256`, or the offset or checksum is missing or malformed.", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The database or the object store is not answering.", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
#[allow(dead_code, reason = "documents crate::http's handler")]
fn put_chunk() {}

/// Complete an upload.
///
/// Every byte received: the whole file's SHA-256 is checked against the declared one, the
/// original stored and the video handed to the transcoder (`video.uploaded`). Again after that:
/// the video as it is. A mismatch starts the upload again from byte 0.
#[utoipa::path(post, path = "/videos/{video_id}/complete", operation_id = "complete_upload", tag = "videos",
    params(("video_id" = String, Path, description = "The video's id.")),
    responses(
        (status = 200, description = "Processing (or further along).", body = VideoOut),
        (status = 401, description = "No valid access token.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such video of the caller's.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Bytes are missing; the detail says from where.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The file does not match its declared SHA-256; the upload starts again.", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The database or the object store is not answering.", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
#[allow(dead_code, reason = "documents crate::http's handler")]
fn complete_upload() {}

/// Playback links.
///
/// Signed, expiring links for the video's teacher or a student enrolled in its course (asked of
/// enrollment): the original once uploaded, the HLS master playlist and the poster once ready.
#[utoipa::path(get, path = "/videos/{video_id}/playback", operation_id = "playback_links", tag = "playback",
    params(("video_id" = String, Path, description = "The video's id.")),
    responses(
        (status = 200, description = "The links and when they expire.", body = PlaybackOut),
        (status = 401, description = "No valid access token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither the teacher nor enrolled in the course.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such video.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Still being uploaded.", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Enrollment or the database is not answering.", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
#[allow(dead_code, reason = "documents crate::http's handler")]
fn playback_links() {}

/// The original, by signed link.
///
/// The whole file (200) or the one byte range `Range` asks for (206 with `Content-Range`).
#[utoipa::path(get, path = "/play/{expires}/{signature}/{video_id}/original", operation_id = "play_original", tag = "playback",
    params(
        ("expires" = u64, Path, description = "When the link expires (Unix seconds)."),
        ("signature" = String, Path, description = "The link's signature."),
        ("video_id" = String, Path, description = "The video's id."),
        ("Range" = Option<String>, Header, description = "One range, `bytes=start-end`, `bytes=start-` or `bytes=-suffix`."),
    ),
    responses(
        (status = 200, description = "The whole original.", content_type = "video/mp4"),
        (status = 206, description = "The range asked for.", content_type = "video/mp4"),
        (status = 403, description = "The link expired or does not match its signature.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such video or file.", body = Problem, content_type = "application/problem+json"),
        (status = 416, description = "The range starts past the end (`Content-Range: bytes */size`).", body = Problem, content_type = "application/problem+json"),
    ))]
#[allow(dead_code, reason = "documents crate::http's handler")]
fn play_original() {}

/// A file of the HLS ladder, by signed link.
///
/// `master.m3u8`, `poster.jpg`, `<height>p/index.m3u8` or `<height>p/segment_<n>.ts`; the
/// playlists' relative URLs resolve under the same signed prefix.
#[utoipa::path(get, path = "/play/{expires}/{signature}/{video_id}/hls/{file}", operation_id = "play_hls", tag = "playback",
    params(
        ("expires" = u64, Path, description = "When the link expires (Unix seconds)."),
        ("signature" = String, Path, description = "The link's signature."),
        ("video_id" = String, Path, description = "The video's id."),
        ("file" = String, Path, description = "The file under the ladder's folder."),
    ),
    responses(
        (status = 200, description = "The file (`application/vnd.apple.mpegurl`, `video/mp2t` or `image/jpeg`).", content_type = "application/vnd.apple.mpegurl"),
        (status = 403, description = "The link expired or does not match its signature.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such file.", body = Problem, content_type = "application/problem+json"),
    ))]
#[allow(dead_code, reason = "documents crate::http's handler")]
fn play_hls() {}

/// Add or replace a caption track.
///
/// The video's teacher sends a `WebVTT` file (`Content-Type: text/vtt`, UTF-8, starting with the
/// `WEBVTT` line, at most 512 KiB) for one language; the same language again replaces the
/// track. Students get it, signed like the ladder, in the playback links' `captions`.
#[utoipa::path(put, path = "/videos/{video_id}/captions/{language}", operation_id = "put_captions", tag = "videos",
    params(
        ("video_id" = String, Path, description = "The video's id."),
        ("language" = String, Path, description = "The track's language tag: `en`, `el`, `pt-BR`.", example = "en",
            pattern = r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$", max_length = 35),
        ("label" = Option<String>, Query, description = "What the player's caption menu shows (at most 100 characters on one line); the language's name when absent.",
            pattern = r"^[^\x00-\x1f\x7f-\x9f]*$", max_length = 100),
    ),
    request_body(content = WebVttFile, content_type = "text/vtt", description = "The WebVTT file (UTF-8, at most 512 KiB).", example = "WEBVTT\n\n00:00.000 --> 00:02.000\nHello.\n"),
    responses(
        (status = 200, description = "Stored; the video's tracks.", body = CaptionsOut),
        (status = 401, description = "No valid access token.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such video of the caller's.", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Over 512 KiB.", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not sent as `text/vtt`.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a language tag, not UTF-8, or not a WebVTT file (no `WEBVTT` first line); `errors` says which.", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The database or the object store is not answering.", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
#[allow(dead_code, reason = "documents crate::http's handler")]
fn put_captions() {}

/// A caption track, by signed link.
///
/// `<language>.vtt` under the playback links' signed captions prefix.
#[utoipa::path(get, path = "/play/{expires}/{signature}/{video_id}/captions/{file}", operation_id = "play_captions", tag = "playback",
    params(
        ("expires" = u64, Path, description = "When the link expires (Unix seconds)."),
        ("signature" = String, Path, description = "The link's signature."),
        ("video_id" = String, Path, description = "The video's id."),
        ("file" = String, Path, description = "`<language>.vtt`."),
    ),
    responses(
        (status = 200, description = "The WebVTT file.", content_type = "text/vtt"),
        (status = 403, description = "The link expired or does not match its signature.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such track.", body = Problem, content_type = "application/problem+json"),
    ))]
#[allow(dead_code, reason = "documents crate::http's handler")]
fn play_captions() {}

/// A `WebVTT` file: UTF-8 text whose first line starts with `WEBVTT` (after an optional
/// byte-order mark), then a space, a tab or a line end. At most 512 KiB: 131 072 characters of
/// up to four bytes each always fit.
#[derive(utoipa::ToSchema)]
#[schema(
    pattern = r"^\uFEFF?WEBVTT([ \t\r\n][\s\S]*)?$",
    min_length = 6,
    max_length = 131_072
)]
#[allow(dead_code, reason = "documents the captions body")]
struct WebVttFile(String);

/// Liveness: answers while the process serves requests (no dependency checked).
#[utoipa::path(get, path = "/health", operation_id = "health", tag = "video-processor",
    responses((status = 200, description = "The process serves requests.", body = Liveness)))]
#[allow(dead_code, reason = "documents edu_common::health's handler")]
fn health() {}

/// Readiness: the database answers and the result consumer is in place.
#[utoipa::path(get, path = "/ready", operation_id = "ready", tag = "video-processor",
    responses(
        (status = 200, description = "Ready.", body = Readiness),
        (status = 503, description = "Not ready; the detail names what is missing.", body = Problem,
            content_type = "application/problem+json"),
    ))]
#[allow(dead_code, reason = "documents edu_common::health's handler")]
fn ready() {}

#[derive(Debug)]
struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

#[derive(Debug, OpenApi)]
#[openapi(
    info(
        title = "eduplatform video-processor",
        description = "Lesson videos: teachers' resumable, checksummed uploads and WebVTT caption tracks; signed, expiring playback links for the HLS ladder, the captions and the original."
    ),
    paths(create_upload, read_video, put_chunk, complete_upload, put_captions, playback_links, play_original, play_hls, play_captions, health, ready),
    components(schemas(UploadIn, VideoOut, RenditionOut, PlaybackOut, CaptionLinkOut, CaptionOut, CaptionsOut, WebVttFile, Problem, FieldProblem, Liveness, Readiness)),
    modifiers(&BearerAuth)
)]
pub struct VideoProcessorApi;

/// The document as committed: pretty JSON with a final newline.
pub fn document() -> String {
    edu_common::service::committed_form(&VideoProcessorApi::openapi())
}

#[cfg(test)]
mod tests {
    use super::*;

    const COMMITTED: &str = include_str!("../../../../../contracts/openapi/video-processor.json");

    #[test]
    fn the_committed_spec_is_what_the_code_generates() {
        edu_common::service::assert_committed_is_fresh(
            &document(),
            COMMITTED,
            "contracts/openapi/video-processor.json",
        );
    }

    #[test]
    fn the_upload_documents_its_refusals() {
        let generated: serde_json::Value = serde_json::from_str(&document()).unwrap();
        let create = &generated["paths"]["/videos"]["post"]["responses"];
        for status in ["201", "413", "415", "422"] {
            assert!(create[status].is_object(), "{status}");
        }
        let chunk = &generated["paths"]["/videos/{video_id}/content"]["put"]["responses"];
        for status in ["200", "409", "413", "422"] {
            assert!(chunk[status].is_object(), "{status}");
        }
        let captions =
            &generated["paths"]["/videos/{video_id}/captions/{language}"]["put"]["responses"];
        for status in ["200", "413", "415", "422"] {
            assert!(captions[status].is_object(), "{status}");
        }
    }
}
