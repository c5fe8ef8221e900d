use std::time::{Duration, SystemTime};

use edu_proto_gen::edu::events::v1::{
    LearningEvent, LessonHeartbeat, LessonOpened, SearchPerformed, VideoSeeked,
};
use prost_types::Timestamp;

use super::*;

const USER: &str = "0b6c5e2a-0000-4000-8000-000000000001";
const COURSE: &str = "9a1b2c3d-0000-4000-8000-00000000c0de";
const LESSON: &str = "9a1b2c3d-0000-4000-8000-0000000001e5";
const SESSION: &str = "5e55e55e-0000-4000-8000-000000000005";
/// 2026-12-04T10:00:00Z.
const NOW_SECONDS: i64 = 1_796_378_400;
const RULES: Rules = Rules {
    max_skew: Duration::from_mins(10),
};

fn now() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(NOW_SECONDS.unsigned_abs())
}

fn opened() -> LearningEvent {
    LearningEvent {
        id: "0e0e0e0e-0000-4000-8000-000000000001".into(),
        r#type: "lesson.opened".into(),
        user_id: USER.into(),
        occurred_at: Some(Timestamp {
            seconds: NOW_SECONDS - 3,
            nanos: 250_000_000,
        }),
        received_at: None,
        course_id: COURSE.into(),
        session_id: SESSION.into(),
        payload: Some(Payload::LessonOpened(LessonOpened {
            lesson_id: LESSON.into(),
        })),
    }
}

fn search(query: &str) -> LearningEvent {
    LearningEvent {
        r#type: "search.performed".into(),
        course_id: String::new(),
        payload: Some(Payload::SearchPerformed(SearchPerformed {
            query: query.into(),
            results: 3,
        })),
        ..opened()
    }
}

fn outcome(event: &LearningEvent) -> Result<(), Rejection> {
    check(event, USER, now(), RULES)
}

#[test]
fn a_complete_event_of_the_signed_in_user_is_accepted() {
    assert_eq!(outcome(&opened()), Ok(()));
    let heartbeat = LearningEvent {
        r#type: "lesson.heartbeat".into(),
        payload: Some(Payload::LessonHeartbeat(LessonHeartbeat {
            lesson_id: LESSON.into(),
            position_seconds: 42,
            duration_seconds: 600,
            active_seconds: 5,
        })),
        ..opened()
    };
    assert_eq!(outcome(&heartbeat), Ok(()));
    assert_eq!(outcome(&search("rust ownership")), Ok(()));
}

#[test]
fn the_user_id_compares_as_a_uuid_not_as_text() {
    let upper = LearningEvent {
        user_id: USER.to_ascii_uppercase(),
        ..opened()
    };
    assert_eq!(outcome(&upper), Ok(()));
}

#[test]
fn an_event_of_another_user_is_refused() {
    let theirs = LearningEvent {
        user_id: "0b6c5e2a-0000-4000-8000-000000000002".into(),
        ..opened()
    };
    assert_eq!(outcome(&theirs), Err(Rejection::NotYourEvent));
    let nobody = LearningEvent {
        user_id: String::new(),
        ..opened()
    };
    assert_eq!(outcome(&nobody), Err(Rejection::NotYourEvent));
}

#[test]
fn the_id_must_be_a_uuid() {
    for id in ["", "42", "0e0e0e0e-0000-4000-8000-00000000000"] {
        let event = LearningEvent {
            id: id.into(),
            ..opened()
        };
        assert_eq!(outcome(&event), Err(Rejection::BadId), "{id:?}");
    }
}

#[test]
fn the_type_must_be_known_and_match_the_payload() {
    let unknown = LearningEvent {
        r#type: "lesson.liked".into(),
        ..opened()
    };
    assert_eq!(
        outcome(&unknown),
        Err(Rejection::UnknownType("lesson.liked".into()))
    );
    let mismatch = LearningEvent {
        r#type: "video.seeked".into(),
        ..opened()
    };
    assert_eq!(
        outcome(&mismatch),
        Err(Rejection::TypeMismatch {
            kind: "video.seeked".into(),
            payload: "lesson.opened"
        })
    );
    let empty = LearningEvent {
        payload: None,
        ..opened()
    };
    assert_eq!(
        outcome(&empty),
        Err(Rejection::NoPayload(
            "lesson.opened".into(),
            "lesson_opened"
        ))
    );
}

#[test]
fn only_a_search_may_leave_the_course_empty() {
    let no_course = LearningEvent {
        course_id: String::new(),
        ..opened()
    };
    assert_eq!(
        outcome(&no_course),
        Err(Rejection::NoCourse("lesson.opened".into()))
    );
    let bad_course = LearningEvent {
        course_id: "course-1".into(),
        ..search("x")
    };
    assert_eq!(
        outcome(&bad_course),
        Err(Rejection::BadReference("course_id"))
    );
}

#[test]
fn lesson_and_session_ids_must_be_uuids() {
    let seeked = LearningEvent {
        r#type: "video.seeked".into(),
        payload: Some(Payload::VideoSeeked(VideoSeeked {
            lesson_id: "intro".into(),
            from_seconds: 1,
            to_seconds: 90,
        })),
        ..opened()
    };
    assert_eq!(outcome(&seeked), Err(Rejection::BadReference("lesson_id")));
    let no_session = LearningEvent {
        session_id: String::new(),
        ..opened()
    };
    assert_eq!(
        outcome(&no_session),
        Err(Rejection::BadReference("session_id"))
    );
}

#[test]
fn a_query_may_hold_200_characters_counted_as_characters_not_bytes() {
    assert_eq!(outcome(&search(&"é".repeat(200))), Ok(()));
    assert_eq!(
        outcome(&search(&"é".repeat(201))),
        Err(Rejection::QueryTooLong(201))
    );
}

#[test]
fn a_client_clock_off_by_more_than_the_skew_is_refused_either_way() {
    let at = |seconds: i64, nanos: i32| LearningEvent {
        occurred_at: Some(Timestamp { seconds, nanos }),
        ..opened()
    };
    assert_eq!(outcome(&at(NOW_SECONDS - 600, 0)), Ok(()));
    assert_eq!(outcome(&at(NOW_SECONDS + 600, 0)), Ok(()));
    assert_eq!(
        outcome(&at(NOW_SECONDS - 600, -1)),
        Err(Rejection::BadTime),
        "negative nanos are not a time"
    );
    assert_eq!(
        outcome(&at(NOW_SECONDS + 600, 1)),
        Err(Rejection::ClockSkew {
            seconds_off: 600,
            allowed_seconds: 600
        })
    );
    assert_eq!(
        outcome(&at(NOW_SECONDS - 3_601, 0)),
        Err(Rejection::ClockSkew {
            seconds_off: -3_601,
            allowed_seconds: 600
        })
    );
    let undated = LearningEvent {
        occurred_at: None,
        ..opened()
    };
    assert_eq!(outcome(&undated), Err(Rejection::NoTime));
}

#[test]
fn every_reason_reads_as_a_sentence_naming_the_field() {
    let reason = Rejection::ClockSkew {
        seconds_off: -3_601,
        allowed_seconds: 600,
    }
    .to_string();
    assert!(
        reason.starts_with("occurred_at is -3601 s away"),
        "{reason}"
    );
    let reason = Rejection::UnknownType("x".into()).to_string();
    assert!(reason.contains("lesson.heartbeat"), "{reason}");
}
