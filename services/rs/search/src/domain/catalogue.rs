//! What the index keeps about one course, and how events change it.
//!
//! Course events are full snapshots carrying the course's version (ADR 0003): a record keeps
//! the highest version it has seen and ignores anything not newer, so a redelivered or
//! overtaken event changes nothing ([`apply_course_change`]). Popularity comes from enrolment
//! and completion events, each counted once by its enrollment ([`apply_mark`]: the caller says
//! whether the mark was seen before). An unpublished course keeps its record (version and
//! popularity) without a listing: invisible to queries, and still able to refuse a stale
//! `course.published` that arrives after it.

use serde::{Deserialize, Serialize};

/// A course as the catalogue lists it (from its latest published snapshot).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Listing {
    pub title: String,
    pub summary: String,
    /// `beginner`, `intermediate` or `advanced`.
    pub level: String,
    pub tags: Vec<String>,
    pub teacher_id: String,
    /// Its lessons' titles, in order.
    pub lessons: Vec<String>,
    /// When it was first published, seconds since the Unix epoch.
    pub published_at: i64,
}

/// Everything the index keeps about one course.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CourseRecord {
    pub course_id: String,
    /// The highest course version applied (0: only popularity seen so far).
    pub version: u32,
    /// `Some` while the course is published; `None` keeps it out of every result.
    pub listing: Option<Listing>,
    pub enrolments: u64,
    pub completions: u64,
}

impl CourseRecord {
    pub fn empty(course_id: &str) -> Self {
        Self {
            course_id: course_id.to_owned(),
            version: 0,
            listing: None,
            enrolments: 0,
            completions: 0,
        }
    }

    pub fn is_listed(&self) -> bool {
        self.listing.is_some()
    }
}

/// What a course event does to the catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CourseChange {
    /// Published (or updated while published) with this content.
    Listed(Listing),
    /// Unpublished: out of every result.
    Delisted,
}

/// The result of applying something to a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Applied {
    /// The new record to store.
    Changed(CourseRecord),
    /// Already applied or overtaken: nothing to store.
    Unchanged,
}

/// Whether an event of `version` is newer than what `current` holds (the ordering rule).
pub fn is_newer(current: Option<&CourseRecord>, version: u32) -> bool {
    current.is_none_or(|record| version > record.version)
}

/// Applies a course snapshot of `version`: only a newer version changes the record.
pub fn apply_course_change(
    current: Option<&CourseRecord>,
    course_id: &str,
    version: u32,
    change: CourseChange,
) -> Applied {
    if !is_newer(current, version) {
        return Applied::Unchanged;
    }
    let mut record = current
        .cloned()
        .unwrap_or_else(|| CourseRecord::empty(course_id));
    record.version = version;
    record.listing = match change {
        CourseChange::Listed(mut listing) => {
            // The first publication's date stays: a later update does not make a course new.
            if let Some(previous) = current.and_then(|r| r.listing.as_ref()) {
                listing.published_at = listing.published_at.min(previous.published_at);
            }
            Some(listing)
        }
        CourseChange::Delisted => None,
    };
    Applied::Changed(record)
}

/// What raises a course's popularity, each counted once per enrollment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MarkKind {
    Enrolment,
    Completion,
}

/// One enrolment or completion: its key is what makes it count once.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PopularityMark {
    pub kind: MarkKind,
    pub course_id: String,
    pub enrollment_id: String,
}

impl PopularityMark {
    /// Unique per enrollment and kind: `enrolment:<enrollment id>`.
    pub fn key(&self) -> String {
        let kind = match self.kind {
            MarkKind::Enrolment => "enrolment",
            MarkKind::Completion => "completion",
        };
        format!("{kind}:{}", self.enrollment_id)
    }
}

/// Counts a mark unless it was `already_seen` (a redelivery or a duplicate publish).
pub fn apply_mark(
    current: Option<&CourseRecord>,
    mark: &PopularityMark,
    already_seen: bool,
) -> Applied {
    if already_seen {
        return Applied::Unchanged;
    }
    let mut record = current
        .cloned()
        .unwrap_or_else(|| CourseRecord::empty(&mark.course_id));
    match mark.kind {
        MarkKind::Enrolment => record.enrolments += 1,
        MarkKind::Completion => record.completions += 1,
    }
    Applied::Changed(record)
}

#[cfg(test)]
mod tests;
