//! Domain events as they travel on JetStream: `edu.events.v1.EventEnvelope` in the protobuf
//! JSON mapping with the proto's field names (what `edu.events.encode` writes). Only what feeds
//! need is read; unknown fields and other payloads are ignored (additive changes stay safe).

use std::str::FromStr;

use serde::Deserialize;

use crate::domain::events::{CourseSnapshot, FeedEvent, Progress, Step};

/// A message that is not an event this worker can read: a fix is needed, not a retry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a readable event envelope: {0}")]
pub struct EnvelopeError(pub String);

#[derive(Debug, Deserialize)]
struct Envelope {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    version: u32,
    #[serde(default)]
    occurred_at: Option<String>,
    #[serde(default)]
    course_published: Option<CourseJson>,
    #[serde(default)]
    course_updated: Option<CourseJson>,
    #[serde(default)]
    course_unpublished: Option<CourseJson>,
    #[serde(default)]
    enrollment_created: Option<StudentJson>,
    #[serde(default)]
    lesson_completed: Option<StudentJson>,
    #[serde(default)]
    course_completed: Option<StudentJson>,
}

#[derive(Debug, Deserialize)]
struct CourseJson {
    #[serde(default)]
    course_id: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    lesson_ids: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct StudentJson {
    #[serde(default)]
    student_id: String,
    #[serde(default)]
    course_id: String,
    #[serde(default)]
    lesson_id: String,
    #[serde(default)]
    progress_percent: u32,
}

/// Milliseconds since the epoch of an RFC 3339 time; 0 when absent or unreadable (the
/// activity then leaves the latest one as it is).
pub fn millis(occurred_at: Option<&str>) -> i64 {
    let Some(text) = occurred_at else { return 0 };
    prost_types::Timestamp::from_str(text).map_or(0, |t| {
        t.seconds
            .saturating_mul(1000)
            .saturating_add(i64::from(t.nanos / 1_000_000))
    })
}

/// Reads one envelope into what feeds do with it.
pub fn decode(bytes: &[u8]) -> Result<FeedEvent, EnvelopeError> {
    let envelope: Envelope =
        serde_json::from_slice(bytes).map_err(|e| EnvelopeError(e.to_string()))?;
    let missing = |what: &str| EnvelopeError(format!("{} without its {what}", envelope.kind));
    let course = |payload: &Option<CourseJson>, published: bool| {
        let payload = payload.as_ref().ok_or_else(|| missing("payload"))?;
        if payload.course_id.is_empty() {
            return Err(missing("course_id"));
        }
        if envelope.version == 0 {
            return Err(missing("version"));
        }
        Ok(FeedEvent::Course(CourseSnapshot {
            course_id: payload.course_id.clone(),
            version: envelope.version,
            published,
            title: payload.title.clone(),
            lesson_ids: payload.lesson_ids.clone(),
        }))
    };
    let progress = |payload: &Option<StudentJson>, step: fn(&StudentJson) -> Step| {
        let payload = payload.as_ref().ok_or_else(|| missing("payload"))?;
        if payload.student_id.is_empty() || payload.course_id.is_empty() {
            return Err(missing("student_id and course_id"));
        }
        let step = step(payload);
        if matches!(&step, Step::LessonCompleted { lesson_id, .. } if lesson_id.is_empty()) {
            return Err(missing("lesson_id"));
        }
        Ok(FeedEvent::Progress(Progress {
            student_id: payload.student_id.clone(),
            course_id: payload.course_id.clone(),
            at_ms: millis(envelope.occurred_at.as_deref()),
            version: envelope.version,
            step,
        }))
    };
    match envelope.kind.as_str() {
        "course.published" => course(&envelope.course_published, true),
        "course.updated" => course(&envelope.course_updated, true),
        "course.unpublished" => course(&envelope.course_unpublished, false),
        "enrollment.created" => progress(&envelope.enrollment_created, |_| Step::Enrolled),
        "lesson.completed" => progress(&envelope.lesson_completed, |p| Step::LessonCompleted {
            lesson_id: p.lesson_id.clone(),
            progress_percent: p.progress_percent,
        }),
        "course.completed" => progress(&envelope.course_completed, |_| Step::CourseCompleted),
        _ => Ok(FeedEvent::Other),
    }
}

#[cfg(test)]
mod tests;
