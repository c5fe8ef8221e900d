//! The facts a feed is built from (decoded by `adapters::envelope`).

/// One decoded event, as far as feeds care.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeedEvent {
    /// Something a student did in a course (`enrollment.created`, `lesson.completed`,
    /// `course.completed`): each of them also says the student is enrolled.
    Progress(Progress),
    /// A course's snapshot (`course.published`, `course.updated`, `course.unpublished`).
    Course(CourseSnapshot),
    /// Any other event on the subjects read.
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    pub student_id: String,
    pub course_id: String,
    /// When it happened (the envelope's `occurred_at`), milliseconds since the epoch; 0 unknown.
    pub at_ms: i64,
    /// The enrollment aggregate's version: the newest progress figure wins, whatever the order
    /// of arrival.
    pub version: u32,
    pub step: Step,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Enrolled,
    LessonCompleted {
        lesson_id: String,
        progress_percent: u32,
    },
    CourseCompleted,
}

/// A course as its latest event shows it; a snapshot replaces an older version only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CourseSnapshot {
    pub course_id: String,
    pub version: u32,
    pub published: bool,
    pub title: String,
    /// Its lessons' ids, ordered by position.
    pub lesson_ids: Vec<String>,
}
