//! What the use cases need from outside: where the facts and the feeds live (Redis in
//! production, `crate::testing::FakeStore` in unit tests).

use std::fmt::Debug;
use std::pin::Pin;

use crate::domain::events::FeedEvent;
use crate::domain::feed::{Feed, StudentView};

/// The store failed (unreachable, a script error): the event is handed back and comes again.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the feed store failed: {0}")]
pub struct StoreError(pub String);

pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'a>>;

/// What recording one event changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recorded {
    /// A student enrolled in a course for the first time: the co-enrolment counts between it
    /// and each of their other courses went up by one.
    NewEnrolment,
    /// Something else changed (a lesson, the latest activity, a newer course snapshot).
    Changed,
    /// Nothing: redelivered, or older than what is stored.
    Unchanged,
    /// Not an event feeds use.
    Ignored,
}

/// A course whose students' feeds must be rebuilt (its co-enrolment counts, title or
/// publication changed), with the generation it was marked at: settling removes the mark only
/// if nothing marked it again since it was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirtyMark {
    pub course_id: String,
    pub generation: u64,
}

/// The facts and the feeds. Every write is idempotent: recording an event twice, in any order
/// with the others, leaves what recording it once leaves.
pub trait FeedStore: Send + Sync + Debug {
    /// Records one event atomically. A new enrolment (the first event of a student in a
    /// course) raises the co-enrolment counts and marks the courses involved; a course snapshot
    /// newer than the stored one replaces it and marks the courses whose feeds show it.
    fn record(&self, event: &FeedEvent) -> StoreFuture<'_, Recorded>;
    /// What the student's feed is computed from, with at most `neighbours` co-enrolled courses
    /// (the strongest) per course of theirs.
    fn view(&self, student_id: &str, neighbours: usize) -> StoreFuture<'_, StudentView>;
    /// Replaces the student's feed (what web reads).
    fn write(&self, feed: &Feed) -> StoreFuture<'_, ()>;
    /// Up to `limit` marked courses, the oldest marks first.
    fn dirty(&self, limit: usize) -> StoreFuture<'_, Vec<DirtyMark>>;
    /// The students enrolled in a course.
    fn students_of(&self, course_id: &str) -> StoreFuture<'_, Vec<String>>;
    /// Removes the mark, unless the course was marked again after it was read.
    fn settle(&self, mark: &DirtyMark) -> StoreFuture<'_, ()>;
}
