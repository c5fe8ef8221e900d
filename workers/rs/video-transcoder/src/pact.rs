//! `video-transcoder pact-messages [--state JSON] [--subject-prefix P]`: the results the worker
//! publishes, for the message-pact verification in `contracts/` (video-processor reads
//! `video.transcoding_progressed`, `video.transcoded` and `video.transcoding_failed`). Each is
//! made by the code a job runs: the ladder the domain picks for the probed source
//! (`domain::ladder`), the payloads and envelope of `app::job` (`progressed`, `transcoded`,
//! `failed`, `result_envelope`) and the bus's subject and encoding (`adapters::jetstream::
//! outgoing`) — only ffmpeg, the object store and NATS are left out.
//!
//! Output, one JSON object keyed by the pact's description: `{"a video.transcoded event":
//! {"contents": "<the exact message body>", "metadata": {"subject": "events.video.transcoded"}},
//! ...}`. `--state` takes the provider state's params: any of `video_id` (a UUID), `width`,
//! `height`, `duration_ms` (the source as ffprobe read it), `percent`, `reason`.

use std::collections::BTreeMap;
use std::time::SystemTime;

use edu_common::pact_messages::message;
use serde::Deserialize;
use serde_json::Value;
use uuid::Uuid;

use crate::adapters::jetstream::outgoing;
use crate::app::job::{failed, progressed, result_envelope, transcoded};
use crate::app::ports::Probe;
use crate::domain::ladder::ladder;
use crate::domain::reasons;

/// The first argument that asks for this mode.
pub const MODE: &str = edu_common::pact_messages::MODE;

/// The provider state's params (all optional; example values otherwise).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct State {
    pub video_id: Option<String>,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub duration_ms: Option<u64>,
    pub percent: Option<u32>,
    pub reason: Option<String>,
}

/// Every result the worker publishes for `state`, by pact description.
pub fn messages(state: &State, subject_prefix: &str) -> Result<BTreeMap<String, Value>, String> {
    let video = state
        .video_id
        .as_deref()
        .map_or(Ok(Uuid::from_u128(0x71de_0001)), |v| {
            Uuid::parse_str(v).map_err(|_| format!("video_id: not a UUID ({v:?})"))
        })?;
    let probe = Probe {
        duration_ms: state.duration_ms.unwrap_or(3_000),
        width: state.width.unwrap_or(640),
        height: state.height.unwrap_or(480),
        has_audio: true,
    };
    let rungs = ladder(probe.width, probe.height);
    if rungs.is_empty() {
        return Err(format!(
            "a {}x{} source has no ladder",
            probe.width, probe.height
        ));
    }
    let reason = state
        .reason
        .clone()
        .unwrap_or_else(|| reasons::unreadable("moov atom not found", "/tmp/original"));
    let cases = [
        (
            "a video.transcoding_progressed event",
            progressed(video, state.percent.unwrap_or(50)),
        ),
        (
            "a video.transcoded event",
            edu_proto_gen::edu::events::v1::event_envelope::Payload::VideoTranscoded(transcoded(
                video, &rungs, probe,
            )),
        ),
        ("a video.transcoding_failed event", failed(video, reason)),
    ];
    let mut out = BTreeMap::new();
    for (description, payload) in cases {
        let envelope = result_envelope(video, payload, SystemTime::now())?;
        let (subject, body) = outgoing(subject_prefix, &envelope)?;
        let body = String::from_utf8(body).map_err(|e| e.to_string())?;
        out.insert(description.to_owned(), message(&body, &subject));
    }
    Ok(out)
}

/// The mode's arguments (after `pact-messages`) to its output (`edu_common::pact_messages`).
pub fn run(args: &[String]) -> Result<String, String> {
    edu_common::pact_messages::run(args, messages)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(messages: &BTreeMap<String, Value>, description: &str) -> Value {
        serde_json::from_str(messages[description]["contents"].as_str().unwrap()).unwrap()
    }

    #[test]
    fn each_result_is_the_jobs_envelope_on_its_subject() {
        let state = State {
            video_id: Some("0b7e8f3a-2c4d-4e5f-8a9b-1c2d3e4f5a6b".into()),
            ..State::default()
        };
        let messages = messages(&state, "events").unwrap();
        assert_eq!(messages.len(), 3);
        let done = body(&messages, "a video.transcoded event");
        assert_eq!(done["type"], "video.transcoded");
        assert_eq!(done["version"], 3);
        assert_eq!(
            done["video_transcoded"]["video_id"],
            state.video_id.unwrap()
        );
        assert_eq!(done["video_transcoded"]["renditions"][0]["height"], 240);
        assert_eq!(
            messages["a video.transcoding_failed event"]["metadata"]["subject"],
            "events.video.transcoding_failed"
        );
        assert_eq!(
            body(&messages, "a video.transcoding_progressed event")["video_transcoding_progressed"]
                ["percent"],
            50
        );
    }

    #[test]
    fn bad_params_are_refused() {
        assert!(run(&["--state".into(), r#"{"video_id": "x"}"#.into()]).is_err());
        assert!(run(&["--state".into(), r#"{"colour": 1}"#.into()]).is_err());
        assert!(run(&["--state".into()]).is_err());
    }
}
