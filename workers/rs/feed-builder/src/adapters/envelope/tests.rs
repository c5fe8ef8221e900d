use serde_json::Value;

use super::*;

/// The cross-language vectors every producer's encoding is checked against.
const VECTORS: &str = include_str!("../../../../../../proto/testdata/events_v1_vectors.json");

fn vector(name: &str) -> Vec<u8> {
    let all: Vec<Value> = serde_json::from_str(VECTORS).unwrap();
    let found = all.iter().find(|v| v["name"] == name).unwrap();
    serde_json::to_vec(&found["json"]).unwrap()
}

/// 2026-12-04T17:45:07.123456789Z, as every shared vector stamps it.
const VECTOR_MS: i64 = 1_796_406_307_123;

#[test]
fn a_published_course_is_read_from_the_shared_vector() {
    assert_eq!(
        decode(&vector("course_published")).unwrap(),
        FeedEvent::Course(CourseSnapshot {
            course_id: "c-1".into(),
            version: 2,
            published: true,
            title: "Ünïcode & emoji 📚".into(),
            lesson_ids: vec!["l-1".into(), "l-2".into(), "l-3".into()],
        })
    );
}

#[test]
fn enrolment_and_progress_are_read_from_the_shared_vectors() {
    let progress = |step| {
        FeedEvent::Progress(Progress {
            student_id: "u-2".into(),
            course_id: "c-1".into(),
            at_ms: VECTOR_MS,
            version: match &step {
                Step::Enrolled => 4,
                Step::LessonCompleted { .. } => 5,
                Step::CourseCompleted => 6,
            },
            step,
        })
    };
    assert_eq!(
        decode(&vector("enrollment_created")).unwrap(),
        progress(Step::Enrolled)
    );
    assert_eq!(
        decode(&vector("lesson_completed")).unwrap(),
        progress(Step::LessonCompleted {
            lesson_id: "l-2".into(),
            progress_percent: 67
        })
    );
    let FeedEvent::Progress(done) = decode(&vector("course_completed")).unwrap() else {
        panic!("course.completed is progress");
    };
    assert_eq!(done.step, Step::CourseCompleted);
}

#[test]
fn every_shared_vector_decodes_without_error() {
    let all: Vec<Value> = serde_json::from_str(VECTORS).unwrap();
    for v in all
        .iter()
        .filter(|v| v["message"] == "edu.events.v1.EventEnvelope")
    {
        let bytes = serde_json::to_vec(&v["json"]).unwrap();
        assert!(decode(&bytes).is_ok(), "{}", v["name"]);
    }
}

#[test]
fn unpublishing_is_a_snapshot_that_is_not_published() {
    let unpublished = br#"{"id":"x","type":"course.unpublished","version":5,
        "course_unpublished":{"course_id":"c-9","title":"t"}}"#;
    let FeedEvent::Course(course) = decode(unpublished).unwrap() else {
        panic!("a course snapshot");
    };
    assert!(!course.published);
    assert_eq!(course.version, 5);
}

#[test]
fn events_feeds_do_not_need_are_other() {
    let event = br#"{"type":"user.registered","version":1,"user_registered":{"user_id":"u"}}"#;
    assert_eq!(decode(event).unwrap(), FeedEvent::Other);
}

#[test]
fn an_envelope_without_what_it_names_is_refused() {
    for bytes in [
        &br#"{"type":"enrollment.created","version":1}"#[..],
        br#"{"type":"lesson.completed","version":1,"lesson_completed":{"student_id":"s","course_id":"c"}}"#,
        br#"{"type":"course.published","version":0,"course_published":{"course_id":"c"}}"#,
        b"not json",
    ] {
        assert!(decode(bytes).is_err(), "{}", String::from_utf8_lossy(bytes));
    }
}

#[test]
fn an_unreadable_time_is_no_time() {
    assert_eq!(millis(None), 0);
    assert_eq!(millis(Some("yesterday")), 0);
    assert_eq!(millis(Some("1970-01-01T00:00:01.5Z")), 1500);
}
