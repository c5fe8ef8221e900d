//! What the use cases need from outside: the videos' store (PostgreSQL: `adapters::postgres`),
//! who may do what (course and enrollment over HTTP: `adapters::access_http`), and the object
//! store (`edu_video::store`).

use std::future::Future;
use std::pin::Pin;
use std::time::SystemTime;

use uuid::Uuid;

use crate::domain::captions::Caption;
use crate::domain::video::{Outcome, Video};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RepoError {
    /// The database cannot be reached or refused the work; nothing was changed.
    #[error("the video database is unavailable: {0}")]
    Unavailable(String),
    /// A row that breaks the domain's rules.
    #[error("a stored row is not valid: {0}")]
    Corrupt(String),
}

pub type RepoFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, RepoError>> + Send + 'a>>;

/// One event of the outbox, as stored (the shared relay's, `edu-outbox`).
pub use edu_outbox::OutboxRecord;

pub trait VideoRepository: Send + Sync + std::fmt::Debug {
    fn insert<'a>(&'a self, video: &'a Video) -> RepoFuture<'a, ()>;

    fn get(&self, id: Uuid) -> RepoFuture<'_, Option<Video>>;

    /// Moves `received_bytes` from `from` to `to` if it is still `from` and the video is
    /// uploading; whether it moved (a concurrent chunk at the same offset loses).
    fn advance(&self, id: Uuid, from: u64, to: u64, now: SystemTime) -> RepoFuture<'_, bool>;

    /// Back to byte 0 (the whole file did not match its SHA-256); whether it was uploading.
    fn restart(&self, id: Uuid, now: SystemTime) -> RepoFuture<'_, bool>;

    /// Uploading with every byte → processing, and `event` (its `video.uploaded`) into the
    /// outbox, in one transaction; whether it moved now (false: already done).
    fn mark_uploaded(&self, id: Uuid, event: OutboxRecord, now: SystemTime)
    -> RepoFuture<'_, bool>;

    /// Applies a transcoder's outcome (`domain::video::apply`) with the row locked; whether
    /// anything changed.
    fn apply_outcome<'a>(
        &'a self,
        id: Uuid,
        outcome: &'a Outcome,
        now: SystemTime,
    ) -> RepoFuture<'a, bool>;

    /// Stores a caption track's row (its file is already in the object store); the same
    /// language again replaces it.
    fn put_caption<'a>(
        &'a self,
        id: Uuid,
        caption: &'a Caption,
        now: SystemTime,
    ) -> RepoFuture<'a, ()>;

    /// A video's caption tracks, by language.
    fn captions(&self, id: Uuid) -> RepoFuture<'_, Vec<Caption>>;

    /// Whether the store can serve (readiness).
    fn ready(&self) -> RepoFuture<'_, ()>;
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct AccessError(pub String);

pub type AccessFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, AccessError>> + Send + 'a>>;

/// Who may upload and who may watch, asked of the services that know, with the caller's own
/// access token (so they answer for that caller).
pub trait Access: Send + Sync + std::fmt::Debug {
    /// The lessons of `course` if the token's teacher owns it; `None` when they do not (or it
    /// does not exist).
    fn taught_lessons<'a>(
        &'a self,
        token: &'a str,
        course: Uuid,
    ) -> AccessFuture<'a, Option<Vec<Uuid>>>;

    /// Whether the token's student has an active (not revoked) enrolment in `course`.
    fn enrolled<'a>(&'a self, token: &'a str, course: Uuid) -> AccessFuture<'a, bool>;
}
