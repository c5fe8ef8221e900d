//! Hand-written doubles for unit tests: [`FakeStore`] keeps the facts in maps by the same
//! rules as the Redis store's script (a count per new (student, course), snapshots by version,
//! the newest progress by version, the latest activity), and can be told to fail.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::app::ports::{DirtyMark, FeedStore, Recorded, StoreError, StoreFuture};
use crate::domain::events::{CourseSnapshot, FeedEvent, Progress, Step};
use crate::domain::feed::{CourseInfo, Enrolment, Feed, StudentView};

#[derive(Debug, Default)]
struct State {
    courses: HashMap<String, (u32, CourseInfo)>,
    /// student -> course -> (enrolment, progress version)
    enrolments: BTreeMap<String, BTreeMap<String, (Enrolment, u32)>>,
    /// course -> other course -> students who took both
    co: HashMap<String, HashMap<String, u32>>,
    dirty: BTreeMap<String, u64>,
    feeds: HashMap<String, Feed>,
    writes: usize,
}

#[derive(Debug, Default)]
pub struct FakeStore {
    state: Mutex<State>,
    /// Fail every record from this many successful ones on (`usize::MAX`: never).
    fail_record_after: AtomicUsize,
    records: AtomicUsize,
    pub fail_writes: std::sync::atomic::AtomicBool,
}

impl FakeStore {
    pub fn new() -> Self {
        let store = Self::default();
        store.fail_record_after.store(usize::MAX, Ordering::SeqCst);
        store
    }

    pub fn failing_after(records: usize) -> Self {
        let store = Self::new();
        store.fail_record_after.store(records, Ordering::SeqCst);
        store
    }

    pub fn feed(&self, student: &str) -> Option<Feed> {
        self.state.lock().unwrap().feeds.get(student).cloned()
    }

    pub fn co_count(&self, a: &str, b: &str) -> u32 {
        let state = self.state.lock().unwrap();
        state.co.get(a).and_then(|m| m.get(b)).copied().unwrap_or(0)
    }

    pub fn marked(&self) -> Vec<String> {
        self.state.lock().unwrap().dirty.keys().cloned().collect()
    }

    pub fn writes(&self) -> usize {
        self.state.lock().unwrap().writes
    }
}

fn mark(state: &mut State, course: &str) {
    *state.dirty.entry(course.to_owned()).or_insert(0) += 1;
}

fn record_progress(state: &mut State, p: &Progress) -> Recorded {
    let own = state.enrolments.entry(p.student_id.clone()).or_default();
    let mut outcome = Recorded::Unchanged;
    if !own.contains_key(&p.course_id) {
        let others: Vec<String> = own.keys().cloned().collect();
        own.insert(
            p.course_id.clone(),
            (
                Enrolment {
                    course_id: p.course_id.clone(),
                    ..Enrolment::default()
                },
                0,
            ),
        );
        for other in &others {
            *state
                .co
                .entry(other.clone())
                .or_default()
                .entry(p.course_id.clone())
                .or_insert(0) += 1;
            *state
                .co
                .entry(p.course_id.clone())
                .or_default()
                .entry(other.clone())
                .or_insert(0) += 1;
        }
        for other in &others {
            mark(state, other);
        }
        if !others.is_empty() {
            mark(state, &p.course_id);
        }
        outcome = Recorded::NewEnrolment;
    }
    let (enrolment, progress_version) = state
        .enrolments
        .get_mut(&p.student_id)
        .and_then(|own| own.get_mut(&p.course_id))
        .expect("recorded above");
    let mut changed = false;
    if p.at_ms > enrolment.last_activity_ms {
        enrolment.last_activity_ms = p.at_ms;
        changed = true;
    }
    match &p.step {
        Step::Enrolled => {}
        Step::LessonCompleted {
            lesson_id,
            progress_percent,
        } => {
            changed |= enrolment.done_lessons.insert(lesson_id.clone());
            if p.version > *progress_version {
                *progress_version = p.version;
                enrolment.progress_percent = *progress_percent;
                changed = true;
            }
        }
        Step::CourseCompleted => {
            changed |= !enrolment.completed;
            enrolment.completed = true;
        }
    }
    if changed && outcome == Recorded::Unchanged {
        outcome = Recorded::Changed;
    }
    outcome
}

fn record_course(state: &mut State, c: &CourseSnapshot) -> Recorded {
    let current = state.courses.get(&c.course_id).cloned();
    if current.as_ref().is_some_and(|(v, _)| *v >= c.version) {
        return Recorded::Unchanged;
    }
    let info = CourseInfo {
        title: c.title.clone(),
        published: c.published,
        lesson_ids: c.lesson_ids.clone(),
    };
    let shown_elsewhere = current
        .as_ref()
        .is_none_or(|(_, old)| old.title != info.title || old.published != info.published);
    state.courses.insert(c.course_id.clone(), (c.version, info));
    mark(state, &c.course_id);
    if shown_elsewhere {
        let neighbours: Vec<String> = state
            .co
            .get(&c.course_id)
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default();
        for n in neighbours {
            mark(state, &n);
        }
    }
    Recorded::Changed
}

impl FeedStore for FakeStore {
    fn record(&self, event: &FeedEvent) -> StoreFuture<'_, Recorded> {
        let done = self.records.fetch_add(1, Ordering::SeqCst);
        let result = if done >= self.fail_record_after.load(Ordering::SeqCst) {
            Err(StoreError("the fake store is down".into()))
        } else {
            let mut state = self.state.lock().unwrap();
            Ok(match event {
                FeedEvent::Progress(p) => record_progress(&mut state, p),
                FeedEvent::Course(c) => record_course(&mut state, c),
                FeedEvent::Other => Recorded::Ignored,
            })
        };
        Box::pin(async move { result })
    }

    fn view(&self, student_id: &str, neighbours: usize) -> StoreFuture<'_, StudentView> {
        let state = self.state.lock().unwrap();
        let mut view = StudentView {
            student_id: student_id.to_owned(),
            ..StudentView::default()
        };
        let own = state
            .enrolments
            .get(student_id)
            .cloned()
            .unwrap_or_default();
        let mut wanted: BTreeSet<String> = own.keys().cloned().collect();
        for (course, (enrolment, _)) in own {
            let mut links: Vec<(String, u32)> = state
                .co
                .get(&course)
                .map(|m| m.iter().map(|(k, v)| (k.clone(), *v)).collect())
                .unwrap_or_default();
            links.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            links.truncate(neighbours);
            wanted.extend(links.iter().map(|(c, _)| c.clone()));
            view.neighbours.insert(course, links);
            view.enrolments.push(enrolment);
        }
        for course in wanted {
            if let Some((_, info)) = state.courses.get(&course) {
                view.courses.insert(course, info.clone());
            }
        }
        Box::pin(async move { Ok(view) })
    }

    fn write(&self, feed: &Feed) -> StoreFuture<'_, ()> {
        let result = if self.fail_writes.load(Ordering::SeqCst) {
            Err(StoreError("the fake store refuses writes".into()))
        } else {
            let mut state = self.state.lock().unwrap();
            state.feeds.insert(feed.student_id.clone(), feed.clone());
            state.writes += 1;
            Ok(())
        };
        Box::pin(async move { result })
    }

    fn dirty(&self, limit: usize) -> StoreFuture<'_, Vec<DirtyMark>> {
        let marks = self
            .state
            .lock()
            .unwrap()
            .dirty
            .iter()
            .take(limit)
            .map(|(course, generation)| DirtyMark {
                course_id: course.clone(),
                generation: *generation,
            })
            .collect();
        Box::pin(async move { Ok(marks) })
    }

    fn students_of(&self, course_id: &str) -> StoreFuture<'_, Vec<String>> {
        let students = self
            .state
            .lock()
            .unwrap()
            .enrolments
            .iter()
            .filter(|(_, own)| own.contains_key(course_id))
            .map(|(s, _)| s.clone())
            .collect();
        Box::pin(async move { Ok(students) })
    }

    fn settle(&self, mark: &DirtyMark) -> StoreFuture<'_, ()> {
        let mut state = self.state.lock().unwrap();
        if state.dirty.get(&mark.course_id) == Some(&mark.generation) {
            state.dirty.remove(&mark.course_id);
        }
        Box::pin(async move { Ok(()) })
    }
}

/// `enrollment.created` of `student` in `course` at `at_ms`.
pub fn enrolled(student: &str, course: &str, at_ms: i64) -> FeedEvent {
    FeedEvent::Progress(Progress {
        student_id: student.into(),
        course_id: course.into(),
        at_ms,
        version: 1,
        step: Step::Enrolled,
    })
}

/// `lesson.completed` at enrollment version `version`.
pub fn lesson_done(
    student: &str,
    course: &str,
    lesson: &str,
    percent: u32,
    version: u32,
    at_ms: i64,
) -> FeedEvent {
    FeedEvent::Progress(Progress {
        student_id: student.into(),
        course_id: course.into(),
        at_ms,
        version,
        step: Step::LessonCompleted {
            lesson_id: lesson.into(),
            progress_percent: percent,
        },
    })
}

pub fn completed(student: &str, course: &str, at_ms: i64) -> FeedEvent {
    FeedEvent::Progress(Progress {
        student_id: student.into(),
        course_id: course.into(),
        at_ms,
        version: 99,
        step: Step::CourseCompleted,
    })
}

/// A course snapshot: published with `title` and `lessons` at `version`.
pub fn course(id: &str, version: u32, published: bool, title: &str, lessons: &[&str]) -> FeedEvent {
    FeedEvent::Course(CourseSnapshot {
        course_id: id.into(),
        version,
        published,
        title: title.into(),
        lesson_ids: lessons.iter().map(|l| (*l).to_owned()).collect(),
    })
}
