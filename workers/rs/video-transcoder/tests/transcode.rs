//! The worker against the run's real NATS and Debian's real ffmpeg: a clip generated here (3 s
//! of colour bars and a tone) becomes playable HLS renditions — ffprobe reads each one's height
//! and duration — and a poster; a truncated upload ends as failed with a reason; a redelivered
//! job publishes no second result and rewrites nothing.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, SystemTime};

use edu_common::settings::VariableSource;
use edu_common::shutdown::Shutdown;
use edu_proto_gen::edu::events::v1::VideoUploaded;
use edu_proto_gen::edu::events::v1::event_envelope::Payload;
use edu_testing::Namespace;
use edu_testing::backends::{Backend, url};
use edu_video::test_media::TestClip;
use edu_video::{events, keys};
use serde_json::Value;
use sha2::{Digest, Sha256};
use uuid::Uuid;
use video_transcoder::settings::TranscoderSettings;

/// ffprobe's view of a playlist or file: (height of the first video stream, duration seconds).
fn probe(path: &Path) -> (u64, f64) {
    let output = Command::new("ffprobe")
        .args([
            "-v",
            "error",
            "-print_format",
            "json",
            "-show_format",
            "-show_streams",
        ])
        .arg(path)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    let video = json["streams"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["codec_type"] == "video")
        .unwrap()
        .clone();
    let duration = json["format"]["duration"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    (video["height"].as_u64().unwrap(), duration)
}

struct Worker {
    store: tempfile::TempDir,
    subjects: String,
    stream: String,
    jetstream: async_nats::jetstream::Context,
    stop: Shutdown,
    handle: Option<tokio::task::JoinHandle<()>>,
}

impl Drop for Worker {
    fn drop(&mut self) {
        self.stop.trigger();
    }
}

async fn worker() -> Worker {
    let store = tempfile::tempdir().unwrap();
    let namespace = Namespace::new();
    let stream = namespace.stream("EVENTS");
    let subjects = namespace.subject("events");
    let settings = TranscoderSettings::read(&VariableSource::from_pairs([
        ("EDU_ENVIRONMENT", "test".to_owned()),
        ("EDU_NATS_URL", url(Backend::Nats)),
        ("EDU_EVENTS_STREAM", stream.clone()),
        ("EDU_EVENTS_SUBJECT_PREFIX", subjects.clone()),
        (
            "EDU_VIDEO_STORE_DIR",
            store.path().join("store").display().to_string(),
        ),
        (
            "EDU_VIDEO_WORK_DIR",
            store.path().join("work").display().to_string(),
        ),
        ("EDU_TRANSCODE_FETCH_WAIT_MS", "200".to_owned()),
        ("EDU_TRANSCODE_PROGRESS_MS", "0".to_owned()),
        ("EDU_DEAD_LETTER_STREAM", namespace.stream("DEAD_LETTERS")),
        ("EDU_DEAD_LETTER_PREFIX", namespace.subject("dlq")),
    ]))
    .unwrap();
    let transcoder = video_transcoder::build(&settings);
    let stop = Shutdown::new();
    let handle = tokio::spawn({
        let stop = stop.clone();
        async move { transcoder.jetstream.run(&transcoder.job, stop).await }
    });
    let nats = async_nats::connect(url(Backend::Nats)).await.unwrap();
    Worker {
        store,
        subjects,
        stream,
        jetstream: async_nats::jetstream::new(nats),
        stop,
        handle: Some(handle),
    }
}

impl Worker {
    fn store_path(&self, key: &str) -> PathBuf {
        self.store.path().join("store").join(key)
    }

    /// Puts `file` in the store as the video's original and publishes its `video.uploaded`
    /// (with `message_id`).
    async fn upload(&self, video: Uuid, file: &Path, message_id: &str) {
        let original = self.store_path(&keys::original(video));
        std::fs::create_dir_all(original.parent().unwrap()).unwrap();
        std::fs::copy(file, &original).unwrap();
        self.publish_uploaded(video, message_id).await;
    }

    async fn publish_uploaded(&self, video: Uuid, message_id: &str) {
        let original = self.store_path(&keys::original(video));
        let bytes = std::fs::read(&original).unwrap();
        let payload = Payload::VideoUploaded(VideoUploaded {
            video_id: video.to_string(),
            course_id: Uuid::new_v4().to_string(),
            lesson_id: Uuid::new_v4().to_string(),
            teacher_id: Uuid::new_v4().to_string(),
            content_type: "video/mp4".into(),
            size_bytes: bytes.len() as u64,
            sha256: edu_video::hex::encode(&Sha256::digest(&bytes)),
            object_key: keys::original(video),
        });
        let envelope = events::envelope(
            message_id,
            SystemTime::now(),
            &video.to_string(),
            2,
            payload,
        )
        .unwrap();
        let context = &self.jetstream;
        let _ = context
            .get_or_create_stream(async_nats::jetstream::stream::Config {
                name: self.stream.clone(),
                subjects: vec![format!("{}.>", self.subjects)],
                ..Default::default()
            })
            .await
            .unwrap();
        let publish = async_nats::jetstream::message::PublishMessage::build()
            .payload(events::to_json(&envelope).unwrap().into())
            .message_id(message_id);
        context
            .send_publish(format!("{}.video.uploaded", self.subjects), publish)
            .await
            .unwrap()
            .await
            .unwrap();
    }

    /// Every result event about `video` on the stream.
    async fn results(&self, video: Uuid) -> Vec<(String, Value)> {
        let Ok(stream) = self.jetstream.get_stream(&self.stream).await else {
            return Vec::new();
        };
        let mut found = Vec::new();
        let mut sequence = 1;
        while let Ok(message) = stream.get_raw_message(sequence).await {
            sequence += 1;
            let body: Value = serde_json::from_slice(&message.payload).unwrap();
            if body["aggregate_id"] == video.to_string() && body["type"] != "video.uploaded" {
                found.push((body["type"].as_str().unwrap().to_owned(), body));
            }
        }
        found
    }

    async fn verdict(&self, video: Uuid, within: Duration) -> (String, Value) {
        let until = tokio::time::Instant::now() + within;
        loop {
            let results = self.results(video).await;
            if let Some(done) = results
                .into_iter()
                .find(|(kind, _)| kind == "video.transcoded" || kind == "video.transcoding_failed")
            {
                return done;
            }
            assert!(
                tokio::time::Instant::now() < until,
                "no verdict within {within:?}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn stop(mut self) {
        self.stop.trigger();
        if let Some(handle) = self.handle.take() {
            let _ = tokio::time::timeout(Duration::from_secs(10), handle).await;
        }
    }
}

#[tokio::test]
async fn a_3_second_clip_becomes_playable_renditions_at_or_below_its_height_and_a_poster() {
    let worker = worker().await;
    let file = worker.store.path().join("clip.mp4");
    TestClip::new(640, 480, 3)
        .write(&file)
        .expect("ffmpeg makes the clip");
    let video = Uuid::new_v4();
    worker
        .upload(video, &file, &Uuid::new_v4().to_string())
        .await;

    let (kind, event) = worker.verdict(video, Duration::from_mins(2)).await;

    assert_eq!(kind, "video.transcoded", "{event}");
    let done = &event["video_transcoded"];
    let heights: Vec<u64> = done["renditions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["height"].as_u64().unwrap())
        .collect();
    assert_eq!(heights, [240, 480], "no 720p from a 480p source");
    assert_eq!(done["source_height"], 480);
    assert_eq!(done["duration_ms"], "3000");
    for height in [240, 480] {
        let playlist = worker.store_path(&keys::rendition_playlist(video, height));
        let (probed_height, seconds) = probe(&playlist);
        assert_eq!(probed_height, u64::from(height), "{}", playlist.display());
        assert!((seconds - 3.0).abs() < 0.3, "{height}p lasts {seconds} s");
    }
    let (_, master_seconds) = probe(&worker.store_path(&keys::master_playlist(video)));
    assert!((master_seconds - 3.0).abs() < 0.3);
    let poster = std::fs::read(worker.store_path(&keys::poster(video))).unwrap();
    assert_eq!(&poster[..2], [0xff, 0xd8], "a JPEG");
    let results = worker.results(video).await;
    assert!(
        results
            .iter()
            .any(|(kind, _)| kind == "video.transcoding_progressed"),
        "progress was reported"
    );
    worker.stop().await;
}

#[tokio::test]
async fn a_truncated_upload_ends_as_failed_with_a_reason() {
    let worker = worker().await;
    let file = worker.store.path().join("clip.mp4");
    TestClip::new(320, 240, 3)
        .write(&file)
        .expect("ffmpeg makes the clip");
    let bytes = std::fs::read(&file).unwrap();
    let truncated = worker.store.path().join("truncated.mp4");
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    let video = Uuid::new_v4();
    worker
        .upload(video, &truncated, &Uuid::new_v4().to_string())
        .await;

    let (kind, event) = worker.verdict(video, Duration::from_mins(1)).await;

    assert_eq!(kind, "video.transcoding_failed", "{event}");
    let reason = event["video_transcoding_failed"]["reason"]
        .as_str()
        .unwrap();
    assert!(reason.contains("truncated or damaged"), "{reason}");
    assert!(
        !reason.contains("after several attempts"),
        "the file's fault is known at once, not retried: {reason}"
    );
    assert!(
        !reason.contains(worker.store.path().to_str().unwrap()),
        "no paths: {reason}"
    );
    assert!(!worker.store_path(&keys::ladder_done(video)).exists());
    worker.stop().await;
}

#[tokio::test]
async fn a_redelivered_upload_publishes_no_second_result_and_rewrites_nothing() {
    let worker = worker().await;
    let file = worker.store.path().join("clip.mp4");
    TestClip::new(320, 240, 2)
        .write(&file)
        .expect("ffmpeg makes the clip");
    let video = Uuid::new_v4();
    worker.upload(video, &file, "first-delivery").await;
    worker.verdict(video, Duration::from_mins(1)).await;
    let segment = worker.store_path(&format!("{}/240p/segment_000.ts", keys::hls_prefix(video)));
    let written = std::fs::metadata(&segment).unwrap().modified().unwrap();

    // The same upload again, as a replayed stream or a second relay would send it.
    worker.publish_uploaded(video, "second-delivery").await;
    tokio::time::sleep(Duration::from_secs(3)).await;

    let verdicts: Vec<_> = worker
        .results(video)
        .await
        .into_iter()
        .filter(|(kind, _)| kind == "video.transcoded")
        .collect();
    assert_eq!(verdicts.len(), 1, "JetStream kept one: the same event id");
    assert_eq!(
        std::fs::metadata(&segment).unwrap().modified().unwrap(),
        written
    );
    worker.stop().await;
}
