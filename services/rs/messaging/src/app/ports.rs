//! What the use cases need from the outside: the store (PostgreSQL in `adapters::postgres`, a
//! fake in `testing`) and where visible posts are announced live (NATS core in
//! `adapters::fanout`).

use std::fmt::Debug;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::SystemTime;

use uuid::Uuid;

use crate::domain::access::Membership;
use crate::domain::moderation::Decision;
use crate::domain::posts::Post;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// The database did not answer or refused: try again later.
    #[error("the database is unavailable: {0}")]
    Unavailable(String),
    /// A stored value the domain refuses.
    #[error("a stored value is corrupt: {0}")]
    Corrupt(String),
}

pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'a>>;

/// One event of the outbox, as stored (the shared relay's, `edu-outbox`).
pub use edu_outbox::OutboxRecord;

/// A page of a course's feed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    /// The first `limit` visible posts after place `n`, ascending.
    After(i64),
    /// The last `limit` visible posts before place `n`, ascending.
    Before(i64),
}

pub trait Store: Send + Sync + Debug {
    /// What is known about `user` in `course`.
    fn membership(&self, course: Uuid, user: Uuid) -> StoreFuture<'_, Membership>;
    /// A post of `course` by id.
    fn post(&self, course: Uuid, id: Uuid) -> StoreFuture<'_, Option<Post>>;
    /// Stores a new post and its event in one transaction.
    fn insert_post(&self, post: Post, event: OutboxRecord) -> StoreFuture<'_, ()>;
    /// Visible posts of `course`: a page of at most `limit`, ascending by place.
    fn feed(&self, course: Uuid, page: Page, limit: u32) -> StoreFuture<'_, Vec<Post>>;
    /// `author`'s own posts in `course` that others do not see (pending, held, rejected), the
    /// newest `limit`, oldest first.
    fn unpublished_of(&self, course: Uuid, author: Uuid, limit: u32) -> StoreFuture<'_, Vec<Post>>;
    /// Records an enrolment; false when it was known.
    fn record_enrolment(
        &self,
        enrollment_id: Uuid,
        course: Uuid,
        student: Uuid,
    ) -> StoreFuture<'_, bool>;
    /// Records a course's teacher at `version`; false when a version as new was known.
    fn record_teacher(&self, course: Uuid, teacher: Uuid, version: u32) -> StoreFuture<'_, bool>;
    /// Applies a decision in one transaction (`domain::moderation::apply`); the post when this
    /// decision made it visible (with its new place), else `None` (stale, hidden, unknown post).
    fn apply_decision(&self, decision: Decision, now: SystemTime) -> StoreFuture<'_, Option<Post>>;
    /// The feeds' heads (last place given) of `courses`; a course without one is left out.
    fn heads(&self, courses: Vec<Uuid>) -> StoreFuture<'_, Vec<(Uuid, i64)>>;
    /// Whether the database answers.
    fn ready(&self) -> StoreFuture<'_, ()>;
}

pub type PublishFuture<'a> = Pin<Box<dyn Future<Output = Result<(), String>> + Send + 'a>>;

/// Where a post that became visible is announced to every instance (NATS core).
pub trait LiveFeed: Send + Sync + Debug {
    fn announce<'a>(&'a self, post: &'a Post) -> PublishFuture<'a>;
}

pub type SharedStore = Arc<dyn Store>;
