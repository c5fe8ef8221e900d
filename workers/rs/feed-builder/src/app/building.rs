//! Recording events and rebuilding the feeds they change.
//!
//! A batch of events is recorded one by one, then the feed of every student one of them was
//! about is rebuilt once, from the store (never from the event), so a redelivered or reordered
//! event rebuilds the same feed. Other students' feeds change when counts or courses change:
//! those courses are marked in the store, and [`FeedBuilder::refresh_marked`] rebuilds the
//! feeds of their students, a bounded number of courses per pass.

use std::collections::BTreeSet;
use std::sync::Arc;

use crate::app::ports::{FeedStore, Recorded, StoreError};
use crate::domain::events::FeedEvent;
use crate::domain::feed::build_feed;

/// The bounds: items per list, co-enrolled courses read per course of a student, marked
/// courses taken per refresh pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub items: usize,
    pub neighbours: usize,
    pub refresh_courses: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            items: 20,
            neighbours: 50,
            refresh_courses: 20,
        }
    }
}

/// What one batch did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Applied {
    /// How many events were recorded (every one of them, whatever it changed).
    pub recorded: usize,
    pub new_enrolments: usize,
    pub unchanged: usize,
    /// The feeds rebuilt.
    pub feeds: usize,
}

/// A batch stopped at an event the store could not record: the ones before it are recorded
/// and their feeds rebuilt; it and the rest are handed back.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{error} (after {} of the batch)", applied.recorded)]
pub struct BatchError {
    pub applied: Applied,
    pub error: StoreError,
}

#[derive(Debug, Clone)]
pub struct FeedBuilder {
    store: Arc<dyn FeedStore>,
    limits: Limits,
}

impl FeedBuilder {
    pub fn new(store: Arc<dyn FeedStore>, limits: Limits) -> Self {
        Self { store, limits }
    }

    pub fn store(&self) -> &Arc<dyn FeedStore> {
        &self.store
    }

    /// Records `events` in order and rebuilds the feed of each student they were about.
    /// On a store failure: see [`BatchError`]; when even rebuilding fails, nothing counts as
    /// applied (recording again changes nothing, so the whole batch may come again).
    pub async fn apply(&self, events: &[FeedEvent]) -> Result<Applied, BatchError> {
        let mut applied = Applied::default();
        let mut students = BTreeSet::new();
        let mut failed = None;
        for event in events {
            match self.store.record(event).await {
                Ok(outcome) => {
                    applied.recorded += 1;
                    match outcome {
                        Recorded::NewEnrolment => applied.new_enrolments += 1,
                        Recorded::Unchanged => applied.unchanged += 1,
                        Recorded::Changed | Recorded::Ignored => {}
                    }
                    if let FeedEvent::Progress(progress) = event {
                        students.insert(progress.student_id.clone());
                    }
                }
                Err(error) => {
                    failed = Some(error);
                    break;
                }
            }
        }
        for student in &students {
            if let Err(error) = self.rebuild(student).await {
                return Err(BatchError {
                    applied: Applied::default(),
                    error,
                });
            }
            applied.feeds += 1;
        }
        match failed {
            None => Ok(applied),
            Some(error) => Err(BatchError { applied, error }),
        }
    }

    /// Rebuilds one student's feed from the store.
    pub async fn rebuild(&self, student_id: &str) -> Result<(), StoreError> {
        let view = self.store.view(student_id, self.limits.neighbours).await?;
        self.store
            .write(&build_feed(&view, self.limits.items))
            .await
    }

    /// Rebuilds the feeds of the students of up to `refresh_courses` marked courses (each
    /// student once), then settles those marks; how many feeds were rebuilt.
    pub async fn refresh_marked(&self) -> Result<usize, StoreError> {
        let marks = self.store.dirty(self.limits.refresh_courses).await?;
        let mut students = BTreeSet::new();
        for mark in &marks {
            students.extend(self.store.students_of(&mark.course_id).await?);
        }
        for student in &students {
            self.rebuild(student).await?;
        }
        for mark in &marks {
            self.store.settle(mark).await?;
        }
        Ok(students.len())
    }
}

#[cfg(test)]
mod tests;
