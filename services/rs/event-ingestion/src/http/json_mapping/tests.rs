use prost::Message;
use serde_json::{Value, json};

use super::*;

/// Python's `json_format.MessageToDict(..., preserving_proto_field_name=True)` of every payload,
/// with the bytes Python encodes them to (ADR 0014's cross-language vectors).
const VECTORS: &str = include_str!("../../../../../../proto/testdata/events_v1_vectors.json");

fn read_one(event: &Value) -> Candidate {
    let body = json!({ "events": [event] }).to_string();
    candidates(body.as_bytes()).unwrap().remove(0)
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::new(), |mut text, b| {
        let _ = write!(text, "{b:02x}");
        text
    })
}

#[test]
fn what_pythons_json_format_writes_reads_to_the_bytes_python_encodes() {
    let vectors: Vec<Value> = serde_json::from_str(VECTORS).unwrap();
    let learning: Vec<&Value> = vectors
        .iter()
        .filter(|v| v["message"] == "edu.events.v1.LearningEvent")
        .collect();
    assert_eq!(learning.len(), 7, "one vector per payload");
    for vector in learning {
        let Candidate::Read(event) = read_one(&vector["json"]) else {
            panic!("{} was not read", vector["name"]);
        };
        assert_eq!(
            hex(&event.encode_to_vec()),
            vector["binary_hex"].as_str().unwrap(),
            "{}",
            vector["name"]
        );
    }
}

#[test]
fn the_lower_camel_case_names_json_format_writes_by_default_are_read_too() {
    // json_format.MessageToJson(batch) without preserving_proto_field_name.
    let body = r#"{"events": [{"id": "0e0e0e0e-0000-4000-8000-000000000001", "type": "lesson.heartbeat", "userId": "0b6c5e2a-0000-4000-8000-000000000001", "occurredAt": "2026-12-04T09:59:57.250Z", "courseId": "9a1b2c3d-0000-4000-8000-00000000c0de", "sessionId": "5e55e55e-0000-4000-8000-000000000005", "lessonHeartbeat": {"lessonId": "9a1b2c3d-0000-4000-8000-0000000001e5", "positionSeconds": 42, "durationSeconds": 600}}]}"#;
    let Candidate::Read(event) = candidates(body.as_bytes()).unwrap().remove(0) else {
        panic!("not read");
    };
    assert_eq!(event.user_id, "0b6c5e2a-0000-4000-8000-000000000001");
    assert_eq!(event.occurred_at.unwrap().nanos, 250_000_000);
    let Some(Payload::LessonHeartbeat(heartbeat)) = event.payload else {
        panic!("no heartbeat");
    };
    assert_eq!(
        (heartbeat.position_seconds, heartbeat.active_seconds),
        (42, 0)
    );
}

#[test]
fn a_uint32_may_be_a_decimal_string_as_the_mapping_allows() {
    let event = json!({"id": "x", "video_played": {"lesson_id": "l", "position_seconds": "93"}});
    let Candidate::Read(read) = read_one(&event) else {
        panic!("not read");
    };
    assert_eq!(
        read.payload,
        Some(Payload::VideoPlayed(pb::VideoPlayed {
            lesson_id: "l".into(),
            position_seconds: 93
        }))
    );
}

#[test]
fn a_malformed_event_is_explained_and_keeps_its_id() {
    let cases = [
        (
            json!({"id": "a", "video_played": {"position_seconds": -1}}),
            "-1 is not a uint32",
        ),
        (
            json!({"id": "a", "colour": "red"}),
            "unknown field `colour`",
        ),
        (
            json!({"id": "a", "occurred_at": "yesterday", "lesson_opened": {}}),
            "not an RFC 3339 time",
        ),
        (
            json!({"id": "a", "lesson_opened": {}, "video_played": {}}),
            "2 payloads",
        ),
    ];
    for (event, expected) in cases {
        let Candidate::Unreadable { id, reason } = read_one(&event) else {
            panic!("{event} was read");
        };
        assert_eq!(id, "a");
        assert!(reason.contains(expected), "{event}: {reason}");
    }
}

#[test]
fn a_body_that_is_not_a_batch_is_an_error_for_the_whole_request() {
    for body in [&b"[]"[..], b"{\"events\": 3}", b"{", b"{\"event\": []}"] {
        assert!(
            candidates(body).is_err(),
            "{}",
            String::from_utf8_lossy(body)
        );
    }
}
