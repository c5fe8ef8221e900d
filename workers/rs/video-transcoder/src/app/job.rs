//! One job: a `video.uploaded` in, exactly one verdict out.
//!
//! * **Done before?** The ladder's `done.json` (written last, holding the `video.transcoded`
//!   payload) answers a redelivered job without transcoding again; the verdict's event id is
//!   derived from the video id, so JetStream drops a second copy within its window and
//!   video-processor ignores one beyond it.
//! * **The file is the problem** (size or SHA-256 not the uploaded file's, ffprobe cannot read
//!   it, no video stream, ffmpeg refuses it): `video.transcoding_failed` with the reason, acked.
//! * **The tools or the store are** (ffmpeg missing, the store unreadable, the bus down): handed
//!   back to be tried again; on the last delivery it ends as failed with what went wrong, so no
//!   job is ever stuck.
//! * **Nothing half-written counts**: renditions are made in a work folder, the video's HLS
//!   folder is emptied (an interrupted earlier attempt's files), filled, and `done.json` written
//!   last.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use edu_proto_gen::edu::events::v1::event_envelope::Payload;
use edu_proto_gen::edu::events::v1::{
    EventEnvelope, VideoRendition, VideoTranscoded, VideoTranscodingFailed,
    VideoTranscodingProgressed, VideoUploaded,
};
use edu_video::store::{ObjectStore, StoreError};
use edu_video::{events, keys};
use sha2::{Digest, Sha256};
use tokio::sync::watch;
use uuid::Uuid;

use crate::app::ports::{Bus, Media, MediaError, Probe};
use crate::domain::ladder::{Rung, ladder, master_playlist};
use crate::domain::{progress, reasons};

/// The version of the video aggregate the worker's events carry (1 made, 2 uploaded).
pub const RESULT_VERSION: u32 = 3;

/// How a delivery is settled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Settle {
    /// The verdict is on the bus (or the message is not ours to handle).
    Done(Verdict),
    /// Try again later; why.
    Retry(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Transcoded {
        renditions: usize,
        reused: bool,
    },
    Failed(String),
    /// Not a readable `video.uploaded` (dead-lettered by the consumer).
    Unreadable(String),
}

#[derive(Debug)]
enum Trouble {
    Refused(String),
    Unavailable(String),
}

impl From<StoreError> for Trouble {
    fn from(error: StoreError) -> Self {
        Self::Unavailable(error.to_string())
    }
}

impl From<MediaError> for Trouble {
    fn from(error: MediaError) -> Self {
        match error {
            MediaError::Refused(reason) => Self::Refused(reason),
            MediaError::Unavailable(why) => Self::Unavailable(why),
        }
    }
}

fn io(what: &str) -> impl Fn(std::io::Error) -> Trouble + '_ {
    move |error| Trouble::Unavailable(format!("{what}: {error}"))
}

/// The event id of `kind` about `video`: the same for every attempt.
pub fn event_id(kind: &str, video: &str) -> Uuid {
    let digest = Sha256::digest(format!("{kind}\n{video}").as_bytes());
    let mut bytes = [0_u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_custom_bytes(bytes).into_uuid()
}

#[derive(Debug, Clone)]
pub struct Job {
    store: Arc<dyn ObjectStore>,
    media: Arc<dyn Media>,
    bus: Arc<dyn Bus>,
    work_dir: PathBuf,
    progress_every: Duration,
}

impl Job {
    pub fn new(
        store: Arc<dyn ObjectStore>,
        media: Arc<dyn Media>,
        bus: Arc<dyn Bus>,
        work_dir: PathBuf,
        progress_every: Duration,
    ) -> Self {
        Self {
            store,
            media,
            bus,
            work_dir,
            progress_every,
        }
    }

    /// Handles one message body; `last_attempt`: no delivery will follow this one.
    pub async fn handle(&self, body: &[u8], last_attempt: bool) -> Settle {
        let uploaded = match events::from_json(body) {
            Ok(incoming) => match incoming.envelope.payload {
                Some(Payload::VideoUploaded(uploaded)) => uploaded,
                _ => return Settle::Done(Verdict::Unreadable("not a video.uploaded".into())),
            },
            Err(error) => return Settle::Done(Verdict::Unreadable(error.to_string())),
        };
        let Ok(video) = Uuid::parse_str(&uploaded.video_id) else {
            return Settle::Done(Verdict::Unreadable(format!(
                "video_id {:?} is not a UUID",
                uploaded.video_id
            )));
        };
        let started = Instant::now();
        let outcome = self.attempt(video, &uploaded).await;
        let verdict = match outcome {
            Ok((transcoded, reused)) => {
                let renditions = transcoded.renditions.len();
                if let Err(why) = self.emit(video, Payload::VideoTranscoded(transcoded)).await {
                    return Settle::Retry(why);
                }
                tracing::info!(%video, renditions, reused, seconds = started.elapsed().as_secs_f64(), "transcoded");
                Verdict::Transcoded { renditions, reused }
            }
            Err(Trouble::Unavailable(why)) if !last_attempt => {
                tracing::warn!(%video, %why, "the job will be tried again");
                return Settle::Retry(why);
            }
            Err(Trouble::Unavailable(why)) => {
                let reason = reasons::bounded(format!(
                    "The video could not be transcoded after several attempts ({why}); upload it again or ask support."
                ));
                match self.fail(video, reason).await {
                    Ok(verdict) => verdict,
                    Err(settle) => return settle,
                }
            }
            Err(Trouble::Refused(reason)) => match self.fail(video, reason).await {
                Ok(verdict) => verdict,
                Err(settle) => return settle,
            },
        };
        let _ = tokio::fs::remove_dir_all(self.work_dir.join(video.to_string())).await;
        Settle::Done(verdict)
    }

    async fn fail(&self, video: Uuid, reason: String) -> Result<Verdict, Settle> {
        tracing::warn!(%video, %reason, "transcoding failed");
        self.emit(video, failed(video, reason.clone()))
            .await
            .map_err(Settle::Retry)?;
        Ok(Verdict::Failed(reason))
    }

    async fn emit(&self, video: Uuid, payload: Payload) -> Result<(), String> {
        let envelope = result_envelope(video, payload, SystemTime::now())?;
        self.bus.publish(envelope).await
    }

    async fn attempt(
        &self,
        video: Uuid,
        uploaded: &VideoUploaded,
    ) -> Result<(VideoTranscoded, bool), Trouble> {
        if let Some(done) = self.done_before(video).await? {
            return Ok((done, true));
        }
        let original = keys::original(video);
        self.check_original(&original, uploaded).await?;
        let work = self.work_dir.join(video.to_string());
        let _ = tokio::fs::remove_dir_all(&work).await;
        let out = work.join("hls");
        tokio::fs::create_dir_all(&out)
            .await
            .map_err(io("the work folder"))?;
        let input = if let Some(path) = self.store.local_path(&original) {
            path
        } else {
            let local = work.join("original");
            self.store.fetch_to(&original, &local).await?;
            local
        };
        let probe = self.media.probe(&input).await?;
        let rungs = ladder(probe.width, probe.height);
        if rungs.is_empty() {
            return Err(Trouble::Refused(
                "The file has no video picture to show; upload a video with a picture.".into(),
            ));
        }
        let poster_at = (probe.duration_ms / 2).min(1_000);
        self.media
            .poster(&input, poster_at, &out.join("poster.jpg"))
            .await?;
        self.transcode_with_progress(video, &input, probe, &rungs, &out)
            .await?;
        tokio::fs::write(out.join("master.m3u8"), master_playlist(&rungs))
            .await
            .map_err(io("the master playlist"))?;
        for rung in &rungs {
            let playlist = out
                .join(keys::rendition_name(rung.height))
                .join("index.m3u8");
            if tokio::fs::metadata(&playlist).await.is_err() {
                return Err(Trouble::Refused(format!(
                    "ffmpeg made no {}p rendition of the file; upload it again as MP4 (H.264).",
                    rung.height
                )));
            }
        }
        let transcoded = transcoded(video, &rungs, probe);
        self.store_ladder(video, &out, &transcoded).await?;
        Ok((transcoded, false))
    }

    /// The `video.transcoded` payload of a ladder finished before (its `done.json`).
    async fn done_before(&self, video: Uuid) -> Result<Option<VideoTranscoded>, Trouble> {
        let done = keys::ladder_done(video);
        if self.store.size(&done).await?.is_none() {
            return Ok(None);
        }
        let bytes = self.store.get(&done).await?;
        let json: serde_json::Value = serde_json::from_slice(&bytes)
            .map_err(|e| Trouble::Unavailable(format!("{done}: {e}")))?;
        match events::payload_from_json(events::TRANSCODED, &json) {
            Ok(Payload::VideoTranscoded(transcoded)) => Ok(Some(transcoded)),
            _ => Ok(None),
        }
    }

    /// The stored original is the uploaded file: its size, then its SHA-256.
    async fn check_original(
        &self,
        original: &str,
        uploaded: &VideoUploaded,
    ) -> Result<(), Trouble> {
        match self.store.size(original).await? {
            None => {
                return Err(Trouble::Unavailable(format!(
                    "the original {original} is not in the store"
                )));
            }
            Some(size) if size != uploaded.size_bytes => {
                return Err(Trouble::Refused(format!(
                    "The stored file has {size} bytes, not the {} uploaded; upload it again.",
                    uploaded.size_bytes
                )));
            }
            Some(_) => {}
        }
        if !uploaded.sha256.is_empty()
            && self.store.sha256(original, uploaded.size_bytes).await? != uploaded.sha256
        {
            return Err(Trouble::Refused(
                "The stored file is not the uploaded one (its SHA-256 differs); upload it again."
                    .into(),
            ));
        }
        Ok(())
    }

    /// The finished ladder into the store: the video's HLS folder emptied (an interrupted
    /// attempt's files), every file, then `done.json` last.
    async fn store_ladder(
        &self,
        video: Uuid,
        out: &Path,
        transcoded: &VideoTranscoded,
    ) -> Result<(), Trouble> {
        let prefix = keys::hls_prefix(video);
        self.store.delete_prefix(&prefix).await?;
        for (relative, path) in files_in(out).await.map_err(io("the renditions"))? {
            let key = format!("{prefix}/{relative}");
            self.store.put_file(&key, &path).await?;
        }
        let marker = events::payload_json(&Payload::VideoTranscoded(transcoded.clone()))
            .map_err(|e| Trouble::Unavailable(e.to_string()))?;
        self.store
            .put(
                &keys::ladder_done(video),
                serde_json::to_vec(&marker).unwrap_or_default().into(),
            )
            .await?;
        Ok(())
    }

    async fn transcode_with_progress(
        &self,
        video: Uuid,
        input: &Path,
        probe: Probe,
        rungs: &[Rung],
        out: &Path,
    ) -> Result<(), Trouble> {
        let (sender, mut receiver) = watch::channel(0_u32);
        let reporter = async {
            let mut last: Option<u32> = None;
            let mut last_at = Instant::now();
            while receiver.changed().await.is_ok() {
                let percent = *receiver.borrow_and_update();
                if progress::due(last, percent, last_at.elapsed(), self.progress_every) {
                    let payload = progressed(video, percent);
                    // A lost progress event is only a hint lost: never fails the job.
                    if let Err(why) = self.emit(video, payload).await {
                        tracing::debug!(%video, %why, "a progress event was not sent");
                    }
                    last = Some(percent);
                    last_at = Instant::now();
                }
            }
        };
        let transcode = self.media.transcode(input, probe, rungs, out, sender);
        let (result, ()) = tokio::join!(transcode, reporter);
        result.map_err(Trouble::from)
    }
}

/// The envelope of a result about `video`: a progress under a fresh id, a verdict under the id
/// derived from the video (the same for every attempt), at [`RESULT_VERSION`]. What the job
/// publishes and `video-transcoder pact-messages` prints.
pub fn result_envelope(
    video: Uuid,
    payload: Payload,
    now: SystemTime,
) -> Result<EventEnvelope, String> {
    let kind = events::type_of(&payload).unwrap_or_default();
    let id = match kind {
        events::PROGRESSED => Uuid::new_v4(),
        _ => event_id(kind, &video.to_string()),
    };
    events::envelope(
        &id.to_string(),
        now,
        &video.to_string(),
        RESULT_VERSION,
        payload,
    )
    .map_err(|e| e.to_string())
}

/// `video.transcoding_progressed`: `percent` of the ladder done.
pub fn progressed(video: Uuid, percent: u32) -> Payload {
    Payload::VideoTranscodingProgressed(VideoTranscodingProgressed {
        video_id: video.to_string(),
        percent,
    })
}

/// `video.transcoding_failed` with the reason a teacher reads.
pub fn failed(video: Uuid, reason: String) -> Payload {
    Payload::VideoTranscodingFailed(VideoTranscodingFailed {
        video_id: video.to_string(),
        reason,
    })
}

/// The `video.transcoded` payload of `video`'s ladder of `rungs` made from a source `probe`
/// read.
pub fn transcoded(video: Uuid, rungs: &[Rung], probe: Probe) -> VideoTranscoded {
    VideoTranscoded {
        video_id: video.to_string(),
        renditions: rungs
            .iter()
            .map(|r| VideoRendition {
                height: r.height,
                width: r.width,
                bandwidth: r.bandwidth,
                playlist_key: keys::rendition_playlist(video, r.height),
            })
            .collect(),
        master_playlist_key: keys::master_playlist(video),
        poster_key: keys::poster(video),
        duration_ms: probe.duration_ms,
        source_height: probe.height,
    }
}

/// Every file under `folder` as (relative key with `/`, path), segments before playlists so a
/// playlist never names a segment not yet stored.
async fn files_in(folder: &Path) -> std::io::Result<Vec<(String, PathBuf)>> {
    let mut found = Vec::new();
    let mut folders = vec![folder.to_path_buf()];
    while let Some(current) = folders.pop() {
        let mut entries = tokio::fs::read_dir(&current).await?;
        while let Some(entry) = entries.next_entry().await? {
            let path = entry.path();
            if entry.file_type().await?.is_dir() {
                folders.push(path);
            } else if let Ok(relative) = path.strip_prefix(folder) {
                found.push((relative.to_string_lossy().replace('\\', "/"), path));
            }
        }
    }
    found.sort_by_key(|(key, path)| {
        let playlist = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("m3u8"));
        (playlist, key.clone())
    });
    Ok(found)
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::Ordering;

    use bytes::Bytes;
    use edu_video::store::FsObjectStore;

    use super::*;
    use crate::testing::{FakeBus, FakeMedia};

    const VIDEO: Uuid = Uuid::from_u128(0xfeed);
    const CLIP: &[u8] = b"pretend this is an mp4";

    struct World {
        job: Job,
        store: Arc<FsObjectStore>,
        media: Arc<FakeMedia>,
        bus: Arc<FakeBus>,
        _dir: tempfile::TempDir,
    }

    async fn world(width: u32, height: u32) -> World {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(FsObjectStore::new(dir.path().join("store")));
        store
            .put(&keys::original(VIDEO), Bytes::from_static(CLIP))
            .await
            .unwrap();
        let media = Arc::new(FakeMedia::of(width, height));
        let bus = Arc::new(FakeBus::default());
        let job = Job::new(
            store.clone(),
            media.clone(),
            bus.clone(),
            dir.path().join("work"),
            Duration::ZERO,
        );
        World {
            job,
            store,
            media,
            bus,
            _dir: dir,
        }
    }

    fn uploaded(size: u64, sha256: &str) -> Vec<u8> {
        let payload = Payload::VideoUploaded(VideoUploaded {
            video_id: VIDEO.to_string(),
            size_bytes: size,
            sha256: sha256.into(),
            object_key: keys::original(VIDEO),
            ..VideoUploaded::default()
        });
        let envelope = events::envelope("e-1", SystemTime::UNIX_EPOCH, "v", 2, payload).unwrap();
        events::to_json(&envelope).unwrap()
    }

    fn good() -> Vec<u8> {
        uploaded(
            CLIP.len() as u64,
            &edu_video::hex::encode(&Sha256::digest(CLIP)),
        )
    }

    fn failure_reason(bus: &FakeBus) -> String {
        match bus
            .published
            .lock()
            .unwrap()
            .last()
            .unwrap()
            .payload
            .clone()
        {
            Some(Payload::VideoTranscodingFailed(failed)) => failed.reason,
            other => panic!("not a failure: {other:?}"),
        }
    }

    #[tokio::test]
    async fn an_upload_becomes_its_ladder_a_poster_and_one_transcoded_event() {
        let w = world(640, 480).await;
        let settle = w.job.handle(&good(), false).await;

        assert_eq!(
            settle,
            Settle::Done(Verdict::Transcoded {
                renditions: 2,
                reused: false
            })
        );
        assert_eq!(
            w.bus.kinds(),
            ["video.transcoding_progressed", "video.transcoded"]
        );
        let listed = w.store.list(&keys::hls_prefix(VIDEO)).await.unwrap();
        let names: Vec<&str> = listed
            .iter()
            .map(|k| k.rsplit_once("/hls/").unwrap().1)
            .collect();
        assert_eq!(
            names,
            [
                "240p/index.m3u8",
                "240p/segment_000.ts",
                "480p/index.m3u8",
                "480p/segment_000.ts",
                "done.json",
                "master.m3u8",
                "poster.jpg"
            ]
        );
        let envelope = w.bus.published.lock().unwrap()[1].clone();
        assert_eq!(
            envelope.id,
            event_id(events::TRANSCODED, &VIDEO.to_string()).to_string()
        );
        assert_eq!(envelope.version, RESULT_VERSION);
        let Some(Payload::VideoTranscoded(done)) = envelope.payload else {
            panic!("not transcoded")
        };
        assert_eq!(
            done.renditions.iter().map(|r| r.height).collect::<Vec<_>>(),
            [240, 480]
        );
        assert_eq!(done.source_height, 480);
        assert_eq!(done.duration_ms, 3_000);
    }

    #[tokio::test]
    async fn a_redelivered_job_answers_the_same_event_without_transcoding_again() {
        let w = world(1280, 720).await;
        w.job.handle(&good(), false).await;
        let again = w.job.handle(&good(), false).await;

        assert_eq!(
            again,
            Settle::Done(Verdict::Transcoded {
                renditions: 3,
                reused: true
            })
        );
        assert_eq!(w.media.transcodes.load(Ordering::SeqCst), 1);
        let published = w.bus.published.lock().unwrap().clone();
        let transcoded: Vec<&EventEnvelopeRef> = published
            .iter()
            .filter(|e| e.r#type == events::TRANSCODED)
            .collect();
        assert_eq!(transcoded.len(), 2);
        assert_eq!(
            transcoded[0].id, transcoded[1].id,
            "one event id: JetStream keeps one"
        );
        assert_eq!(transcoded[0].payload, transcoded[1].payload);
    }

    type EventEnvelopeRef = edu_proto_gen::edu::events::v1::EventEnvelope;

    #[tokio::test]
    async fn leftovers_of_an_interrupted_attempt_are_removed() {
        let w = world(640, 480).await;
        let stale = format!("{}/720p/segment_009.ts", keys::hls_prefix(VIDEO));
        w.store
            .put(&stale, Bytes::from_static(b"old"))
            .await
            .unwrap();
        w.job.handle(&good(), false).await;
        assert_eq!(w.store.size(&stale).await.unwrap(), None);
    }

    #[tokio::test]
    async fn an_unreadable_file_fails_with_the_reason_and_is_done() {
        let w = world(640, 480).await;
        *w.media.probe.lock().unwrap() = Err(MediaError::Refused(
            "The file is not a playable video (moov atom not found): it looks truncated".into(),
        ));
        let settle = w.job.handle(&good(), false).await;

        assert!(matches!(settle, Settle::Done(Verdict::Failed(_))));
        assert_eq!(w.bus.kinds(), ["video.transcoding_failed"]);
        assert!(failure_reason(&w.bus).contains("moov atom not found"));
        assert_eq!(
            w.store.list(&keys::hls_prefix(VIDEO)).await.unwrap(),
            Vec::<String>::new()
        );
    }

    #[tokio::test]
    async fn a_stored_file_that_is_not_the_uploaded_one_fails() {
        let w = world(640, 480).await;
        let wrong_size = w.job.handle(&uploaded(5, ""), false).await;
        let wrong_hash = w
            .job
            .handle(&uploaded(CLIP.len() as u64, &"0".repeat(64)), false)
            .await;
        assert!(
            matches!(wrong_size, Settle::Done(Verdict::Failed(r)) if r.contains("not the 5 uploaded"))
        );
        assert!(matches!(wrong_hash, Settle::Done(Verdict::Failed(r)) if r.contains("SHA-256")));
        assert_eq!(w.media.transcodes.load(Ordering::SeqCst), 0);
    }

    #[tokio::test]
    async fn trouble_with_the_tools_is_retried_and_ends_as_failed_on_the_last_delivery() {
        let w = world(640, 480).await;
        *w.media.transcode_error.lock().unwrap() = Some(MediaError::Unavailable(
            "ffmpeg cannot run: No such file".into(),
        ));
        let first = w.job.handle(&good(), false).await;
        assert!(matches!(first, Settle::Retry(_)));
        assert!(
            !w.bus
                .kinds()
                .contains(&"video.transcoding_failed".to_owned())
        );

        let last = w.job.handle(&good(), true).await;
        assert!(matches!(last, Settle::Done(Verdict::Failed(_))));
        let reason = failure_reason(&w.bus);
        assert!(reason.contains("after several attempts"), "{reason}");
        assert!(reason.contains("ffmpeg cannot run"), "{reason}");
    }

    #[tokio::test]
    async fn a_bus_that_cannot_take_the_verdict_hands_the_job_back() {
        let w = world(640, 480).await;
        *w.bus.down.lock().unwrap() = true;
        assert!(matches!(
            w.job.handle(&good(), false).await,
            Settle::Retry(_)
        ));
        *w.bus.down.lock().unwrap() = false;
        let settle = w.job.handle(&good(), false).await;
        assert!(matches!(
            settle,
            Settle::Done(Verdict::Transcoded { reused: true, .. })
        ));
    }

    #[tokio::test]
    async fn messages_that_are_not_uploads_are_unreadable() {
        let w = world(640, 480).await;
        for body in [&b"nope"[..], br#"{"type":"course.published"}"#] {
            assert!(matches!(
                w.job.handle(body, false).await,
                Settle::Done(Verdict::Unreadable(_))
            ));
        }
        assert!(w.bus.kinds().is_empty());
    }

    #[test]
    fn event_ids_are_the_same_for_every_attempt_and_differ_by_kind_and_video() {
        let a = event_id(events::TRANSCODED, "v1");
        assert_eq!(a, event_id(events::TRANSCODED, "v1"));
        assert_ne!(a, event_id(events::FAILED, "v1"));
        assert_ne!(a, event_id(events::TRANSCODED, "v2"));
    }
}
