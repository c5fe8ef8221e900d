//! `video-processor pact-messages [--state JSON] [--subject-prefix P]`: the events the service
//! publishes, for the message-pact verification in `contracts/` (video-transcoder reads
//! `video.uploaded`). Made by the code that makes the real one: the domain's video as a
//! declaration makes it (`Video::new`), every declared byte received, the outbox row a completed
//! upload inserts (`app::videos::uploaded_event`) and the relay's encoding and subject
//! (`adapters::jetstream::{encode, subject}`) — only PostgreSQL, the object store and NATS are
//! left out.
//!
//! Output, one JSON object keyed by the pact's description: `{"a video.uploaded event":
//! {"contents": "<the exact message body>", "metadata": {"subject": "events.video.uploaded"}}}`.
//! `--state` takes the provider state's params: any of `video_id`, `course_id`, `lesson_id`,
//! `teacher_id` (UUIDs), `content_type`, `size_bytes`, `sha256`.

use std::collections::BTreeMap;
use std::time::SystemTime;

use serde::Deserialize;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::adapters::jetstream::{encode, subject};
use crate::app::videos::uploaded_event;
use crate::domain::video::{Declared, Video};

/// The first argument that asks for this mode.
pub const MODE: &str = "pact-messages";

/// The provider state's params (all optional; example values otherwise).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct State {
    pub video_id: Option<String>,
    pub course_id: Option<String>,
    pub lesson_id: Option<String>,
    pub teacher_id: Option<String>,
    pub content_type: Option<String>,
    pub size_bytes: Option<u64>,
    pub sha256: Option<String>,
}

fn uuid_or(value: Option<&String>, example: u128, field: &str) -> Result<Uuid, String> {
    value.map_or(Ok(Uuid::from_u128(example)), |v| {
        Uuid::parse_str(v).map_err(|_| format!("{field}: not a UUID ({v:?})"))
    })
}

/// Every event the service publishes for `state`, by pact description.
pub fn messages(state: &State, subject_prefix: &str) -> Result<BTreeMap<String, Value>, String> {
    let declared = Declared {
        course_id: uuid_or(state.course_id.as_ref(), 0xc0de_0001, "course_id")?,
        lesson_id: uuid_or(state.lesson_id.as_ref(), 0x1e55_0001, "lesson_id")?,
        size_bytes: state.size_bytes.unwrap_or(1_048_576),
        content_type: state
            .content_type
            .clone()
            .unwrap_or_else(|| "video/mp4".into()),
        sha256: state.sha256.clone().unwrap_or_else(|| "ab".repeat(32)),
    };
    let now = SystemTime::now();
    let teacher = uuid_or(state.teacher_id.as_ref(), 0x7eac_0001, "teacher_id")?;
    let video_id = uuid_or(state.video_id.as_ref(), 0x71de_0001, "video_id")?;
    let mut video = Video::new(video_id, teacher, declared, now);
    video.received_bytes = video.size_bytes;
    if !video.check_complete().map_err(|e| format!("{e:?}"))? {
        return Err("a fresh upload with every byte is completed once".into());
    }
    let record = uploaded_event(&video, now).map_err(|e| e.to_string())?;
    let body = String::from_utf8(encode(&record)?).map_err(|e| e.to_string())?;
    let mut out = BTreeMap::new();
    out.insert(
        "a video.uploaded event".to_owned(),
        json!({"contents": body, "metadata": {"subject": subject(subject_prefix, &record.kind)}}),
    );
    Ok(out)
}

/// The mode's arguments (after `pact-messages`) to its output.
pub fn run(args: &[String]) -> Result<String, String> {
    let mut state = State::default();
    let mut prefix = "events".to_owned();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let value = args.next().ok_or_else(|| format!("{arg} needs a value"))?;
        match arg.as_str() {
            "--state" => {
                state = serde_json::from_str(value).map_err(|e| format!("--state: {e}"))?;
            }
            "--subject-prefix" => value.clone_into(&mut prefix),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    let messages = messages(&state, &prefix)?;
    serde_json::to_string(&messages).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_upload_is_announced_as_the_relay_encodes_it() {
        let state = State {
            video_id: Some("0b7e8f3a-2c4d-4e5f-8a9b-1c2d3e4f5a6b".into()),
            size_bytes: Some(2_000),
            ..State::default()
        };
        let messages = messages(&state, "events").unwrap();
        let uploaded = &messages["a video.uploaded event"];
        assert_eq!(uploaded["metadata"]["subject"], "events.video.uploaded");
        let body: Value = serde_json::from_str(uploaded["contents"].as_str().unwrap()).unwrap();
        assert_eq!(body["type"], "video.uploaded");
        assert_eq!(body["version"], 2, "made at 1, uploaded at 2");
        assert_eq!(body["video_uploaded"]["video_id"], state.video_id.unwrap());
        assert_eq!(body["video_uploaded"]["size_bytes"], "2000");
        assert_eq!(body["video_uploaded"]["sha256"], "ab".repeat(32));
    }

    #[test]
    fn bad_params_are_refused() {
        assert!(run(&["--state".into(), r#"{"video_id": "x"}"#.into()]).is_err());
        assert!(run(&["--state".into(), r#"{"colour": 1}"#.into()]).is_err());
        assert!(run(&["--subject-prefix".into()]).is_err());
    }
}
