//! A student's feed from what is known about them ([`StudentView`]): "continue learning" here,
//! "recommended next" in [`crate::domain::recommend`]; every list is bounded.

use std::collections::{BTreeSet, HashMap};

use crate::domain::recommend::{Recommendation, recommend};

/// One course a student is enrolled in.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Enrolment {
    pub course_id: String,
    /// The latest activity in it (enrolling, a lesson, completing), ms since the epoch.
    pub last_activity_ms: i64,
    /// As enrollment measured it with the newest progress event.
    pub progress_percent: u32,
    pub completed: bool,
    /// The lessons completed so far.
    pub done_lessons: BTreeSet<String>,
}

/// A course as its newest snapshot event shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CourseInfo {
    pub title: String,
    pub published: bool,
    pub lesson_ids: Vec<String>,
}

/// Everything one student's feed is computed from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StudentView {
    pub student_id: String,
    pub enrolments: Vec<Enrolment>,
    /// The courses known (by a snapshot event) among the student's own and the candidates.
    pub courses: HashMap<String, CourseInfo>,
    /// For each of the student's courses X: the other courses Y with how many students took
    /// both X and Y, most first (at most the store's neighbour limit of them).
    pub neighbours: HashMap<String, Vec<(String, u32)>>,
}

impl StudentView {
    pub fn title_of(&self, course_id: &str) -> Option<&str> {
        self.courses.get(course_id).map(|c| c.title.as_str())
    }
}

/// An enrolled course not completed yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContinueItem {
    pub course_id: String,
    /// None while the course's snapshot is unknown.
    pub title: Option<String>,
    pub progress_percent: u32,
    pub last_activity_ms: i64,
    /// The first lesson in the course's order not done yet; None when the lessons are unknown
    /// (or all done).
    pub next_lesson_id: Option<String>,
}

/// What web shows a student on the home page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feed {
    pub student_id: String,
    pub continue_learning: Vec<ContinueItem>,
    pub recommended: Vec<Recommendation>,
}

/// The feed of `view`, each list at most `limit` long.
pub fn build_feed(view: &StudentView, limit: usize) -> Feed {
    Feed {
        student_id: view.student_id.clone(),
        continue_learning: continue_learning(view, limit),
        recommended: recommend(view, limit),
    }
}

/// Enrolled and not completed, the most recent activity first (then by course id, so the order
/// never depends on how the store listed them), at most `limit`.
pub fn continue_learning(view: &StudentView, limit: usize) -> Vec<ContinueItem> {
    let mut open: Vec<&Enrolment> = view.enrolments.iter().filter(|e| !e.completed).collect();
    open.sort_by(|a, b| {
        b.last_activity_ms
            .cmp(&a.last_activity_ms)
            .then_with(|| a.course_id.cmp(&b.course_id))
    });
    open.into_iter()
        .take(limit)
        .map(|e| {
            let course = view.courses.get(&e.course_id);
            ContinueItem {
                course_id: e.course_id.clone(),
                title: course.map(|c| c.title.clone()),
                progress_percent: e.progress_percent.min(100),
                last_activity_ms: e.last_activity_ms,
                next_lesson_id: course.and_then(|c| next_lesson(&c.lesson_ids, &e.done_lessons)),
            }
        })
        .collect()
}

/// The first of `lessons` (in the course's order) not in `done`.
pub fn next_lesson(lessons: &[String], done: &BTreeSet<String>) -> Option<String> {
    lessons.iter().find(|l| !done.contains(*l)).cloned()
}

#[cfg(test)]
mod tests;
