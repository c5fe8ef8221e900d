//! The video events on the wire: `edu.events.v1.EventEnvelope` in the protobuf JSON mapping as
//! `edu.events.codec` writes it (proto field names, `occurred_at` RFC 3339 UTC with `Z`, uint64
//! as decimal strings, the payload under the oneof member named after the type, default values
//! left out), built from and read into the generated prost types.
//!
//! Reading follows the mapping's tolerance: integers as numbers or strings, unknown fields
//! ignored (additive proto changes), a missing field its default. An envelope of another type
//! reads with no payload ([`Incoming::payload`] `None`): not a video event, nothing to do.

use std::str::FromStr;
use std::time::SystemTime;

use edu_proto_gen::edu::events::v1::event_envelope::Payload;
use edu_proto_gen::edu::events::v1::{
    EventEnvelope, VideoRendition, VideoTranscoded, VideoTranscodingFailed,
    VideoTranscodingProgressed, VideoUploaded,
};
use serde_json::{Map, Value};

pub const UPLOADED: &str = "video.uploaded";
pub const PROGRESSED: &str = "video.transcoding_progressed";
pub const TRANSCODED: &str = "video.transcoded";
pub const FAILED: &str = "video.transcoding_failed";

/// The aggregate of every video event.
pub const AGGREGATE: &str = "video";

/// A message that breaks the contract: it needs a fix, not a retry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct EventError(pub String);

/// The type of a video payload, `None` for any other payload.
pub fn type_of(payload: &Payload) -> Option<&'static str> {
    match payload {
        Payload::VideoUploaded(_) => Some(UPLOADED),
        Payload::VideoTranscodingProgressed(_) => Some(PROGRESSED),
        Payload::VideoTranscoded(_) => Some(TRANSCODED),
        Payload::VideoTranscodingFailed(_) => Some(FAILED),
        _ => None,
    }
}

/// The oneof member of a type: its dot replaced by an underscore.
pub fn field_of(kind: &str) -> String {
    kind.replace('.', "_")
}

struct Out(Map<String, Value>);

impl Out {
    fn new() -> Self {
        Self(Map::new())
    }

    fn text(mut self, name: &str, value: &str) -> Self {
        if !value.is_empty() {
            self.0.insert(name.into(), Value::from(value));
        }
        self
    }

    fn u32(mut self, name: &str, value: u32) -> Self {
        if value != 0 {
            self.0.insert(name.into(), Value::from(value));
        }
        self
    }

    fn u64(mut self, name: &str, value: u64) -> Self {
        if value != 0 {
            self.0.insert(name.into(), Value::from(value.to_string()));
        }
        self
    }

    fn value(self) -> Value {
        Value::Object(self.0)
    }
}

/// A video payload in the JSON mapping (what the outbox stores).
pub fn payload_json(payload: &Payload) -> Result<Value, EventError> {
    let value = match payload {
        Payload::VideoUploaded(p) => Out::new()
            .text("video_id", &p.video_id)
            .text("course_id", &p.course_id)
            .text("lesson_id", &p.lesson_id)
            .text("teacher_id", &p.teacher_id)
            .text("content_type", &p.content_type)
            .u64("size_bytes", p.size_bytes)
            .text("sha256", &p.sha256)
            .text("object_key", &p.object_key)
            .value(),
        Payload::VideoTranscodingProgressed(p) => Out::new()
            .text("video_id", &p.video_id)
            .u32("percent", p.percent)
            .value(),
        Payload::VideoTranscoded(p) => {
            let mut out = Out::new().text("video_id", &p.video_id);
            if !p.renditions.is_empty() {
                let renditions = p
                    .renditions
                    .iter()
                    .map(|r| {
                        Out::new()
                            .u32("height", r.height)
                            .u32("width", r.width)
                            .u32("bandwidth", r.bandwidth)
                            .text("playlist_key", &r.playlist_key)
                            .value()
                    })
                    .collect();
                out.0.insert("renditions".into(), Value::Array(renditions));
            }
            out.text("master_playlist_key", &p.master_playlist_key)
                .text("poster_key", &p.poster_key)
                .u64("duration_ms", p.duration_ms)
                .u32("source_height", p.source_height)
                .value()
        }
        Payload::VideoTranscodingFailed(p) => Out::new()
            .text("video_id", &p.video_id)
            .text("reason", &p.reason)
            .value(),
        _ => return Err(EventError("not a video payload".into())),
    };
    Ok(value)
}

struct In<'a> {
    value: &'a Value,
    kind: &'a str,
}

impl In<'_> {
    fn field(&self, name: &str) -> Option<&Value> {
        self.value.get(name).filter(|v| !v.is_null())
    }

    fn text(&self, name: &str) -> Result<String, EventError> {
        match self.field(name) {
            None => Ok(String::new()),
            Some(Value::String(text)) => Ok(text.clone()),
            Some(other) => Err(self.wrong(name, other)),
        }
    }

    fn u64(&self, name: &str) -> Result<u64, EventError> {
        match self.field(name) {
            None => Ok(0),
            Some(Value::Number(n)) => n
                .as_u64()
                .ok_or_else(|| self.wrong(name, &n.clone().into())),
            Some(Value::String(text)) => text
                .parse()
                .map_err(|_| self.wrong(name, &Value::from(text.as_str()))),
            Some(other) => Err(self.wrong(name, other)),
        }
    }

    fn u32(&self, name: &str) -> Result<u32, EventError> {
        let wide = self.u64(name)?;
        u32::try_from(wide).map_err(|_| self.wrong(name, &Value::from(wide)))
    }

    fn wrong(&self, name: &str, value: &Value) -> EventError {
        EventError(format!(
            "{}: {name} = {value} is not its proto type",
            self.kind
        ))
    }
}

/// A video payload read from the JSON mapping.
pub fn payload_from_json(kind: &str, value: &Value) -> Result<Payload, EventError> {
    if !value.is_object() {
        return Err(EventError(format!("{kind}: the payload is not an object")));
    }
    let p = In { value, kind };
    let payload = match kind {
        UPLOADED => Payload::VideoUploaded(VideoUploaded {
            video_id: p.text("video_id")?,
            course_id: p.text("course_id")?,
            lesson_id: p.text("lesson_id")?,
            teacher_id: p.text("teacher_id")?,
            content_type: p.text("content_type")?,
            size_bytes: p.u64("size_bytes")?,
            sha256: p.text("sha256")?,
            object_key: p.text("object_key")?,
        }),
        PROGRESSED => Payload::VideoTranscodingProgressed(VideoTranscodingProgressed {
            video_id: p.text("video_id")?,
            percent: p.u32("percent")?,
        }),
        TRANSCODED => {
            let renditions = match p.field("renditions") {
                None => Vec::new(),
                Some(Value::Array(items)) => items
                    .iter()
                    .map(|item| {
                        let r = In { value: item, kind };
                        Ok(VideoRendition {
                            height: r.u32("height")?,
                            width: r.u32("width")?,
                            bandwidth: r.u32("bandwidth")?,
                            playlist_key: r.text("playlist_key")?,
                        })
                    })
                    .collect::<Result<_, EventError>>()?,
                Some(other) => return Err(p.wrong("renditions", other)),
            };
            Payload::VideoTranscoded(VideoTranscoded {
                video_id: p.text("video_id")?,
                renditions,
                master_playlist_key: p.text("master_playlist_key")?,
                poster_key: p.text("poster_key")?,
                duration_ms: p.u64("duration_ms")?,
                source_height: p.u32("source_height")?,
            })
        }
        FAILED => Payload::VideoTranscodingFailed(VideoTranscodingFailed {
            video_id: p.text("video_id")?,
            reason: p.text("reason")?,
        }),
        other => return Err(EventError(format!("{other:?} is not a video event"))),
    };
    Ok(payload)
}

/// The envelope of a video event.
pub fn envelope(
    id: &str,
    occurred_at: SystemTime,
    aggregate_id: &str,
    version: u32,
    payload: Payload,
) -> Result<EventEnvelope, EventError> {
    let kind = type_of(&payload).ok_or_else(|| EventError("not a video payload".into()))?;
    Ok(EventEnvelope {
        id: id.to_owned(),
        r#type: kind.to_owned(),
        occurred_at: Some(prost_types::Timestamp::from(occurred_at)),
        aggregate: AGGREGATE.to_owned(),
        aggregate_id: aggregate_id.to_owned(),
        version,
        payload: Some(payload),
    })
}

/// The envelope's message body (a video event).
pub fn to_json(envelope: &EventEnvelope) -> Result<Vec<u8>, EventError> {
    let payload = envelope
        .payload
        .as_ref()
        .ok_or_else(|| EventError(format!("{}: no payload", envelope.id)))?;
    let kind = type_of(payload).ok_or_else(|| EventError("not a video payload".into()))?;
    if kind != envelope.r#type {
        return Err(EventError(format!(
            "type {:?} carries a {kind} payload",
            envelope.r#type
        )));
    }
    let mut out = Out::new()
        .text("id", &envelope.id)
        .text("type", &envelope.r#type);
    if let Some(at) = envelope.occurred_at {
        out.0
            .insert("occurred_at".into(), Value::from(at.to_string()));
    }
    let mut out = out
        .text("aggregate", &envelope.aggregate)
        .text("aggregate_id", &envelope.aggregate_id)
        .u32("version", envelope.version);
    out.0.insert(field_of(kind), payload_json(payload)?);
    serde_json::to_vec(&out.value()).map_err(|e| EventError(e.to_string()))
}

/// One message read off the bus.
#[derive(Debug, Clone, PartialEq)]
pub struct Incoming {
    pub envelope: EventEnvelope,
}

impl Incoming {
    /// The video payload; `None` for an event of another kind.
    pub fn payload(&self) -> Option<&Payload> {
        self.envelope.payload.as_ref()
    }
}

/// Reads an envelope; its payload only when it is a video event.
pub fn from_json(bytes: &[u8]) -> Result<Incoming, EventError> {
    let value: Value =
        serde_json::from_slice(bytes).map_err(|e| EventError(format!("not JSON: {e}")))?;
    let top = In {
        value: &value,
        kind: "envelope",
    };
    if !value.is_object() {
        return Err(EventError("the envelope is not an object".into()));
    }
    let kind = top.text("type")?;
    let occurred_at = match top.field("occurred_at") {
        None => None,
        Some(Value::String(text)) => Some(
            prost_types::Timestamp::from_str(text)
                .map_err(|e| EventError(format!("occurred_at {text:?}: {e}")))?,
        ),
        Some(other) => return Err(top.wrong("occurred_at", other)),
    };
    let payload = match value.get(field_of(&kind)) {
        Some(body) if kind.starts_with("video.") => Some(payload_from_json(&kind, body)?),
        None if kind.starts_with("video.") => {
            return Err(EventError(format!("{kind} without its payload")));
        }
        _ => None,
    };
    Ok(Incoming {
        envelope: EventEnvelope {
            id: top.text("id")?,
            r#type: kind,
            occurred_at,
            aggregate: top.text("aggregate")?,
            aggregate_id: top.text("aggregate_id")?,
            version: top.u32("version")?,
            payload,
        },
    })
}

#[cfg(test)]
mod tests {
    use prost::Message;

    use super::*;

    const VECTORS: &str = include_str!("../../../../proto/testdata/events_v1_vectors.json");

    fn unhex(text: &str) -> Vec<u8> {
        (0..text.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
            .collect()
    }

    fn video_vectors() -> Vec<Value> {
        let all: Vec<Value> = serde_json::from_str(VECTORS).unwrap();
        let found: Vec<Value> = all
            .into_iter()
            .filter(|v| v["name"].as_str().unwrap().starts_with("video_"))
            .collect();
        assert_eq!(found.len(), 4, "the four video event vectors");
        found
    }

    #[test]
    fn every_vector_reads_to_pythons_bytes_and_writes_back_to_its_json() {
        for vector in video_vectors() {
            let json = serde_json::to_vec(&vector["json"]).unwrap();
            let read = from_json(&json).unwrap().envelope;
            let written: Value = serde_json::from_slice(&to_json(&read).unwrap()).unwrap();

            assert_eq!(
                read.encode_to_vec(),
                unhex(vector["binary_hex"].as_str().unwrap()),
                "{}: the same message as Python's protobuf runtime",
                vector["name"]
            );
            assert_eq!(written, vector["json"], "{}", vector["name"]);
        }
    }

    #[test]
    fn uint64_values_go_out_as_strings_and_read_from_either_form() {
        let payload = Payload::VideoUploaded(VideoUploaded {
            video_id: "v".into(),
            size_bytes: 5_000_000_000,
            ..VideoUploaded::default()
        });
        let json = payload_json(&payload).unwrap();
        let as_number = serde_json::json!({"video_id": "v", "size_bytes": 5_000_000_000_u64});

        assert_eq!(json["size_bytes"], "5000000000");
        assert_eq!(payload_from_json(UPLOADED, &as_number).unwrap(), payload);
    }

    #[test]
    fn other_events_read_without_a_payload_and_broken_ones_are_refused() {
        let other = br#"{"id":"x","type":"course.published","version":1,"course_published":{"course_id":"c"}}"#;
        assert_eq!(from_json(other).unwrap().payload(), None);
        for broken in [
            &br#"{"type":"video.uploaded"}"#[..],
            br#"{"type":"video.transcoded","video_transcoded":{"renditions":{}}}"#,
            br#"{"type":"video.transcoding_progressed","video_transcoding_progressed":{"percent":"x"}}"#,
            br#"{"type":"video.uploaded","occurred_at":"yesterday","video_uploaded":{}}"#,
            b"[]",
            b"nope",
        ] {
            assert!(
                from_json(broken).is_err(),
                "{}",
                String::from_utf8_lossy(broken)
            );
        }
    }

    #[test]
    fn an_envelope_whose_type_is_not_its_payloads_is_not_written() {
        let mut message = envelope(
            "e",
            SystemTime::UNIX_EPOCH,
            "v",
            1,
            Payload::VideoTranscodingFailed(VideoTranscodingFailed::default()),
        )
        .unwrap();
        message.r#type = TRANSCODED.into();
        assert!(to_json(&message).is_err());
    }
}
