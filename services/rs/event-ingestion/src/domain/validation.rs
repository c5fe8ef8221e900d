//! Whether one learning event may be published: a UUID id, a known type matching its payload,
//! the signed-in user as its user, a course (except for a catalogue search), a lesson where the
//! payload names one, a query of at most 200 characters, and a client time within the allowed
//! skew of the server's clock.

use std::time::{Duration, SystemTime};

use edu_proto_gen::edu::events::v1::LearningEvent;
use edu_proto_gen::edu::events::v1::learning_event::Payload;

/// The longest search query kept (the proto's documented limit).
pub const MAX_QUERY_CHARS: usize = 200;

/// Every event type, as `type` names it and as the subject's suffix.
pub const EVENT_TYPES: [&str; 7] = [
    "lesson.opened",
    "lesson.heartbeat",
    "lesson.finished",
    "search.performed",
    "video.played",
    "video.paused",
    "video.seeked",
];

/// The limits that come from settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rules {
    /// How far `occurred_at` may be from the server's clock, either way.
    pub max_skew: Duration,
}

/// Why one event was refused; the message is what the client reads.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Rejection {
    #[error("id is not a UUID")]
    BadId,
    #[error("type {0:?} is not a learning event type (one of {types})", types = EVENT_TYPES.join(", "))]
    UnknownType(String),
    #[error("the event has no payload (for type {0:?} it is {1})")]
    NoPayload(String, &'static str),
    #[error("type {kind:?} does not match the payload, which is for {payload:?}")]
    TypeMismatch { kind: String, payload: &'static str },
    #[error("user_id is not the signed-in user")]
    NotYourEvent,
    #[error("{0} is not a UUID")]
    BadReference(&'static str),
    #[error("course_id is required for {0:?} (only search.performed may leave it empty)")]
    NoCourse(String),
    #[error("query is {0} characters long; at most {MAX_QUERY_CHARS} are allowed")]
    QueryTooLong(usize),
    #[error("occurred_at is missing")]
    NoTime,
    #[error("occurred_at is not a valid time")]
    BadTime,
    #[error(
        "occurred_at is {seconds_off} s away from the server's clock; at most {allowed_seconds} s \
         either way are allowed"
    )]
    ClockSkew {
        seconds_off: i64,
        allowed_seconds: u64,
    },
}

/// The type a payload belongs to, and the JSON/proto field that holds it.
pub fn payload_type(payload: &Payload) -> (&'static str, &'static str) {
    match payload {
        Payload::LessonOpened(_) => ("lesson.opened", "lesson_opened"),
        Payload::LessonHeartbeat(_) => ("lesson.heartbeat", "lesson_heartbeat"),
        Payload::LessonFinished(_) => ("lesson.finished", "lesson_finished"),
        Payload::SearchPerformed(_) => ("search.performed", "search_performed"),
        Payload::VideoPlayed(_) => ("video.played", "video_played"),
        Payload::VideoPaused(_) => ("video.paused", "video_paused"),
        Payload::VideoSeeked(_) => ("video.seeked", "video_seeked"),
    }
}

/// The field that carries a type's payload (`lesson.opened` -> `lesson_opened`).
fn payload_field(kind: &str) -> &'static str {
    match kind {
        "lesson.opened" => "lesson_opened",
        "lesson.heartbeat" => "lesson_heartbeat",
        "lesson.finished" => "lesson_finished",
        "search.performed" => "search_performed",
        "video.played" => "video_played",
        "video.paused" => "video_paused",
        _ => "video_seeked",
    }
}

/// Checks `event` for the signed-in `user_id` at the server's `now`.
pub fn check(
    event: &LearningEvent,
    user_id: &str,
    now: SystemTime,
    rules: Rules,
) -> Result<(), Rejection> {
    if !is_uuid(&event.id) {
        return Err(Rejection::BadId);
    }
    if !EVENT_TYPES.contains(&event.r#type.as_str()) {
        return Err(Rejection::UnknownType(event.r#type.clone()));
    }
    let Some(payload) = &event.payload else {
        return Err(Rejection::NoPayload(
            event.r#type.clone(),
            payload_field(&event.r#type),
        ));
    };
    let (payload_kind, _) = payload_type(payload);
    if payload_kind != event.r#type {
        return Err(Rejection::TypeMismatch {
            kind: event.r#type.clone(),
            payload: payload_kind,
        });
    }
    if !same_user(&event.user_id, user_id) {
        return Err(Rejection::NotYourEvent);
    }
    if !is_uuid(&event.session_id) {
        return Err(Rejection::BadReference("session_id"));
    }
    check_course(event, payload)?;
    check_payload(payload)?;
    check_time(event, now, rules)
}

fn check_course(event: &LearningEvent, payload: &Payload) -> Result<(), Rejection> {
    if event.course_id.is_empty() {
        return match payload {
            Payload::SearchPerformed(_) => Ok(()),
            _ => Err(Rejection::NoCourse(event.r#type.clone())),
        };
    }
    if is_uuid(&event.course_id) {
        Ok(())
    } else {
        Err(Rejection::BadReference("course_id"))
    }
}

fn check_payload(payload: &Payload) -> Result<(), Rejection> {
    let lesson = match payload {
        Payload::LessonOpened(p) => &p.lesson_id,
        Payload::LessonHeartbeat(p) => &p.lesson_id,
        Payload::LessonFinished(p) => &p.lesson_id,
        Payload::VideoPlayed(p) => &p.lesson_id,
        Payload::VideoPaused(p) => &p.lesson_id,
        Payload::VideoSeeked(p) => &p.lesson_id,
        Payload::SearchPerformed(search) => {
            let length = search.query.chars().count();
            return if length > MAX_QUERY_CHARS {
                Err(Rejection::QueryTooLong(length))
            } else {
                Ok(())
            };
        }
    };
    if is_uuid(lesson) {
        Ok(())
    } else {
        Err(Rejection::BadReference("lesson_id"))
    }
}

fn check_time(event: &LearningEvent, now: SystemTime, rules: Rules) -> Result<(), Rejection> {
    let occurred = event.occurred_at.as_ref().ok_or(Rejection::NoTime)?;
    if !(0..1_000_000_000).contains(&occurred.nanos) {
        return Err(Rejection::BadTime);
    }
    let now = now
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or_default();
    let now_nanos = i128::try_from(now.as_nanos()).unwrap_or(i128::MAX);
    let occurred_nanos = i128::from(occurred.seconds) * 1_000_000_000 + i128::from(occurred.nanos);
    let off = occurred_nanos - now_nanos;
    if off.unsigned_abs() > rules.max_skew.as_nanos() {
        let seconds_off = i64::try_from(off / 1_000_000_000).unwrap_or(i64::MAX);
        return Err(Rejection::ClockSkew {
            seconds_off,
            allowed_seconds: rules.max_skew.as_secs(),
        });
    }
    Ok(())
}

fn is_uuid(text: &str) -> bool {
    uuid::Uuid::try_parse(text).is_ok()
}

fn same_user(event_user: &str, signed_in: &str) -> bool {
    match (
        uuid::Uuid::try_parse(event_user),
        uuid::Uuid::try_parse(signed_in),
    ) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

#[cfg(test)]
mod tests;
