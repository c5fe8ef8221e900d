//! video-processor <- video-transcoder: the transcoder's results, as a message pact
//! (`contracts/pacts/video-processor-video-transcoder.json`; ADR 0011 §8, issue 25), verified
//! against the real producer's code path by
//! `contracts/tests/provider/test_verify_qa_video_events.py` (`video-transcoder pact-messages`).
//!
//! Each example is handed to what the JetStream consumer runs on a message (`Results::handle`)
//! over the real `PostgresVideoRepository` on a test database, holding videos the teacher
//! uploaded (made, every byte received, completed: processing), and the test asserts the effect
//! on the teacher's view (`VideoOut`): the progress, the ladder's renditions and length once
//! ready, the reason once failed. Only what video-processor reads is in the pact: the type, the
//! video's id, the percent; the renditions' heights and widths, the master playlist (a ladder
//! without one is refused) and the length; the reason. Ids are matched by shape, figures by
//! type, the ladder by at least one rendition like the example.

mod support;

use std::sync::Arc;
use std::time::SystemTime;

use edu_common::clock::SystemClock;
use edu_testing::TestDatabase;
use edu_testing::pact::{Event, MessagePact, UUID, integer, like, regex};
use serde_json::{Value, json};
use uuid::Uuid;
use video_processor::adapters::postgres::{PgPool, PostgresVideoRepository};
use video_processor::app::ports::VideoRepository;
use video_processor::app::results::{Handled, Results};
use video_processor::app::videos::uploaded_event;
use video_processor::domain::video::{Declared, Video};
use video_processor::http::uploads::VideoOut;

const TRANSCODED: &str = "4c5d6e7f-8091-4a2b-9c3d-4e5f60718293";
const UNREADABLE: &str = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";
const REASON: &str = "The file is not a playable video (moov atom not found): it looks \
                      truncated or damaged; upload the complete file again.";

fn result<'a>(description: &'a str, state: &'a str, kind: &'a str, payload: &Value) -> Event<'a> {
    let member = kind.replace('.', "_");
    let mut rules = vec![(format!("$.{member}.video_id"), regex(UUID))];
    rules.extend(match kind {
        "video.transcoding_progressed" => vec![(format!("$.{member}.percent"), integer())],
        "video.transcoded" => vec![
            (format!("$.{member}.renditions"), like(Some(1))),
            (format!("$.{member}.renditions[*].height"), integer()),
            (format!("$.{member}.renditions[*].width"), integer()),
            (format!("$.{member}.master_playlist_key"), like(None)),
            (format!("$.{member}.duration_ms"), regex("^[1-9][0-9]*$")),
        ],
        _ => vec![(format!("$.{member}.reason"), like(None))],
    });
    Event {
        description,
        state,
        event_type: kind,
        content: json!({"type": kind, member: payload}),
        rules,
    }
}

/// The consumer as the JetStream feed runs it, over a real repository.
struct Consumer {
    _database: TestDatabase,
    repo: Arc<PostgresVideoRepository>,
    results: Results,
}

impl Consumer {
    async fn new() -> Self {
        let database = TestDatabase::create(&support::migrations()).await;
        let repo = Arc::new(PostgresVideoRepository::new(PgPool::new(&database.url, 2)));
        let results = Results::new(repo.clone(), Arc::new(SystemClock));
        Self {
            _database: database,
            repo,
            results,
        }
    }

    /// A video the teacher uploaded whole: processing, its video.uploaded in the outbox.
    async fn uploaded(&self, id: &str) {
        let now = SystemTime::now();
        let declared = Declared {
            course_id: Uuid::new_v4(),
            lesson_id: Uuid::new_v4(),
            size_bytes: 10,
            content_type: "video/mp4".into(),
            sha256: "ab".repeat(32),
        };
        let video = Video::new(Uuid::parse_str(id).unwrap(), Uuid::new_v4(), declared, now);
        self.repo.insert(&video).await.unwrap();
        assert!(self.repo.advance(video.id, 0, 10, now).await.unwrap());
        let event = uploaded_event(&video, now).unwrap();
        assert!(self.repo.mark_uploaded(video.id, event, now).await.unwrap());
    }

    async fn receive(&self, bytes: &[u8]) -> Handled {
        self.results
            .handle(bytes)
            .await
            .expect("the result applies")
    }

    /// What the teacher's page shows of the video.
    async fn shown(&self, id: &str) -> Value {
        let video = self.repo.get(Uuid::parse_str(id).unwrap()).await.unwrap();
        let shown = VideoOut::of(&video.expect("the video exists"));
        serde_json::to_value(shown).unwrap()
    }
}

#[tokio::test]
async fn results_move_a_processing_video_to_ready_with_its_ladder_or_to_failed_with_why() {
    let consumer = Consumer::new().await;
    consumer.uploaded(TRANSCODED).await;
    consumer.uploaded(UNREADABLE).await;
    let mut pact = MessagePact::new("video-processor", "video-transcoder");

    let progressed = pact.expect(&result(
        "a video.transcoding_progressed event",
        "the transcoder is transcoding an uploaded video",
        "video.transcoding_progressed",
        &json!({"video_id": TRANSCODED, "percent": 50}),
    ));
    assert_eq!(consumer.receive(&progressed).await, Handled::Applied);
    assert_eq!(consumer.receive(&progressed).await, Handled::Unchanged);
    let shown = consumer.shown(TRANSCODED).await;
    assert_eq!(
        (&shown["status"], &shown["progress_percent"]),
        (&json!("processing"), &json!(50))
    );

    let transcoded = pact.expect(&result(
        "a video.transcoded event",
        "the transcoder has transcoded an uploaded video",
        "video.transcoded",
        &json!({"video_id": TRANSCODED, "duration_ms": "3000",
            "master_playlist_key": format!("videos/{TRANSCODED}/hls/master.m3u8"),
            "renditions": [{"height": 240, "width": 320}]}),
    ));
    assert_eq!(consumer.receive(&transcoded).await, Handled::Applied);
    let shown = consumer.shown(TRANSCODED).await;
    assert_eq!(shown["status"], "ready");
    assert_eq!(shown["renditions"], json!([{"height": 240, "width": 320}]));
    assert_eq!(shown["duration_ms"], 3_000);

    let failed = pact.expect(&result(
        "a video.transcoding_failed event",
        "the transcoder has found an uploaded video unreadable",
        "video.transcoding_failed",
        &json!({"video_id": UNREADABLE, "reason": REASON}),
    ));
    assert_eq!(consumer.receive(&failed).await, Handled::Applied);
    let shown = consumer.shown(UNREADABLE).await;
    assert_eq!(
        (&shown["status"], &shown["failure_reason"]),
        (&json!("failed"), &json!(REASON))
    );

    pact.finish();
}
