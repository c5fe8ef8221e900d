//! The transcoder's results: `video.transcoding_progressed`, `video.transcoded` and
//! `video.transcoding_failed` mark a processing video (`domain::video::apply`). Applying one
//! twice, late or out of order changes nothing more, so the consumer acknowledges after
//! applying and redelivery is harmless.

use std::sync::Arc;

use edu_common::clock::Clock;
use edu_proto_gen::edu::events::v1::event_envelope::Payload;
use edu_video::events::{self, Incoming};
use uuid::Uuid;

use crate::app::ports::{RepoError, VideoRepository};
use crate::domain::video::{DEFAULT_FAILURE, Outcome};

/// What handling one message came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Handled {
    /// The video changed.
    Applied,
    /// Nothing to change (not processing any more, an older progress, another kind of event).
    Unchanged,
    /// The message is not a readable video result: a fix is needed, never a retry.
    Refused(String),
}

#[derive(Debug, Clone)]
pub struct Results {
    repo: Arc<dyn VideoRepository>,
    clock: Arc<dyn Clock>,
}

/// The outcome a result payload carries, and its video; `None` for other payloads.
pub fn outcome_of(payload: &Payload) -> Result<Option<(Uuid, Outcome)>, String> {
    let (video, outcome) = match payload {
        Payload::VideoTranscodingProgressed(p) => (&p.video_id, Outcome::Progressed(p.percent)),
        Payload::VideoTranscoded(p) => {
            if p.renditions.is_empty() || p.master_playlist_key.is_empty() {
                return Err(format!(
                    "video.transcoded of {} without a ladder",
                    p.video_id
                ));
            }
            let ladder = events::payload_json(payload).map_err(|e| e.to_string())?;
            (&p.video_id, Outcome::Transcoded(ladder))
        }
        Payload::VideoTranscodingFailed(p) => {
            let reason = if p.reason.trim().is_empty() {
                DEFAULT_FAILURE.to_owned()
            } else {
                p.reason.chars().take(2_000).collect()
            };
            (&p.video_id, Outcome::Failed(reason))
        }
        _ => return Ok(None),
    };
    let video = Uuid::parse_str(video).map_err(|_| format!("video_id {video:?} is not a UUID"))?;
    Ok(Some((video, outcome)))
}

impl Results {
    pub fn new(repo: Arc<dyn VideoRepository>, clock: Arc<dyn Clock>) -> Self {
        Self { repo, clock }
    }

    /// Applies one message's body; an `Err` is the database's: leave the message for later.
    pub async fn handle(&self, body: &[u8]) -> Result<Handled, RepoError> {
        let incoming: Incoming = match events::from_json(body) {
            Ok(incoming) => incoming,
            Err(error) => return Ok(Handled::Refused(error.to_string())),
        };
        let Some(payload) = incoming.payload() else {
            return Ok(Handled::Unchanged);
        };
        match outcome_of(payload) {
            Err(why) => Ok(Handled::Refused(why)),
            Ok(None) => Ok(Handled::Unchanged),
            Ok(Some((video, outcome))) => {
                let changed = self
                    .repo
                    .apply_outcome(video, &outcome, self.clock.now())
                    .await?;
                Ok(if changed {
                    Handled::Applied
                } else {
                    Handled::Unchanged
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use edu_proto_gen::edu::events::v1::{
        VideoRendition, VideoTranscoded, VideoTranscodingFailed, VideoTranscodingProgressed,
    };
    use edu_testing::FakeClock;

    use super::*;
    use crate::domain::video::{Declared, Status, Video};
    use crate::testing::InMemoryVideos;

    const VIDEO: Uuid = Uuid::from_u128(0x77);

    fn results_over(status: Status) -> (Results, Arc<InMemoryVideos>) {
        let repo = Arc::new(InMemoryVideos::default());
        let mut video = Video::new(
            VIDEO,
            Uuid::from_u128(1),
            Declared {
                course_id: Uuid::from_u128(2),
                lesson_id: Uuid::from_u128(3),
                size_bytes: 10,
                content_type: "video/mp4".into(),
                sha256: "0".repeat(64),
            },
            UNIX_EPOCH,
        );
        video.status = status;
        repo.videos.lock().unwrap().insert(VIDEO, video);
        let clock = FakeClock::at(UNIX_EPOCH + Duration::from_secs(5));
        (Results::new(repo.clone(), Arc::new(clock)), repo)
    }

    fn message(payload: Payload) -> Vec<u8> {
        let envelope = events::envelope(
            &Uuid::new_v4().to_string(),
            UNIX_EPOCH,
            &VIDEO.to_string(),
            3,
            payload,
        )
        .unwrap();
        events::to_json(&envelope).unwrap()
    }

    fn transcoded() -> Vec<u8> {
        message(Payload::VideoTranscoded(VideoTranscoded {
            video_id: VIDEO.to_string(),
            renditions: vec![VideoRendition {
                height: 240,
                width: 320,
                bandwidth: 400_000,
                playlist_key: "k".into(),
            }],
            master_playlist_key: "m".into(),
            poster_key: "p".into(),
            duration_ms: 3_000,
            source_height: 240,
        }))
    }

    fn failed(reason: &str) -> Vec<u8> {
        message(Payload::VideoTranscodingFailed(VideoTranscodingFailed {
            video_id: VIDEO.to_string(),
            reason: reason.into(),
        }))
    }

    fn video(repo: &InMemoryVideos) -> Video {
        repo.videos.lock().unwrap()[&VIDEO].clone()
    }

    #[tokio::test]
    async fn transcoded_marks_the_video_ready_once_and_later_results_change_nothing() {
        let (results, repo) = results_over(Status::Processing);
        let progress = message(Payload::VideoTranscodingProgressed(
            VideoTranscodingProgressed {
                video_id: VIDEO.to_string(),
                percent: 40,
            },
        ));

        assert_eq!(results.handle(&progress).await.unwrap(), Handled::Applied);
        assert_eq!(video(&repo).progress_percent, 40);
        assert_eq!(
            results.handle(&transcoded()).await.unwrap(),
            Handled::Applied
        );
        for late in [transcoded(), failed("late"), progress] {
            assert_eq!(results.handle(&late).await.unwrap(), Handled::Unchanged);
        }
        let ready = video(&repo);
        assert_eq!(ready.status, Status::Ready);
        assert_eq!(ready.progress_percent, 100);
        assert_eq!(ready.ladder.unwrap()["duration_ms"], "3000");
        assert_eq!(ready.failure_reason, None);
    }

    #[tokio::test]
    async fn failed_keeps_its_reason_or_gets_a_plain_one() {
        let (results, repo) = results_over(Status::Processing);
        results
            .handle(&failed("The file is truncated."))
            .await
            .unwrap();
        assert_eq!(video(&repo).status, Status::Failed);
        assert_eq!(
            video(&repo).failure_reason.as_deref(),
            Some("The file is truncated.")
        );
        let (results, repo) = results_over(Status::Processing);
        results.handle(&failed("  ")).await.unwrap();
        assert_eq!(
            video(&repo).failure_reason.as_deref(),
            Some(DEFAULT_FAILURE)
        );
    }

    #[tokio::test]
    async fn unreadable_results_are_refused_and_other_events_ignored() {
        let (results, repo) = results_over(Status::Processing);
        let no_ladder = message(Payload::VideoTranscoded(VideoTranscoded {
            video_id: VIDEO.to_string(),
            ..VideoTranscoded::default()
        }));
        let bad_id = message(Payload::VideoTranscodingFailed(VideoTranscodingFailed {
            video_id: "v-1".into(),
            reason: "x".into(),
        }));
        for broken in [b"nope".to_vec(), no_ladder, bad_id] {
            assert!(matches!(
                results.handle(&broken).await.unwrap(),
                Handled::Refused(_)
            ));
        }
        let other = br#"{"id":"e","type":"course.published","course_published":{}}"#;
        assert_eq!(results.handle(other).await.unwrap(), Handled::Unchanged);
        assert_eq!(video(&repo).status, Status::Processing);
    }
}
