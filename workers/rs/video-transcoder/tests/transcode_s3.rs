//! The worker on the S3 object store (ADR 0031): the original uploaded the way video-processor
//! stores it (chunks written at their offsets, then renamed into one object) into a bucket of
//! the run's S3 server (`EDU_TEST_S3_URL`, moto in `rust-integration`), transcoded by Debian's
//! ffmpeg, and the whole ladder — playlists, segments, poster, `done.json` — read back from the
//! bucket. The worker reaches the store only through `EDU_VIDEO_S3_*`, as deployed.

use std::path::Path;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use edu_common::settings::VariableSource;
use edu_common::shutdown::Shutdown;
use edu_proto_gen::edu::events::v1::VideoUploaded;
use edu_proto_gen::edu::events::v1::event_envelope::Payload;
use edu_testing::Namespace;
use edu_testing::backends::{Backend, url};
use edu_video::s3::{S3Config, S3ObjectStore};
use edu_video::sigv4::Credentials;
use edu_video::store::ObjectStore;
use edu_video::test_media::TestClip;
use edu_video::{events, keys};
use serde_json::Value;
use sha2::{Digest, Sha256};
use uuid::Uuid;
use video_transcoder::settings::TranscoderSettings;

const CHUNK: usize = 16 * 1024;

/// A bucket of its own, with `clip` stored as video-processor stores an upload: chunk by chunk
/// at its offset, then the part renamed into the original.
async fn bucket_with_original(video: Uuid, clip: &[u8]) -> S3ObjectStore {
    let store = S3ObjectStore::new(S3Config {
        endpoint: url(Backend::S3),
        bucket: format!("edu-transcode-{}", Uuid::new_v4().simple()),
        region: "us-east-1".into(),
        credentials: Credentials::new("edu-test", "edu-test-secret"),
        timeout: Duration::from_secs(30),
    })
    .unwrap();
    store.create_bucket().await.unwrap();
    for (index, chunk) in clip.chunks(CHUNK).enumerate() {
        let offset = (index * CHUNK) as u64;
        store
            .write_at(
                &keys::upload_part(video),
                offset,
                Bytes::copy_from_slice(chunk),
            )
            .await
            .unwrap();
    }
    store
        .rename(&keys::upload_part(video), &keys::original(video))
        .await
        .unwrap();
    store
}

/// The worker's settings: NATS under `namespace`, the store only through `EDU_VIDEO_S3_*`.
fn settings(namespace: &Namespace, bucket: &str, work: &Path) -> TranscoderSettings {
    TranscoderSettings::read(&VariableSource::from_pairs([
        ("EDU_ENVIRONMENT", "test".to_owned()),
        ("EDU_NATS_URL", url(Backend::Nats)),
        ("EDU_EVENTS_STREAM", namespace.stream("EVENTS")),
        ("EDU_EVENTS_SUBJECT_PREFIX", namespace.subject("events")),
        ("EDU_VIDEO_S3_URL", url(Backend::S3)),
        ("EDU_VIDEO_S3_BUCKET", bucket.to_owned()),
        ("EDU_VIDEO_S3_ACCESS_KEY_ID", "edu-test".to_owned()),
        (
            "EDU_VIDEO_S3_SECRET_ACCESS_KEY",
            "edu-test-secret".to_owned(),
        ),
        (
            "EDU_VIDEO_WORK_DIR",
            work.join("work").display().to_string(),
        ),
        ("EDU_TRANSCODE_FETCH_WAIT_MS", "200".to_owned()),
        ("EDU_DEAD_LETTER_STREAM", namespace.stream("DEAD_LETTERS")),
        ("EDU_DEAD_LETTER_PREFIX", namespace.subject("dlq")),
    ]))
    .unwrap()
}

/// Publishes `video`'s `video.uploaded` for `clip` and waits for the worker's verdict.
async fn uploaded_then_verdict(namespace: &Namespace, video: Uuid, clip: &[u8]) -> Value {
    let (stream, subjects) = (namespace.stream("EVENTS"), namespace.subject("events"));
    let jetstream =
        async_nats::jetstream::new(async_nats::connect(url(Backend::Nats)).await.unwrap());
    jetstream
        .get_or_create_stream(async_nats::jetstream::stream::Config {
            name: stream.clone(),
            subjects: vec![format!("{subjects}.>")],
            ..Default::default()
        })
        .await
        .unwrap();
    let uploaded = events::envelope(
        &Uuid::new_v4().to_string(),
        SystemTime::now(),
        &video.to_string(),
        2,
        Payload::VideoUploaded(VideoUploaded {
            video_id: video.to_string(),
            course_id: Uuid::new_v4().to_string(),
            lesson_id: Uuid::new_v4().to_string(),
            teacher_id: Uuid::new_v4().to_string(),
            content_type: "video/mp4".into(),
            size_bytes: clip.len() as u64,
            sha256: edu_video::hex::encode(&Sha256::digest(clip)),
            object_key: keys::original(video),
        }),
    )
    .unwrap();
    jetstream
        .publish(
            format!("{subjects}.video.uploaded"),
            events::to_json(&uploaded).unwrap().into(),
        )
        .await
        .unwrap()
        .await
        .unwrap();
    let until = tokio::time::Instant::now() + Duration::from_mins(2);
    loop {
        let stream = jetstream.get_stream(&stream).await.unwrap();
        let mut sequence = 1;
        while let Ok(message) = stream.get_raw_message(sequence).await {
            sequence += 1;
            let body: Value = serde_json::from_slice(&message.payload).unwrap();
            if body["type"] == "video.transcoded" || body["type"] == "video.transcoding_failed" {
                return body;
            }
        }
        assert!(
            tokio::time::Instant::now() < until,
            "no verdict within 2 min"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn a_clip_uploaded_in_chunks_to_s3_becomes_a_ladder_in_the_bucket() {
    let work = tempfile::tempdir().unwrap();
    let file = work.path().join("clip.mp4");
    TestClip::new(320, 240, 2)
        .write(&file)
        .expect("ffmpeg makes the clip");
    let clip = std::fs::read(&file).unwrap();
    assert!(clip.len() > 2 * CHUNK, "the clip spans several chunks");
    let video = Uuid::new_v4();
    let store = bucket_with_original(video, &clip).await;
    let namespace = Namespace::new();
    let transcoder =
        video_transcoder::build(&settings(&namespace, &store.config().bucket, work.path()));
    let stop = Shutdown::new();
    let handle = tokio::spawn({
        let stop = stop.clone();
        async move { transcoder.jetstream.run(&transcoder.job, stop).await }
    });

    let verdict = uploaded_then_verdict(&namespace, video, &clip).await;
    stop.trigger();
    let _ = tokio::time::timeout(Duration::from_secs(10), handle).await;

    assert_eq!(verdict["type"], "video.transcoded", "{verdict}");
    let hls = keys::hls_prefix(video);
    let listed = store.list(&hls).await.unwrap();
    for expected in ["master.m3u8", "poster.jpg", "done.json", "240p/index.m3u8"] {
        assert!(
            listed.contains(&format!("{hls}/{expected}")),
            "{expected} in {listed:?}"
        );
    }
    assert!(
        listed.iter().any(|key| key.contains("/240p/segment_")),
        "segments in {listed:?}"
    );
    let master = store.get(&keys::master_playlist(video)).await.unwrap();
    assert!(
        String::from_utf8_lossy(&master).contains("240p/index.m3u8"),
        "{master:?}"
    );
    let poster = store.get(&keys::poster(video)).await.unwrap();
    assert_eq!(&poster[..2], [0xff, 0xd8], "a JPEG");
    let done = store.get(&keys::ladder_done(video)).await.unwrap();
    let done: Value = serde_json::from_slice(&done).unwrap();
    assert_eq!(done["video_id"], video.to_string(), "{done}");
}
