//! A lesson video from its upload to the transcoder's verdict.
//!
//! `uploading` (chunks arrive, `received_bytes` grows to `size_bytes`) → `processing` (the
//! whole file's SHA-256 matched; `video.uploaded` emitted) → `ready` (`video.transcoded`) or
//! `failed` (`video.transcoding_failed`, with the reason the teacher reads). Result events for
//! a video no longer processing change nothing, so redelivered and late events are harmless.

use std::time::SystemTime;

use uuid::Uuid;

/// The media types a teacher may upload.
pub const CONTENT_TYPES: [&str; 3] = ["video/mp4", "video/webm", "video/quicktime"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Uploading,
    Processing,
    Ready,
    Failed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Uploading => "uploading",
            Self::Processing => "processing",
            Self::Ready => "ready",
            Self::Failed => "failed",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "uploading" => Some(Self::Uploading),
            "processing" => Some(Self::Processing),
            "ready" => Some(Self::Ready),
            "failed" => Some(Self::Failed),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Video {
    pub id: Uuid,
    pub course_id: Uuid,
    pub lesson_id: Uuid,
    pub teacher_id: Uuid,
    pub content_type: String,
    pub size_bytes: u64,
    /// Lower-case hex.
    pub sha256: String,
    pub received_bytes: u64,
    pub status: Status,
    pub progress_percent: u32,
    pub failure_reason: Option<String>,
    /// The `video.transcoded` payload (protobuf JSON mapping) once ready.
    pub ladder: Option<serde_json::Value>,
    pub version: u32,
    pub created_at: SystemTime,
    pub updated_at: SystemTime,
}

/// The limits an upload is held to (`EDU_VIDEO_MAX_BYTES`, `EDU_VIDEO_MAX_CHUNK_BYTES`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub max_bytes: u64,
    pub max_chunk_bytes: u64,
}

/// What a teacher declares before sending a byte.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Declared {
    pub course_id: Uuid,
    pub lesson_id: Uuid,
    pub size_bytes: u64,
    pub content_type: String,
    pub sha256: String,
}

/// Why an upload or a chunk is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// 413: larger than allowed.
    #[error("{0}")]
    TooLarge(String),
    /// 415: not a video type we take.
    #[error("{0}")]
    UnsupportedType(String),
    /// 422: a value is not valid (`field`, why).
    #[error("{1}")]
    Invalid(&'static str, String),
    /// 409: a chunk at another offset than the next one.
    #[error("{detail}")]
    WrongOffset { detail: String, expected: u64 },
    /// 409: the video is not in a state that takes this.
    #[error("{0}")]
    WrongState(String),
    /// 422: a chunk or the whole file does not match its SHA-256.
    #[error("{0}")]
    ChecksumMismatch(String),
}

/// The media type without parameters, lower-cased (`Video/MP4; codecs=…` → `video/mp4`).
pub fn bare_media_type(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// Checks a declared upload against the limits; the type first, then the size, then the rest.
pub fn check_declared(declared: &Declared, limits: Limits) -> Result<Declared, Refusal> {
    let content_type = bare_media_type(&declared.content_type);
    if !CONTENT_TYPES.contains(&content_type.as_str()) {
        return Err(Refusal::UnsupportedType(format!(
            "{:?} is not a video type we take; upload video/mp4, video/webm or video/quicktime.",
            declared.content_type
        )));
    }
    if declared.size_bytes > limits.max_bytes {
        return Err(Refusal::TooLarge(format!(
            "The video is {} bytes; the limit is {} bytes.",
            declared.size_bytes, limits.max_bytes
        )));
    }
    if declared.size_bytes == 0 {
        return Err(Refusal::Invalid(
            "size_bytes",
            "an empty file is not a video".into(),
        ));
    }
    if !edu_video::hex::is_sha256(&declared.sha256) {
        return Err(Refusal::Invalid(
            "sha256",
            "the file's SHA-256 as 64 hex digits".into(),
        ));
    }
    Ok(Declared {
        content_type,
        sha256: declared.sha256.to_ascii_lowercase(),
        ..declared.clone()
    })
}

impl Video {
    pub fn new(id: Uuid, teacher_id: Uuid, declared: Declared, now: SystemTime) -> Self {
        Self {
            id,
            course_id: declared.course_id,
            lesson_id: declared.lesson_id,
            teacher_id,
            content_type: declared.content_type,
            size_bytes: declared.size_bytes,
            sha256: declared.sha256,
            received_bytes: 0,
            status: Status::Uploading,
            progress_percent: 0,
            failure_reason: None,
            ladder: None,
            version: 1,
            created_at: now,
            updated_at: now,
        }
    }

    /// Whether a chunk of `length` bytes at `offset` may be written: uploading, at the next
    /// offset, within the chunk limit and the declared size. Checked before a byte is stored.
    pub fn check_chunk(&self, offset: u64, length: u64, limits: Limits) -> Result<(), Refusal> {
        if self.status != Status::Uploading {
            return Err(Refusal::WrongState(format!(
                "The upload is complete (the video is {}); nothing more is taken.",
                self.status.as_str()
            )));
        }
        if offset != self.received_bytes {
            return Err(Refusal::WrongOffset {
                detail: format!(
                    "The next chunk starts at byte {}, not {offset}.",
                    self.received_bytes
                ),
                expected: self.received_bytes,
            });
        }
        if length > limits.max_chunk_bytes {
            return Err(Refusal::TooLarge(format!(
                "A chunk is at most {} bytes; this one is {length}.",
                limits.max_chunk_bytes
            )));
        }
        if offset + length > self.size_bytes {
            return Err(Refusal::TooLarge(format!(
                "The chunk ends at byte {} but the declared size is {} bytes.",
                offset + length,
                self.size_bytes
            )));
        }
        if length == 0 {
            return Err(Refusal::Invalid("body", "an empty chunk".into()));
        }
        Ok(())
    }

    /// Whether the upload can be completed now (every byte received); `Ok(false)`: it was
    /// already completed (a repeated request: answer the same).
    pub fn check_complete(&self) -> Result<bool, Refusal> {
        match self.status {
            Status::Uploading if self.received_bytes == self.size_bytes => Ok(true),
            Status::Uploading => Err(Refusal::WrongState(format!(
                "{} of {} bytes received; send the rest from byte {} first.",
                self.received_bytes, self.size_bytes, self.received_bytes
            ))),
            _ => Ok(false),
        }
    }
}

/// What a transcoder's event changes about a video.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Progressed(u32),
    Transcoded(serde_json::Value),
    Failed(String),
}

/// What applying `outcome` to a video with `status` and `progress` does: `None` changes
/// nothing (the video is not processing, or the progress would go back).
pub fn apply(status: Status, progress: u32, outcome: &Outcome) -> Option<(Status, u32)> {
    if status != Status::Processing {
        return None;
    }
    match outcome {
        Outcome::Progressed(percent) => {
            let percent = (*percent).min(99);
            (percent > progress).then_some((Status::Processing, percent))
        }
        Outcome::Transcoded(_) => Some((Status::Ready, 100)),
        Outcome::Failed(_) => Some((Status::Failed, progress)),
    }
}

/// The reason a failure without one is given.
pub const DEFAULT_FAILURE: &str = "The video could not be transcoded.";

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: Limits = Limits {
        max_bytes: 1_000,
        max_chunk_bytes: 100,
    };

    fn declared(size: u64, content_type: &str) -> Declared {
        Declared {
            course_id: Uuid::from_u128(1),
            lesson_id: Uuid::from_u128(2),
            size_bytes: size,
            content_type: content_type.into(),
            sha256: "AB".repeat(32),
        }
    }

    fn video(received: u64, status: Status) -> Video {
        let mut video = Video::new(
            Uuid::from_u128(3),
            Uuid::from_u128(4),
            declared(250, "video/mp4"),
            SystemTime::UNIX_EPOCH,
        );
        video.received_bytes = received;
        video.status = status;
        video
    }

    #[test]
    fn the_three_video_types_are_taken_with_parameters_and_any_case() {
        for ok in ["video/mp4", "Video/WebM", "video/quicktime; charset=x"] {
            let checked = check_declared(&declared(10, ok), LIMITS).unwrap();
            assert!(CONTENT_TYPES.contains(&checked.content_type.as_str()));
            assert_eq!(checked.sha256, "ab".repeat(32));
        }
    }

    #[test]
    fn other_types_are_415_and_oversized_files_413() {
        for bad in [
            "video/x-msvideo",
            "application/octet-stream",
            "",
            "video/mp4x",
        ] {
            assert!(
                matches!(
                    check_declared(&declared(10, bad), LIMITS),
                    Err(Refusal::UnsupportedType(_))
                ),
                "{bad}"
            );
        }
        assert!(check_declared(&declared(1_000, "video/mp4"), LIMITS).is_ok());
        assert!(matches!(
            check_declared(&declared(1_001, "video/mp4"), LIMITS),
            Err(Refusal::TooLarge(_))
        ));
    }

    #[test]
    fn an_empty_file_or_a_malformed_digest_is_invalid() {
        assert!(matches!(
            check_declared(&declared(0, "video/mp4"), LIMITS),
            Err(Refusal::Invalid("size_bytes", _))
        ));
        let mut bad = declared(10, "video/mp4");
        bad.sha256 = "xyz".into();
        assert!(matches!(
            check_declared(&bad, LIMITS),
            Err(Refusal::Invalid("sha256", _))
        ));
    }

    #[test]
    fn a_chunk_goes_only_at_the_next_offset_within_the_limits() {
        let uploading = video(100, Status::Uploading);
        assert!(uploading.check_chunk(100, 100, LIMITS).is_ok());
        assert!(matches!(
            uploading.check_chunk(0, 100, LIMITS),
            Err(Refusal::WrongOffset { expected: 100, .. })
        ));
        assert!(matches!(
            uploading.check_chunk(200, 10, LIMITS),
            Err(Refusal::WrongOffset { .. })
        ));
        assert!(matches!(
            uploading.check_chunk(100, 101, LIMITS),
            Err(Refusal::TooLarge(_))
        ));
        let last = video(200, Status::Uploading);
        assert!(last.check_chunk(200, 50, LIMITS).is_ok());
        assert!(matches!(
            last.check_chunk(200, 51, LIMITS),
            Err(Refusal::TooLarge(_))
        ));
        assert!(matches!(
            video(250, Status::Processing).check_chunk(250, 1, LIMITS),
            Err(Refusal::WrongState(_))
        ));
    }

    #[test]
    fn completing_needs_every_byte_and_again_is_the_same_answer() {
        assert!(matches!(
            video(249, Status::Uploading).check_complete(),
            Err(Refusal::WrongState(_))
        ));
        assert_eq!(video(250, Status::Uploading).check_complete(), Ok(true));
        assert_eq!(video(250, Status::Processing).check_complete(), Ok(false));
    }

    #[test]
    fn results_apply_only_while_processing_and_progress_only_goes_up() {
        let done = Outcome::Transcoded(serde_json::json!({}));
        let failed = Outcome::Failed("broken".into());
        assert_eq!(
            apply(Status::Processing, 10, &Outcome::Progressed(40)),
            Some((Status::Processing, 40))
        );
        assert_eq!(
            apply(Status::Processing, 40, &Outcome::Progressed(20)),
            None
        );
        assert_eq!(
            apply(Status::Processing, 40, &Outcome::Progressed(100)),
            Some((Status::Processing, 99))
        );
        assert_eq!(
            apply(Status::Processing, 40, &done),
            Some((Status::Ready, 100))
        );
        assert_eq!(
            apply(Status::Processing, 40, &failed),
            Some((Status::Failed, 40))
        );
        for status in [Status::Uploading, Status::Ready, Status::Failed] {
            assert_eq!(apply(status, 0, &done), None);
            assert_eq!(apply(status, 0, &failed), None);
            assert_eq!(apply(status, 0, &Outcome::Progressed(50)), None);
        }
    }
}
