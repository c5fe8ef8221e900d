//! Applying catalogue events: course snapshots by version, popularity marks once each.
//!
//! A `course.published`/`course.updated` newer than the record is completed from the course
//! service ([`CourseDirectory`]): its snapshot may be newer still (then the record takes that
//! version and the events in between are stale on arrival); not published any more means the
//! course is delisted at the event's version. `course.unpublished` delists. Enrolments and
//! completions raise popularity once per enrollment. Everything is idempotent and independent
//! of arrival order, so redelivery, a duplicate publish or a replay of the whole stream
//! (`search rebuild`) leave the same index.

use std::sync::Arc;

use crate::app::ports::{CourseDirectory, DirectoryError, IndexError, SearchIndex};
use crate::domain::catalogue::{
    Applied, CourseChange, PopularityMark, apply_course_change, apply_mark, is_newer,
};

/// A decoded event, as far as the catalogue cares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CatalogueEvent {
    /// `course.published` or `course.updated`.
    CourseListed { course_id: String, version: u32 },
    /// `course.unpublished`.
    CourseDelisted { course_id: String, version: u32 },
    /// `enrollment.created` or `course.completed`.
    Popularity(PopularityMark),
    /// Any other event on the subjects read.
    Other,
}

/// What applying one event did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Applied,
    /// Not newer than what the index holds (redelivered or overtaken).
    Stale,
    /// A popularity mark already counted.
    Duplicate,
    Ignored,
}

/// Why an event could not be applied now; it is retried (nothing was stored).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApplyError {
    #[error(transparent)]
    Index(#[from] IndexError),
    #[error(transparent)]
    Directory(#[from] DirectoryError),
}

#[derive(Debug, Clone)]
pub struct Indexer {
    index: Arc<dyn SearchIndex>,
    directory: Arc<dyn CourseDirectory>,
}

impl Indexer {
    pub fn new(index: Arc<dyn SearchIndex>, directory: Arc<dyn CourseDirectory>) -> Self {
        Self { index, directory }
    }

    pub fn index(&self) -> &Arc<dyn SearchIndex> {
        &self.index
    }

    /// Applies one event (stored, not yet committed: [`Indexer::commit`] after a batch).
    pub async fn apply(&self, event: CatalogueEvent) -> Result<Outcome, ApplyError> {
        match event {
            CatalogueEvent::CourseListed { course_id, version } => {
                self.listed(&course_id, version).await
            }
            CatalogueEvent::CourseDelisted { course_id, version } => {
                let current = self.index.record(&course_id)?;
                self.store(
                    apply_course_change(
                        current.as_ref(),
                        &course_id,
                        version,
                        CourseChange::Delisted,
                    ),
                    None,
                )
            }
            CatalogueEvent::Popularity(mark) => {
                let seen = self.index.has_mark(&mark.key())?;
                let current = self.index.record(&mark.course_id)?;
                match apply_mark(current.as_ref(), &mark, seen) {
                    Applied::Changed(record) => {
                        self.index.store(&record, Some(&mark))?;
                        Ok(Outcome::Applied)
                    }
                    Applied::Unchanged => Ok(Outcome::Duplicate),
                }
            }
            CatalogueEvent::Other => Ok(Outcome::Ignored),
        }
    }

    pub fn commit(&self) -> Result<(), IndexError> {
        self.index.commit()
    }

    async fn listed(&self, course_id: &str, version: u32) -> Result<Outcome, ApplyError> {
        let current = self.index.record(course_id)?;
        if !is_newer(current.as_ref(), version) {
            // Known already: no need to ask the course service.
            return Ok(Outcome::Stale);
        }
        let (version, change) = match self.directory.published(course_id).await? {
            Some(snapshot) => (
                snapshot.version.max(version),
                CourseChange::Listed(snapshot.listing),
            ),
            None => (version, CourseChange::Delisted),
        };
        // Read again: another event of this course may have been stored while we asked.
        let current = self.index.record(course_id)?;
        self.store(
            apply_course_change(current.as_ref(), course_id, version, change),
            None,
        )
    }

    fn store(
        &self,
        applied: Applied,
        mark: Option<&PopularityMark>,
    ) -> Result<Outcome, ApplyError> {
        match applied {
            Applied::Changed(record) => {
                self.index.store(&record, mark)?;
                Ok(Outcome::Applied)
            }
            Applied::Unchanged => Ok(Outcome::Stale),
        }
    }
}

#[cfg(test)]
mod tests;
