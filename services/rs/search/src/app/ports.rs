//! What the use cases need from outside, as traits: the search index (tantivy in production,
//! [`crate::testing::FakeIndex`] in unit tests) and the course service's published snapshots.

use std::fmt::Debug;
use std::pin::Pin;

use crate::domain::catalogue::{CourseRecord, Listing, PopularityMark};

/// The index failed (I/O, a corrupt segment): the event is retried, the search answered 503.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the search index failed: {0}")]
pub struct IndexError(pub String);

/// Where course records live and are searched. Writes are seen by [`SearchIndex::record`] and
/// [`SearchIndex::has_mark`] at once and by [`SearchIndex::matching`] after [`SearchIndex::commit`].
pub trait SearchIndex: Send + Sync + Debug {
    fn record(&self, course_id: &str) -> Result<Option<CourseRecord>, IndexError>;
    /// Whether a popularity mark with this key was stored before.
    fn has_mark(&self, key: &str) -> Result<bool, IndexError>;
    /// Stores the record (replacing the course's previous one) and the mark that changed it.
    fn store(&self, record: &CourseRecord, mark: Option<&PopularityMark>)
    -> Result<(), IndexError>;
    /// Makes every write durable and searchable.
    fn commit(&self) -> Result<(), IndexError>;
    /// The listed courses matching every word (each within its typo budget, the last one also
    /// as a prefix), with the engine's text score; every listed course when `words` is empty.
    fn matching(&self, words: &[String]) -> Result<Vec<(f64, CourseRecord)>, IndexError>;
    /// Whether nothing was ever stored (a fresh index is filled from the stream's start).
    fn is_fresh(&self) -> Result<bool, IndexError>;
}

/// A published course as the course service shows it now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CourseSnapshot {
    pub version: u32,
    pub listing: Listing,
}

/// The course service could not answer now; the event is retried later.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the course service cannot be asked now: {0}")]
pub struct DirectoryError(pub String);

pub type SnapshotFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Option<CourseSnapshot>, DirectoryError>> + Send + 'a>>;

/// The course service's published courses (its public `GET /courses/{id}`): the events carry
/// title and version only, the catalogue needs summary, level, tags and lesson titles too.
pub trait CourseDirectory: Send + Sync + Debug {
    /// The course as published now; `None` when it is not published (any more).
    fn published(&self, course_id: &str) -> SnapshotFuture<'_>;
}
