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
//!
//! `video-processor pact-state ready-video --state JSON` (with the provider's own `EDU_*`
//! settings): the HTTP pact's provider state "a ready lesson video with English captions"
//! (web -> video-processor), which the contract stack cannot reach by transcoding (no
//! transcoder or ffmpeg there). It writes what a transcoded video is, through the service's
//! own adapters: a completed upload's row and original (`insert`, `advance`, `mark_uploaded`),
//! the ladder's files in the object store (master and 240p playlists, a segment, the poster)
//! and the `video.transcoded` payload applied as the result consumer applies it
//! (`apply_outcome`), then an English caption track as `Videos::put_captions` stores it. Params:
//! `course_id`, `lesson_id`, `teacher_id` (UUIDs, all required). Prints `{"video_id": …,
//! "captions_path": …}`: the captions' signed path, for the pact's `fromProviderState`.

use std::collections::BTreeMap;
use std::time::SystemTime;

use edu_common::pact_messages::message;
use serde::Deserialize;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::adapters::jetstream::{encode, subject};
use crate::adapters::postgres::{PgPool, PostgresVideoRepository};
use crate::app::ports::VideoRepository;
use crate::app::videos::uploaded_event;
use crate::domain::captions::{self, Caption};
use crate::domain::signing::{self, Scope};
use crate::domain::video::{Declared, Outcome, Video, check_declared};
use crate::settings::VideoSettings;

/// The first argument that asks for this mode.
pub const MODE: &str = edu_common::pact_messages::MODE;

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
        message(&body, &subject(subject_prefix, &record.kind)),
    );
    Ok(out)
}

/// The mode's arguments (after `pact-messages`) to its output (`edu_common::pact_messages`).
pub fn run(args: &[String]) -> Result<String, String> {
    edu_common::pact_messages::run(args, messages)
}

/// The first argument that asks for a provider state to be written.
pub const STATE_MODE: &str = "pact-state";

/// `ready-video`'s params.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReadyVideo {
    pub course_id: String,
    pub lesson_id: String,
    pub teacher_id: String,
}

/// The caption track the state adds (the pact's example).
pub const CAPTIONS: &[u8] = b"WEBVTT\n\n00:00.000 --> 00:02.000\nHello, captions.\n";

/// The ladder's files of a 2 s video at 240p: playlists that name each other as the
/// transcoder's do, one segment and a poster (not real media: nothing decodes them here).
fn ladder_files(id: Uuid) -> Vec<(String, Vec<u8>)> {
    let hls = edu_video::keys::hls_prefix(id);
    vec![
        (
            format!("{hls}/240p/index.m3u8"),
            b"#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXTINF:2.0,\nsegment_000.ts\n#EXT-X-ENDLIST\n".to_vec(),
        ),
        (format!("{hls}/240p/segment_000.ts"), vec![0x47; 188]),
        (
            edu_video::keys::master_playlist(id),
            b"#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=400000,RESOLUTION=320x240\n240p/index.m3u8\n".to_vec(),
        ),
        (
            edu_video::keys::poster(id),
            vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F', 0, 0xFF, 0xD9],
        ),
    ]
}

/// The `video.transcoded` payload of [`ladder_files`] (protobuf JSON mapping, as the result
/// consumer stores it).
fn transcoded(id: Uuid) -> Result<Value, String> {
    use edu_proto_gen::edu::events::v1::event_envelope::Payload;
    use edu_proto_gen::edu::events::v1::{VideoRendition, VideoTranscoded};
    let payload = Payload::VideoTranscoded(VideoTranscoded {
        video_id: id.to_string(),
        renditions: vec![VideoRendition {
            height: 240,
            width: 320,
            bandwidth: 400_000,
            playlist_key: edu_video::keys::rendition_playlist(id, 240),
        }],
        master_playlist_key: edu_video::keys::master_playlist(id),
        poster_key: edu_video::keys::poster(id),
        duration_ms: 2_000,
        source_height: 240,
    });
    edu_video::events::payload_json(&payload).map_err(|e| e.to_string())
}

/// Writes a ready video with an English caption track for `params` into the provider's
/// database and object store (see the module's docs); its id and the track's signed path.
pub async fn ready_video(settings: &VideoSettings, params: &ReadyVideo) -> Result<Value, String> {
    let parse = |v: &String, field: &str| {
        Uuid::parse_str(v).map_err(|_| format!("{field}: not a UUID ({v:?})"))
    };
    let original: Vec<u8> = b"\x00\x00\x00\x18ftypmp42"
        .iter()
        .copied()
        .chain(std::iter::repeat_n(b'v', 2_000))
        .collect();
    let declared = check_declared(
        &Declared {
            course_id: parse(&params.course_id, "course_id")?,
            lesson_id: parse(&params.lesson_id, "lesson_id")?,
            size_bytes: original.len() as u64,
            content_type: "video/mp4".into(),
            sha256: edu_video::hex::encode(&<sha2::Sha256 as sha2::Digest>::digest(&original)),
        },
        crate::domain::video::Limits {
            max_bytes: u64::MAX,
            max_chunk_bytes: u64::MAX,
        },
    )
    .map_err(|e| e.to_string())?;
    let teacher = parse(&params.teacher_id, "teacher_id")?;
    let now = SystemTime::now();
    let id = Uuid::new_v4();
    let video = Video::new(id, teacher, declared, now);
    let store = edu_video::store::open(&settings.store).map_err(|e| e.clone())?;
    let repo = PostgresVideoRepository::new(PgPool::new(settings.database_url.expose(), 1));
    let failed = |e: &dyn std::fmt::Display| e.to_string();
    repo.insert(&video).await.map_err(|e| failed(&e))?;
    store
        .put(&edu_video::keys::original(id), original.into())
        .await
        .map_err(|e| failed(&e))?;
    repo.advance(id, 0, video.size_bytes, now)
        .await
        .map_err(|e| failed(&e))?;
    let event = uploaded_event(&video, now).map_err(|e| failed(&e))?;
    repo.mark_uploaded(id, event, now)
        .await
        .map_err(|e| failed(&e))?;
    for (key, bytes) in ladder_files(id) {
        store
            .put(&key, bytes.into())
            .await
            .map_err(|e| failed(&e))?;
    }
    let outcome = Outcome::Transcoded(transcoded(id)?);
    if !repo
        .apply_outcome(id, &outcome, now)
        .await
        .map_err(|e| failed(&e))?
    {
        return Err("the video did not turn ready".into());
    }
    captions::check_file(CAPTIONS).map_err(|e| failed(&e))?;
    let caption = Caption {
        language: "en".into(),
        label: captions::label_for("en", None).map_err(|e| failed(&e))?,
        size_bytes: CAPTIONS.len() as u64,
    };
    store
        .put(
            &captions::key(id, "en"),
            bytes::Bytes::from_static(CAPTIONS),
        )
        .await
        .map_err(|e| failed(&e))?;
    repo.put_caption(id, &caption, now)
        .await
        .map_err(|e| failed(&e))?;
    let expires = now
        .checked_add(settings.url_lifetime)
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_secs());
    let secret = settings.url_secret.expose().as_bytes();
    let path = signing::url_path(secret, Scope::Captions(id), expires, "en.vtt");
    Ok(json!({"video_id": id.to_string(), "captions_path": path}))
}

/// `pact-state`'s arguments (after the mode) to its output, with the process's settings.
pub async fn run_state(args: &[String]) -> Result<String, String> {
    let [state, flag, params] = args else {
        return Err("usage: video-processor pact-state ready-video --state JSON".into());
    };
    if state != "ready-video" || flag != "--state" {
        return Err(format!("unknown state {state:?} (only ready-video)"));
    }
    let params: ReadyVideo = serde_json::from_str(params).map_err(|e| format!("--state: {e}"))?;
    let settings = VideoSettings::from_process().map_err(|e| e.to_string())?;
    let written = ready_video(&settings, &params).await?;
    Ok(written.to_string())
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
    fn the_ready_ladder_names_its_own_files() {
        let id = Uuid::from_u128(7);
        let ladder = transcoded(id).unwrap();
        let files: Vec<String> = ladder_files(id).into_iter().map(|(key, _)| key).collect();
        assert!(files.contains(&ladder["master_playlist_key"].as_str().unwrap().to_owned()));
        assert!(files.contains(&ladder["poster_key"].as_str().unwrap().to_owned()));
        let prefix = format!("{}/", edu_video::keys::hls_prefix(id));
        for key in &files {
            let file = key.strip_prefix(&prefix).unwrap();
            assert!(edu_video::keys::is_hls_file(file), "{file}");
        }
        assert_eq!(ladder["renditions"][0]["height"], 240);
        assert_eq!(captions::check_file(CAPTIONS), Ok(()));
    }

    #[test]
    fn bad_params_are_refused() {
        assert!(run(&["--state".into(), r#"{"video_id": "x"}"#.into()]).is_err());
        assert!(run(&["--state".into(), r#"{"colour": 1}"#.into()]).is_err());
        assert!(run(&["--subject-prefix".into()]).is_err());
    }
}
