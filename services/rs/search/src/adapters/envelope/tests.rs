use serde_json::Value;

use super::*;

/// The cross-language vectors every producer's encoding is checked against.
const VECTORS: &str = include_str!("../../../../../../proto/testdata/events_v1_vectors.json");

fn vector(name: &str) -> Vec<u8> {
    let all: Vec<Value> = serde_json::from_str(VECTORS).unwrap();
    let found = all.iter().find(|v| v["name"] == name).unwrap();
    serde_json::to_vec(&found["json"]).unwrap()
}

#[test]
fn a_published_course_is_read_from_the_shared_vector() {
    assert_eq!(
        decode(&vector("course_published")).unwrap(),
        CatalogueEvent::CourseListed {
            course_id: "c-1".into(),
            version: 2
        }
    );
}

#[test]
fn enrolments_and_completions_become_marks() {
    let mark = |kind| {
        CatalogueEvent::Popularity(PopularityMark {
            kind,
            course_id: "c-1".into(),
            enrollment_id: "e-1".into(),
        })
    };
    assert_eq!(
        decode(&vector("enrollment_created")).unwrap(),
        mark(MarkKind::Enrolment)
    );
    assert_eq!(
        decode(&vector("course_completed")).unwrap(),
        mark(MarkKind::Completion)
    );
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
fn unpublishing_and_updates_are_read() {
    let unpublished = br#"{"id":"x","type":"course.unpublished","version":5,
        "course_unpublished":{"course_id":"c-9","title":"t"}}"#;
    assert_eq!(
        decode(unpublished).unwrap(),
        CatalogueEvent::CourseDelisted {
            course_id: "c-9".into(),
            version: 5
        }
    );
    let updated = br#"{"type":"course.updated","version":3,"course_updated":{"course_id":"c-9"}}"#;
    assert!(matches!(
        decode(updated).unwrap(),
        CatalogueEvent::CourseListed { version: 3, .. }
    ));
}

#[test]
fn events_the_catalogue_does_not_need_are_other() {
    let event = br#"{"type":"user.registered","version":1,"user_registered":{"user_id":"u"}}"#;
    assert_eq!(decode(event).unwrap(), CatalogueEvent::Other);
}

#[test]
fn a_broken_envelope_is_an_error_not_a_panic() {
    assert!(decode(b"not json").is_err());
    assert!(decode(br#"{"type":"course.published","version":1}"#).is_err());
    assert!(
        decode(br#"{"type":"course.published","course_published":{"course_id":"c"}}"#).is_err()
    );
    assert!(
        decode(br#"{"type":"enrollment.created","enrollment_created":{"course_id":"c"}}"#).is_err()
    );
}
