//! video-transcoder <- video-processor: the upload the worker transcodes, as a message pact
//! (`contracts/pacts/video-transcoder-video-processor.json`; ADR 0011 §8, issue 25), verified
//! against the real producer's code path by
//! `contracts/tests/provider/test_verify_qa_video_events.py` (`video-processor pact-messages`).
//!
//! The example is handed to what the JetStream consumer runs on a message (`Job::handle`) over
//! a real `FsObjectStore` holding the original, media tools played by a double (the ladder is
//! not what this contract is about; tests/transcode.rs runs ffmpeg) and a bus that records.
//! Only what the worker reads is in the pact: the type, the video's id (where its original and
//! ladder live), the size and SHA-256 of the upload (the stored original is checked against
//! both before anything is transcoded). The id is matched by shape, the size and digest by
//! pattern.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use edu_proto_gen::edu::events::v1::EventEnvelope;
use edu_proto_gen::edu::events::v1::event_envelope::Payload;
use edu_testing::pact::{Event, MessagePact, UUID, regex};
use edu_video::keys;
use edu_video::store::{FsObjectStore, ObjectStore};
use serde_json::json;
use sha2::{Digest, Sha256};
use tokio::sync::watch;
use uuid::Uuid;
use video_transcoder::app::job::{Job, Settle, Verdict};
use video_transcoder::app::ports::{Bus, BusFuture, Media, MediaFuture, Probe};
use video_transcoder::domain::ladder::Rung;

const VIDEO: &str = "4c5d6e7f-8091-4a2b-9c3d-4e5f60718293";
const CLIP: &[u8] = b"a lesson video, as far as this contract is concerned";
const CLIP_SHA256: &str = "d03a83bf6f05a50d1c130830a9db8090d1274bcfd9f69cd8105eb7f64335b9c8";

/// ffprobe/ffmpeg played: a 640x480 source of 3 s, each rung's playlist written.
#[derive(Debug)]
struct Tools;

impl Media for Tools {
    fn probe<'a>(&'a self, _input: &'a Path) -> MediaFuture<'a, Probe> {
        Box::pin(async {
            Ok(Probe {
                duration_ms: 3_000,
                width: 640,
                height: 480,
                has_audio: true,
            })
        })
    }

    fn poster<'a>(&'a self, _input: &'a Path, _at: u64, output: &'a Path) -> MediaFuture<'a, ()> {
        Box::pin(async move {
            tokio::fs::write(output, b"jpeg").await.unwrap();
            Ok(())
        })
    }

    fn transcode<'a>(
        &'a self,
        _input: &'a Path,
        _probe: Probe,
        rungs: &'a [Rung],
        out: &'a Path,
        _progress: watch::Sender<u32>,
    ) -> MediaFuture<'a, ()> {
        Box::pin(async move {
            for rung in rungs {
                let folder = out.join(format!("{}p", rung.height));
                tokio::fs::create_dir_all(&folder).await.unwrap();
                tokio::fs::write(folder.join("index.m3u8"), "#EXTM3U\n")
                    .await
                    .unwrap();
            }
            Ok(())
        })
    }
}

#[derive(Debug, Default)]
struct Published(Mutex<Vec<EventEnvelope>>);

impl Bus for Published {
    fn publish(&self, envelope: EventEnvelope) -> BusFuture<'_> {
        self.0.lock().unwrap().push(envelope);
        Box::pin(async { Ok(()) })
    }
}

/// The worker's job over a store holding `original` as the video's upload.
async fn job(original: &[u8]) -> (Job, Arc<Published>, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(FsObjectStore::new(dir.path().join("store")));
    let key = keys::original(Uuid::parse_str(VIDEO).unwrap());
    store
        .put(&key, Bytes::copy_from_slice(original))
        .await
        .unwrap();
    let bus = Arc::new(Published::default());
    let work = dir.path().join("work");
    let job = Job::new(
        store,
        Arc::new(Tools),
        bus.clone(),
        work,
        Duration::from_mins(1),
    );
    (job, bus, dir)
}

#[tokio::test]
async fn an_upload_is_checked_against_its_size_and_digest_and_transcoded_once() {
    assert_eq!(
        hex(&Sha256::digest(CLIP)),
        CLIP_SHA256,
        "the example's digest"
    );
    let mut pact = MessagePact::new("video-transcoder", "video-processor");
    let uploaded = pact.expect(&Event {
        description: "a video.uploaded event",
        state: "a teacher has uploaded a lesson video",
        event_type: "video.uploaded",
        content: json!({"type": "video.uploaded", "video_uploaded": {
            "video_id": VIDEO, "size_bytes": CLIP.len().to_string(), "sha256": CLIP_SHA256}}),
        rules: vec![
            ("$.video_uploaded.video_id".to_owned(), regex(UUID)),
            (
                "$.video_uploaded.size_bytes".to_owned(),
                regex("^[1-9][0-9]*$"),
            ),
            (
                "$.video_uploaded.sha256".to_owned(),
                regex("^[0-9a-f]{64}$"),
            ),
        ],
    });

    let (worker, bus, _dir) = job(CLIP).await;
    let settled = worker.handle(&uploaded, false).await;
    assert_eq!(
        settled,
        Settle::Done(Verdict::Transcoded {
            renditions: 2,
            reused: false
        })
    );
    let published = bus.0.lock().unwrap().clone();
    let [done] = &published[..] else {
        panic!("one verdict: {published:?}");
    };
    let Some(Payload::VideoTranscoded(ladder)) = &done.payload else {
        panic!("video.transcoded: {done:?}");
    };
    assert_eq!(
        ladder.video_id, VIDEO,
        "the verdict is about the upload's video"
    );

    // The stored file is checked against what the event says: another length, or the same
    // length with another digest, is not the upload.
    for (stored, says) in [(&CLIP[1..], "bytes, not the"), (&flipped()[..], "SHA-256")] {
        let (worker, _, _dir) = job(stored).await;
        match worker.handle(&uploaded, false).await {
            Settle::Done(Verdict::Failed(reason)) => assert!(reason.contains(says), "{reason}"),
            other => panic!("{says}: {other:?}"),
        }
    }

    pact.finish();
}

fn flipped() -> Vec<u8> {
    let mut copy = CLIP.to_vec();
    copy[0] ^= 1;
    copy
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::new(), |mut out, b| {
        let _ = write!(out, "{b:02x}");
        out
    })
}
