//! Hand-written doubles of the ports for unit tests: [`FakeIndex`] keeps records and marks in
//! maps and matches words by the domain's own rules; [`FakeDirectory`] answers snapshots set by
//! the test and counts the questions; [`FixedClock`] never moves.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use edu_common::clock::Clock;

use crate::app::ports::{
    CourseDirectory, CourseSnapshot, DirectoryError, IndexError, SearchIndex, SnapshotFuture,
};
use crate::domain::catalogue::{CourseRecord, Listing, PopularityMark};
use crate::domain::highlight::edit_distance;
use crate::domain::query::{typo_budget, words};

#[derive(Debug, Default)]
pub struct FakeIndex {
    records: Mutex<HashMap<String, CourseRecord>>,
    marks: Mutex<HashSet<String>>,
    pub commits: Mutex<usize>,
    /// Every store, in order (what the use case wrote).
    pub stored: Mutex<Vec<CourseRecord>>,
}

impl FakeIndex {
    pub fn get(&self, course_id: &str) -> Option<CourseRecord> {
        self.records.lock().unwrap().get(course_id).cloned()
    }

    pub fn put(&self, record: CourseRecord) {
        self.records
            .lock()
            .unwrap()
            .insert(record.course_id.clone(), record);
    }
}

fn text_of(listing: &Listing) -> Vec<String> {
    let mut all = words(&listing.title);
    all.extend(words(&listing.summary));
    all.extend(listing.tags.iter().flat_map(|t| words(t)));
    all.extend(listing.lessons.iter().flat_map(|l| words(l)));
    all
}

fn word_matches(word: &str, token: &str, last: bool) -> bool {
    let (w, t): (Vec<char>, Vec<char>) = (word.chars().collect(), token.chars().collect());
    (last && t.starts_with(&w)) || edit_distance(&w, &t) <= usize::from(typo_budget(word))
}

impl SearchIndex for FakeIndex {
    fn record(&self, course_id: &str) -> Result<Option<CourseRecord>, IndexError> {
        Ok(self.get(course_id))
    }

    fn has_mark(&self, key: &str) -> Result<bool, IndexError> {
        Ok(self.marks.lock().unwrap().contains(key))
    }

    fn store(
        &self,
        record: &CourseRecord,
        mark: Option<&PopularityMark>,
    ) -> Result<(), IndexError> {
        if let Some(mark) = mark {
            self.marks.lock().unwrap().insert(mark.key());
        }
        self.stored.lock().unwrap().push(record.clone());
        self.put(record.clone());
        Ok(())
    }

    fn commit(&self) -> Result<(), IndexError> {
        *self.commits.lock().unwrap() += 1;
        Ok(())
    }

    #[allow(clippy::cast_precision_loss, reason = "a handful of words")]
    fn matching(&self, query: &[String]) -> Result<Vec<(f64, CourseRecord)>, IndexError> {
        let records = self.records.lock().unwrap();
        let mut found = Vec::new();
        for record in records.values() {
            let Some(listing) = &record.listing else {
                continue;
            };
            let tokens = text_of(listing);
            let mut score = 0.0;
            let all = query.iter().enumerate().all(|(i, word)| {
                let last = i + 1 == query.len();
                let hits = tokens
                    .iter()
                    .filter(|t| word_matches(word, t, last))
                    .count();
                score += hits as f64;
                hits > 0
            });
            if all {
                found.push((score, record.clone()));
            }
        }
        Ok(found)
    }

    fn is_fresh(&self) -> Result<bool, IndexError> {
        Ok(self.records.lock().unwrap().is_empty())
    }
}

#[derive(Debug, Default)]
pub struct FakeDirectory {
    snapshots: Mutex<HashMap<String, CourseSnapshot>>,
    pub asked: Mutex<Vec<String>>,
    pub down: Mutex<bool>,
}

impl FakeDirectory {
    pub fn publish(&self, course_id: &str, version: u32, listing: Listing) {
        self.snapshots
            .lock()
            .unwrap()
            .insert(course_id.to_owned(), CourseSnapshot { version, listing });
    }

    pub fn unpublish(&self, course_id: &str) {
        self.snapshots.lock().unwrap().remove(course_id);
    }
}

impl CourseDirectory for FakeDirectory {
    fn published(&self, course_id: &str) -> SnapshotFuture<'_> {
        self.asked.lock().unwrap().push(course_id.to_owned());
        let answer = if *self.down.lock().unwrap() {
            Err(DirectoryError("down".into()))
        } else {
            Ok(self.snapshots.lock().unwrap().get(course_id).cloned())
        };
        Box::pin(async move { answer })
    }
}

/// A clock stopped at `seconds` after the Unix epoch.
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub u64);

impl Clock for FixedClock {
    fn now(&self) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(self.0)
    }

    fn monotonic(&self) -> Instant {
        Instant::now()
    }
}

/// A listing with `title`, published at `published_at` seconds.
pub fn listing(title: &str, published_at: i64) -> Listing {
    Listing {
        title: title.to_owned(),
        summary: String::new(),
        level: "beginner".to_owned(),
        tags: vec![],
        teacher_id: "teacher-1".to_owned(),
        lessons: vec![],
        published_at,
    }
}
