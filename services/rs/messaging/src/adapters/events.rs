//! Events on the wire, as every service writes them (`edu.events.codec`): an
//! `edu.events.v1.EventEnvelope` in the protobuf JSON mapping with the proto's field names,
//! `occurred_at` RFC 3339 in UTC, the payload under the oneof member named after the event,
//! default values left out.
//!
//! Out: `qa.question_posted` (`QaQuestionPosted`) and `qa.answer_posted` (`QaAnswerPosted`),
//! stored in the outbox with their payload already in that mapping ([`outbox_record`]) and
//! checked against the message's fields again when the relay encodes them ([`encode`]).
//! In: `enrollment.created`, `course.published` / `course.updated` / `course.unpublished` and
//! `moderation.decided` ([`decode`]); unknown fields are ignored, as the proto's rules for
//! additive changes expect.

use std::time::SystemTime;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use crate::app::ports::OutboxRecord;
use crate::domain::moderation::{Decision, Outcome};
use crate::domain::posts::{Kind, Post};

/// A stored event that does not match `edu.events.v1`: it needs a fix, not a retry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind} event {id}: {reason}")]
pub struct ContractError {
    pub kind: String,
    pub id: String,
    pub reason: String,
}

/// `QaQuestionPosted` and `QaAnswerPosted` in one shape (`answer_id` and `question_id` as the
/// message has them).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
struct PostedJson {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    answer_id: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    question_id: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    course_id: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    author_id: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    body: String,
}

/// The event announcing `post`, as the outbox stores it (version 1: a post is announced once).
pub fn outbox_record(id: Uuid, post: &Post) -> OutboxRecord {
    let (kind, aggregate, payload) = match post.kind {
        Kind::Question => (
            "qa.question_posted",
            "question",
            PostedJson {
                answer_id: String::new(),
                question_id: post.id.to_string(),
                course_id: post.course_id.to_string(),
                author_id: post.author_id.to_string(),
                body: post.body.clone(),
            },
        ),
        Kind::Answer => (
            "qa.answer_posted",
            "answer",
            PostedJson {
                answer_id: post.id.to_string(),
                question_id: post.question_id.map(|q| q.to_string()).unwrap_or_default(),
                course_id: post.course_id.to_string(),
                author_id: post.author_id.to_string(),
                body: post.body.clone(),
            },
        ),
    };
    OutboxRecord {
        position: 0,
        id,
        kind: kind.to_owned(),
        aggregate: aggregate.to_owned(),
        aggregate_id: post.id.to_string(),
        version: 1,
        occurred_at: post.created_at,
        payload: serde_json::to_value(payload)
            .unwrap_or_else(|_| unreachable!("strings always serialize")),
    }
}

/// `time` as the JSON mapping writes it (`2026-12-05T12:00:00.123456Z`).
pub fn rfc3339(time: SystemTime) -> String {
    prost_types::Timestamp::from(time).to_string()
}

/// The JetStream subject of an event type: `<prefix>.<type>` (`events.qa.question_posted`).
pub fn subject(prefix: &str, kind: &str) -> String {
    format!("{prefix}.{kind}")
}

/// The stored event's message body; refused when its payload is not its type's message.
pub fn encode(record: &OutboxRecord) -> Result<Vec<u8>, ContractError> {
    let refuse = |reason: String| ContractError {
        kind: record.kind.clone(),
        id: record.id.to_string(),
        reason,
    };
    let member = match record.kind.as_str() {
        "qa.question_posted" => "qa_question_posted",
        "qa.answer_posted" => "qa_answer_posted",
        other => return Err(refuse(format!("messaging does not publish {other:?}"))),
    };
    let payload: PostedJson = serde_json::from_value(record.payload.clone())
        .map_err(|e| refuse(format!("its payload is not the proto's: {e}")))?;
    let answer = member == "qa_answer_posted";
    if payload.question_id.is_empty()
        || payload.course_id.is_empty()
        || payload.author_id.is_empty()
        || payload.answer_id.is_empty() == answer
    {
        return Err(refuse("its payload lacks an id".into()));
    }
    let version = u32::try_from(record.version)
        .ok()
        .filter(|v| *v > 0)
        .ok_or_else(|| refuse(format!("version {} is not a uint32", record.version)))?;
    let mut envelope = serde_json::Map::new();
    envelope.insert("id".into(), Value::String(record.id.to_string()));
    envelope.insert("type".into(), Value::String(record.kind.clone()));
    envelope.insert(
        "occurred_at".into(),
        Value::String(rfc3339(record.occurred_at)),
    );
    envelope.insert("aggregate".into(), Value::String(record.aggregate.clone()));
    envelope.insert(
        "aggregate_id".into(),
        Value::String(record.aggregate_id.clone()),
    );
    envelope.insert("version".into(), Value::from(version));
    envelope.insert(
        member.into(),
        serde_json::to_value(payload).map_err(|e| refuse(e.to_string()))?,
    );
    serde_json::to_vec(&Value::Object(envelope)).map_err(|e| refuse(e.to_string()))
}

/// A message that is not an event messaging can read: a fix is needed, not a retry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a readable event envelope: {0}")]
pub struct EnvelopeError(pub String);

/// What messaging learns from an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Incoming {
    Enrolled {
        enrollment_id: Uuid,
        course_id: Uuid,
        student_id: Uuid,
    },
    Teacher {
        course_id: Uuid,
        teacher_id: Uuid,
        version: u32,
    },
    Decided(Decision),
    /// An event messaging has no use for (a course's moderation, another type).
    Other,
}

#[derive(Debug, Deserialize)]
struct Envelope {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    version: u32,
    #[serde(default)]
    enrollment_created: Option<EnrolledJson>,
    #[serde(default)]
    course_published: Option<CourseJson>,
    #[serde(default)]
    course_updated: Option<CourseJson>,
    #[serde(default)]
    course_unpublished: Option<CourseJson>,
    #[serde(default)]
    moderation_decided: Option<DecidedJson>,
}

#[derive(Debug, Deserialize)]
#[allow(clippy::struct_field_names, reason = "the proto's field names")]
struct EnrolledJson {
    #[serde(default)]
    enrollment_id: String,
    #[serde(default)]
    student_id: String,
    #[serde(default)]
    course_id: String,
}

#[derive(Debug, Deserialize)]
struct CourseJson {
    #[serde(default)]
    course_id: String,
    #[serde(default)]
    teacher_id: String,
}

#[derive(Debug, Deserialize)]
struct DecidedJson {
    #[serde(default)]
    kind: Value,
    #[serde(default)]
    subject_id: String,
    #[serde(default)]
    course_id: String,
    #[serde(default)]
    outcome: Value,
}

/// An enum of the JSON mapping: its name, or its number.
fn enum_value(value: &Value, names: &[&str]) -> i64 {
    match value {
        Value::String(name) => names
            .iter()
            .position(|n| n == name)
            .and_then(|i| i64::try_from(i).ok())
            .unwrap_or(-1),
        Value::Number(n) => n.as_i64().unwrap_or(-1),
        _ => 0,
    }
}

const ITEM_KINDS: [&str; 4] = [
    "MODERATED_ITEM_KIND_UNSPECIFIED",
    "MODERATED_ITEM_KIND_QUESTION",
    "MODERATED_ITEM_KIND_ANSWER",
    "MODERATED_ITEM_KIND_COURSE",
];

const OUTCOMES: [&str; 4] = [
    "MODERATION_OUTCOME_UNSPECIFIED",
    "MODERATION_OUTCOME_ALLOW",
    "MODERATION_OUTCOME_HOLD",
    "MODERATION_OUTCOME_REJECT",
];

/// Reads one envelope into what messaging does with it.
pub fn decode(bytes: &[u8]) -> Result<Incoming, EnvelopeError> {
    let envelope: Envelope =
        serde_json::from_slice(bytes).map_err(|e| EnvelopeError(e.to_string()))?;
    let kind = envelope.kind.clone();
    let id = |text: &str, what: &str| {
        Uuid::parse_str(text).map_err(|_| EnvelopeError(format!("{kind} without a valid {what}")))
    };
    let missing = |what: &str| EnvelopeError(format!("{kind} without its {what}"));
    match kind.as_str() {
        "enrollment.created" => {
            let p = envelope
                .enrollment_created
                .as_ref()
                .ok_or_else(|| missing("payload"))?;
            Ok(Incoming::Enrolled {
                enrollment_id: id(&p.enrollment_id, "enrollment_id")?,
                course_id: id(&p.course_id, "course_id")?,
                student_id: id(&p.student_id, "student_id")?,
            })
        }
        "course.published" | "course.updated" | "course.unpublished" => {
            let p = envelope
                .course_published
                .as_ref()
                .or(envelope.course_updated.as_ref())
                .or(envelope.course_unpublished.as_ref())
                .ok_or_else(|| missing("payload"))?;
            if envelope.version == 0 {
                return Err(missing("version"));
            }
            Ok(Incoming::Teacher {
                course_id: id(&p.course_id, "course_id")?,
                teacher_id: id(&p.teacher_id, "teacher_id")?,
                version: envelope.version,
            })
        }
        "moderation.decided" => {
            let p = envelope
                .moderation_decided
                .as_ref()
                .ok_or_else(|| missing("payload"))?;
            let item = enum_value(&p.kind, &ITEM_KINDS);
            if item != 1 && item != 2 {
                return Ok(Incoming::Other); // a course's title: the course service's business
            }
            if envelope.version == 0 {
                return Err(missing("version"));
            }
            // Unset (or unknown): treated as held, as the proto says.
            let outcome = match enum_value(&p.outcome, &OUTCOMES) {
                1 => Outcome::Allow,
                3 => Outcome::Reject,
                _ => Outcome::Hold,
            };
            Ok(Incoming::Decided(Decision {
                post_id: id(&p.subject_id, "subject_id")?,
                course_id: id(&p.course_id, "course_id")?,
                outcome,
                version: envelope.version,
            }))
        }
        _ => Ok(Incoming::Other),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const COURSE: &str = "00000000-0000-4000-8000-0000000000c0";
    const POST: &str = "00000000-0000-4000-8000-000000000001";

    fn post(question: Option<Uuid>) -> Post {
        Post::new(
            Uuid::parse_str(POST).unwrap(),
            Uuid::parse_str(COURSE).unwrap(),
            question,
            Uuid::from_u128(7),
            "Why?".into(),
            SystemTime::UNIX_EPOCH + std::time::Duration::from_millis(1_500),
        )
    }

    #[test]
    fn a_question_goes_out_as_the_protos_json_under_its_oneof_member() {
        let record = outbox_record(Uuid::from_u128(5), &post(None));
        let body: Value = serde_json::from_slice(&encode(&record).unwrap()).unwrap();
        assert_eq!(
            body,
            json!({
                "id": "00000000-0000-0000-0000-000000000005",
                "type": "qa.question_posted",
                "occurred_at": "1970-01-01T00:00:01.500Z",
                "aggregate": "question",
                "aggregate_id": POST,
                "version": 1,
                "qa_question_posted": {
                    "question_id": POST,
                    "course_id": COURSE,
                    "author_id": "00000000-0000-0000-0000-000000000007",
                    "body": "Why?"
                }
            })
        );
    }

    #[test]
    fn an_answer_names_itself_and_its_question() {
        let question = Uuid::from_u128(3);
        let record = outbox_record(Uuid::from_u128(6), &post(Some(question)));
        let body: Value = serde_json::from_slice(&encode(&record).unwrap()).unwrap();
        assert_eq!(body["type"], "qa.answer_posted");
        assert_eq!(body["qa_answer_posted"]["answer_id"], POST);
        assert_eq!(
            body["qa_answer_posted"]["question_id"],
            question.to_string()
        );
    }

    #[test]
    fn a_stored_payload_that_breaks_the_contract_is_refused() {
        let mut record = outbox_record(Uuid::from_u128(5), &post(None));
        record.payload["extra"] = json!(1);
        assert!(
            encode(&record)
                .unwrap_err()
                .reason
                .contains("not the proto's")
        );
        let mut record = outbox_record(Uuid::from_u128(5), &post(None));
        record.kind = "qa.deleted".into();
        assert!(encode(&record).is_err());
    }

    #[test]
    fn decisions_are_read_by_enum_name_or_number_and_unset_means_held() {
        let decided = |outcome: Value| {
            json!({"id": "e", "type": "moderation.decided", "version": 2,
                "moderation_decided": {"item_id": "i", "kind": "MODERATED_ITEM_KIND_ANSWER",
                "subject_id": POST, "course_id": COURSE, "outcome": outcome,
                "reasons": [{"code": "x"}]}})
        };
        let outcome = |value: Value| match decode(decided(value).to_string().as_bytes()) {
            Ok(Incoming::Decided(d)) => (d.outcome, d.version),
            other => panic!("{other:?}"),
        };
        assert_eq!(
            outcome(json!("MODERATION_OUTCOME_ALLOW")),
            (Outcome::Allow, 2)
        );
        assert_eq!(outcome(json!(3)), (Outcome::Reject, 2));
        assert_eq!(outcome(Value::Null), (Outcome::Hold, 2));
    }

    #[test]
    fn a_course_decision_is_none_of_messagings_business() {
        let event = json!({"type": "moderation.decided", "version": 1,
            "moderation_decided": {"kind": "MODERATED_ITEM_KIND_COURSE", "subject_id": COURSE,
            "course_id": COURSE, "outcome": "MODERATION_OUTCOME_REJECT"}});
        assert_eq!(decode(event.to_string().as_bytes()), Ok(Incoming::Other));
    }

    #[test]
    fn enrolments_and_teachers_are_read_and_junk_is_refused() {
        let enrolled = json!({"type": "enrollment.created", "version": 1,
            "enrollment_created": {"enrollment_id": POST, "student_id": POST,
            "course_id": COURSE}});
        assert!(matches!(
            decode(enrolled.to_string().as_bytes()),
            Ok(Incoming::Enrolled { .. })
        ));
        let updated = json!({"type": "course.updated", "version": 4,
            "course_updated": {"course_id": COURSE, "teacher_id": POST, "title": "T",
            "lesson_ids": []}});
        assert_eq!(
            decode(updated.to_string().as_bytes()),
            Ok(Incoming::Teacher {
                course_id: Uuid::parse_str(COURSE).unwrap(),
                teacher_id: Uuid::parse_str(POST).unwrap(),
                version: 4
            })
        );
        assert!(decode(b"not json").is_err());
        let no_id = json!({"type": "enrollment.created", "enrollment_created": {}});
        assert!(decode(no_id.to_string().as_bytes()).is_err());
        let other = json!({"type": "lesson.completed", "lesson_completed": {}});
        assert_eq!(decode(other.to_string().as_bytes()), Ok(Incoming::Other));
    }
}
