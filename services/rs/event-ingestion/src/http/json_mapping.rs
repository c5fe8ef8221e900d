//! The JSON body: `{"events": [...]}`, each event in the protobuf JSON mapping with the proto's
//! field names (`user_id`; the lowerCamelCase names `json_format` writes by default, `userId`, are
//! accepted too), timestamps as RFC 3339 text, the payload under the field named after its type
//! (`"lesson_opened": {...}`), defaults omitted. Each event is read on its own: one malformed
//! event is reported by its index and the others still count.

use std::str::FromStr;

use edu_proto_gen::edu::events::v1 as pb;
use pb::learning_event::Payload;
use serde::{Deserialize, Deserializer};
use utoipa::ToSchema;

use crate::app::ingest::Candidate;

/// A batch of learning events (the JSON body; the protobuf body is `LearningEventBatch`).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EventBatch {
    /// At most 1,000 events, in the order the client recorded them.
    #[schema(value_type = Vec<LearningEventJson>)]
    pub events: Vec<serde_json::Value>,
}

/// One learning event (`edu.events.v1.LearningEvent` in the protobuf JSON mapping).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = LearningEvent)]
pub struct LearningEventJson {
    /// A UUID made by the client; a retried event keeps it (de-duplication).
    #[serde(default)]
    pub id: String,
    /// `lesson.opened`, `lesson.heartbeat`, `lesson.finished`, `search.performed`,
    /// `video.played`, `video.paused` or `video.seeked`; matches the payload.
    #[serde(default, rename = "type")]
    pub kind: String,
    /// The signed-in user (the access token's subject).
    #[serde(default, alias = "userId")]
    pub user_id: String,
    /// When it happened, RFC 3339 (UTC), within the allowed clock skew of the server.
    #[serde(default, alias = "occurredAt")]
    pub occurred_at: Option<String>,
    /// Left unset by clients: the server stamps it (overwriting any value sent).
    #[serde(default, alias = "receivedAt")]
    pub received_at: Option<String>,
    /// The course (a UUID); empty only for `search.performed`.
    #[serde(default, alias = "courseId")]
    pub course_id: String,
    /// One browser tab's visit (a UUID).
    #[serde(default, alias = "sessionId")]
    pub session_id: String,
    #[serde(default, alias = "lessonOpened")]
    pub lesson_opened: Option<LessonOpened>,
    #[serde(default, alias = "lessonHeartbeat")]
    pub lesson_heartbeat: Option<LessonHeartbeat>,
    #[serde(default, alias = "lessonFinished")]
    pub lesson_finished: Option<LessonFinished>,
    #[serde(default, alias = "searchPerformed")]
    pub search_performed: Option<SearchPerformed>,
    #[serde(default, alias = "videoPlayed")]
    pub video_played: Option<VideoPosition>,
    #[serde(default, alias = "videoPaused")]
    pub video_paused: Option<VideoPosition>,
    #[serde(default, alias = "videoSeeked")]
    pub video_seeked: Option<VideoSeeked>,
}

/// `lesson_opened`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LessonOpened {
    #[serde(default, alias = "lessonId")]
    pub lesson_id: String,
}

/// `lesson_heartbeat`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LessonHeartbeat {
    #[serde(default, alias = "lessonId")]
    pub lesson_id: String,
    #[serde(default, alias = "positionSeconds", deserialize_with = "uint32")]
    pub position_seconds: u32,
    #[serde(default, alias = "durationSeconds", deserialize_with = "uint32")]
    pub duration_seconds: u32,
    #[serde(default, alias = "activeSeconds", deserialize_with = "uint32")]
    pub active_seconds: u32,
}

/// `lesson_finished`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LessonFinished {
    #[serde(default, alias = "lessonId")]
    pub lesson_id: String,
    #[serde(default, alias = "activeSeconds", deserialize_with = "uint32")]
    pub active_seconds: u32,
}

/// `search_performed`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SearchPerformed {
    /// At most 200 characters.
    #[serde(default)]
    pub query: String,
    #[serde(default, deserialize_with = "uint32")]
    pub results: u32,
}

/// `video_played` and `video_paused`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VideoPosition {
    #[serde(default, alias = "lessonId")]
    pub lesson_id: String,
    #[serde(default, alias = "positionSeconds", deserialize_with = "uint32")]
    pub position_seconds: u32,
}

/// `video_seeked`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VideoSeeked {
    #[serde(default, alias = "lessonId")]
    pub lesson_id: String,
    #[serde(default, alias = "fromSeconds", deserialize_with = "uint32")]
    pub from_seconds: u32,
    #[serde(default, alias = "toSeconds", deserialize_with = "uint32")]
    pub to_seconds: u32,
}

/// A uint32 as the JSON mapping allows it: a number or a decimal string.
fn uint32<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u32, D::Error> {
    let value = serde_json::Value::deserialize(deserializer)?;
    let number = match &value {
        serde_json::Value::Number(n) => n.as_u64(),
        serde_json::Value::String(text) => text.parse::<u64>().ok(),
        _ => None,
    };
    number.and_then(|n| u32::try_from(n).ok()).ok_or_else(|| {
        serde::de::Error::custom(format!("{value} is not a uint32 (0 to 4294967295)"))
    })
}

/// The body's events, each read or explained; an error when the body is not a batch at all.
pub fn candidates(body: &[u8]) -> Result<Vec<Candidate>, String> {
    let batch: EventBatch = serde_json::from_slice(body).map_err(|e| e.to_string())?;
    Ok(batch.events.into_iter().map(candidate).collect())
}

fn candidate(value: serde_json::Value) -> Candidate {
    let id = value
        .get("id")
        .and_then(serde_json::Value::as_str)
        .unwrap_or_default()
        .to_owned();
    match LearningEventJson::deserialize(value) {
        Ok(json) => match json.into_event() {
            Ok(event) => Candidate::Read(event),
            Err(reason) => Candidate::Unreadable { id, reason },
        },
        Err(error) => Candidate::Unreadable {
            id,
            reason: error.to_string(),
        },
    }
}

impl LearningEventJson {
    fn into_event(self) -> Result<pb::LearningEvent, String> {
        let mut payloads = Vec::new();
        if let Some(p) = self.lesson_opened {
            payloads.push(Payload::LessonOpened(pb::LessonOpened {
                lesson_id: p.lesson_id,
            }));
        }
        if let Some(p) = self.lesson_heartbeat {
            payloads.push(Payload::LessonHeartbeat(pb::LessonHeartbeat {
                lesson_id: p.lesson_id,
                position_seconds: p.position_seconds,
                duration_seconds: p.duration_seconds,
                active_seconds: p.active_seconds,
            }));
        }
        if let Some(p) = self.lesson_finished {
            payloads.push(Payload::LessonFinished(pb::LessonFinished {
                lesson_id: p.lesson_id,
                active_seconds: p.active_seconds,
            }));
        }
        if let Some(p) = self.search_performed {
            payloads.push(Payload::SearchPerformed(pb::SearchPerformed {
                query: p.query,
                results: p.results,
            }));
        }
        if let Some(p) = self.video_played {
            payloads.push(Payload::VideoPlayed(pb::VideoPlayed {
                lesson_id: p.lesson_id,
                position_seconds: p.position_seconds,
            }));
        }
        if let Some(p) = self.video_paused {
            payloads.push(Payload::VideoPaused(pb::VideoPaused {
                lesson_id: p.lesson_id,
                position_seconds: p.position_seconds,
            }));
        }
        if let Some(p) = self.video_seeked {
            payloads.push(Payload::VideoSeeked(pb::VideoSeeked {
                lesson_id: p.lesson_id,
                from_seconds: p.from_seconds,
                to_seconds: p.to_seconds,
            }));
        }
        if payloads.len() > 1 {
            return Err(format!(
                "the event has {} payloads; exactly one is allowed",
                payloads.len()
            ));
        }
        let occurred_at = timestamp("occurred_at", self.occurred_at)?;
        let received_at = timestamp("received_at", self.received_at)?;
        Ok(pb::LearningEvent {
            id: self.id,
            r#type: self.kind,
            user_id: self.user_id,
            occurred_at,
            received_at,
            course_id: self.course_id,
            session_id: self.session_id,
            payload: payloads.pop(),
        })
    }
}

fn timestamp(field: &str, text: Option<String>) -> Result<Option<prost_types::Timestamp>, String> {
    text.map(|text| {
        prost_types::Timestamp::from_str(&text)
            .map_err(|_| format!("{field} {text:?} is not an RFC 3339 time"))
    })
    .transpose()
}

#[cfg(test)]
mod tests;
