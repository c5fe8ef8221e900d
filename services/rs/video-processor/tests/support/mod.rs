#![allow(
    dead_code,
    reason = "shared by several test binaries, each using a part of it"
)]
//! A real video-processor over its own test database (cloned from a template built from
//! migrations/video/sql, the files Alembic runs in the stacks), its own object-store folder,
//! its own JetStream stream and subjects, identity's JWKS served by a fake, and fakes of course
//! (`GET /teaching/courses/{id}`) and enrollment (`GET /enrollments`) over real HTTP, so the
//! HTTP access adapter is the one under test.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use edu_common::settings::VariableSource;
use edu_common::shutdown::Shutdown;
use edu_testing::backends::{Backend, url};
use edu_testing::{FakeClock, Migrations, Namespace, TestApp, TestDatabase, spawn_app};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use uuid::Uuid;
use video_processor::adapters::jetstream::ResultConsumer;
use video_processor::app::relay::OutboxRelay;
use video_processor::app::results::Results;
use video_processor::settings::VideoSettings;

pub(crate) fn migrations() -> Migrations {
    Migrations::new(
        "video",
        &[
            include_str!("../../../../../migrations/video/sql/0001_videos.up.sql"),
            include_str!("../../../../../migrations/video/sql/0002_captions.up.sql"),
        ],
    )
}

pub(crate) fn sha(bytes: &[u8]) -> String {
    edu_video::hex::encode(&Sha256::digest(bytes))
}

/// Who the fakes of course and enrollment know: token → (courses taught with their lessons,
/// courses enrolled in).
#[derive(Debug, Default)]
pub(crate) struct Directory {
    pub(crate) teaching: HashMap<String, HashMap<Uuid, Vec<Uuid>>>,
    pub(crate) enrolled: HashMap<String, Vec<(Uuid, &'static str)>>,
}

type Shared = Arc<Mutex<Directory>>;

fn token_of(headers: &HeaderMap) -> String {
    headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default()
        .to_owned()
}

async fn teaching_course(
    State(directory): State<Shared>,
    Path(course): Path<String>,
    headers: HeaderMap,
) -> axum::response::Response {
    let Ok(course) = Uuid::parse_str(&course) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let directory = directory.lock().unwrap();
    match directory
        .teaching
        .get(&token_of(&headers))
        .and_then(|courses| courses.get(&course))
    {
        Some(lessons) => {
            let lessons: Vec<Value> = lessons
                .iter()
                .map(|id| json!({"id": id.to_string()}))
                .collect();
            axum::Json(json!({"id": course.to_string(), "lessons": lessons})).into_response()
        }
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn enrollments(
    State(directory): State<Shared>,
    headers: HeaderMap,
) -> axum::response::Response {
    let directory = directory.lock().unwrap();
    let mine: Vec<Value> = directory
        .enrolled
        .get(&token_of(&headers))
        .map(|courses| {
            courses
                .iter()
                .map(|(course, status)| json!({"course_id": course.to_string(), "status": status}))
                .collect()
        })
        .unwrap_or_default();
    axum::Json(mine).into_response()
}

pub(crate) struct Service {
    pub(crate) app: TestApp,
    pub(crate) identity: TestApp,
    pub(crate) platform: TestApp,
    pub(crate) directory: Shared,
    pub(crate) database: TestDatabase,
    pub(crate) store: tempfile::TempDir,
    pub(crate) clock: FakeClock,
    pub(crate) http: reqwest::Client,
    pub(crate) relay: OutboxRelay,
    pub(crate) consumer: Arc<ResultConsumer>,
    pub(crate) results: Results,
    pub(crate) stream: String,
    pub(crate) subjects: String,
    pub(crate) jetstream: async_nats::jetstream::Context,
    pub(crate) teacher: Uuid,
    pub(crate) course: Uuid,
    pub(crate) lesson: Uuid,
    running: Vec<(Shutdown, tokio::task::JoinHandle<()>)>,
}

pub(crate) const MAX_BYTES: u64 = 4_000_000;
pub(crate) const MAX_CHUNK: usize = 1_000_000;

pub(crate) async fn service() -> Service {
    service_with(&[]).await
}

pub(crate) async fn service_with(extra: &[(&str, &str)]) -> Service {
    let database = TestDatabase::create(&migrations()).await;
    let identity = edu_testing::identity::jwks_server().await;
    let directory: Shared = Arc::default();
    let platform = spawn_app(
        axum::Router::new()
            .route("/teaching/courses/{course}", get(teaching_course))
            .route("/enrollments", get(enrollments))
            .with_state(directory.clone()),
    )
    .await;
    let store = tempfile::tempdir().unwrap();
    let namespace = Namespace::new();
    let stream = namespace.stream("EVENTS");
    let subjects = namespace.subject("events");
    let mut pairs: Vec<(String, String)> = vec![
        ("EDU_ENVIRONMENT".into(), "test".into()),
        ("EDU_DATABASE_URL".into(), database.url.clone()),
        ("EDU_IDENTITY_SERVICE_URL".into(), identity.url("")),
        ("EDU_COURSE_SERVICE_URL".into(), platform.url("")),
        ("EDU_ENROLLMENT_SERVICE_URL".into(), platform.url("")),
        (
            "EDU_VIDEO_STORE_DIR".into(),
            store.path().display().to_string(),
        ),
        ("EDU_VIDEO_MAX_BYTES".into(), MAX_BYTES.to_string()),
        ("EDU_VIDEO_MAX_CHUNK_BYTES".into(), MAX_CHUNK.to_string()),
        ("EDU_VIDEO_URL_SECRET".into(), "k-3f9a1c7e".into()),
        ("EDU_NATS_URL".into(), url(Backend::Nats)),
        ("EDU_EVENTS_STREAM".into(), stream.clone()),
        ("EDU_EVENTS_SUBJECT_PREFIX".into(), subjects.clone()),
        ("EDU_EVENTS_ACK_TIMEOUT_MS".into(), "1000".into()),
        ("EDU_OUTBOX_POLL_MS".into(), "50".into()),
        ("EDU_VIDEO_RESULTS_FETCH_WAIT_MS".into(), "200".into()),
        ("EDU_VIDEO_RESULTS_RETRY_MS".into(), "100".into()),
        (
            "EDU_DEAD_LETTER_STREAM".into(),
            namespace.stream("DEAD_LETTERS"),
        ),
        ("EDU_DEAD_LETTER_PREFIX".into(), namespace.subject("dlq")),
    ];
    for (name, value) in extra {
        pairs.retain(|(n, _)| n != name);
        pairs.push(((*name).to_owned(), (*value).to_owned()));
    }
    let settings = VideoSettings::read(&VariableSource::from_pairs(pairs)).unwrap();
    let clock = FakeClock::at(SystemTime::now());
    let service = video_processor::build_with(&settings, Arc::new(clock.clone()), None);
    let nats = async_nats::connect(url(Backend::Nats)).await.unwrap();
    let teacher = Uuid::new_v4();
    let (course, lesson) = (Uuid::new_v4(), Uuid::new_v4());
    let service = Service {
        app: spawn_app(service.router).await,
        identity,
        platform,
        directory,
        database,
        store,
        clock,
        http: reqwest::Client::new(),
        relay: service.relay,
        consumer: service.consumer,
        results: service.results,
        stream,
        subjects,
        jetstream: async_nats::jetstream::new(nats),
        teacher,
        course,
        lesson,
        running: Vec::new(),
    };
    service
        .directory
        .lock()
        .unwrap()
        .teaching
        .entry(service.token_of(teacher, "teacher"))
        .or_default()
        .insert(course, vec![lesson]);
    service
}

/// A fixed token per user and role (the fakes key their directory by it).
fn token(user: Uuid, role: &str) -> String {
    edu_testing::identity::access_token(&user.to_string(), &[role], 3_600.0)
}

impl Drop for Service {
    fn drop(&mut self) {
        for (stop, _) in &self.running {
            stop.trigger();
        }
    }
}

impl Service {
    #[allow(
        clippy::unused_self,
        reason = "read as the service's tokens at the call site"
    )]
    pub(crate) fn token_of(&self, user: Uuid, role: &str) -> String {
        static TOKENS: Mutex<Option<HashMap<(Uuid, String), String>>> = Mutex::new(None);
        let mut tokens = TOKENS.lock().unwrap();
        tokens
            .get_or_insert_with(HashMap::new)
            .entry((user, role.to_owned()))
            .or_insert_with(|| token(user, role))
            .clone()
    }

    pub(crate) fn teacher_token(&self) -> String {
        self.token_of(self.teacher, "teacher")
    }

    /// `student` enrolled in the course (`active` or `revoked`).
    pub(crate) fn enrol(&self, student: Uuid, status: &'static str) {
        let token = self.token_of(student, "student");
        self.directory
            .lock()
            .unwrap()
            .enrolled
            .entry(token)
            .or_default()
            .push((self.course, status));
    }

    /// Runs the relay and the result consumer in the background until the service is dropped.
    pub(crate) fn start_background(&mut self) {
        let stop = Shutdown::new();
        let relay = self.relay.clone();
        let handle = tokio::spawn({
            let stop = stop.clone();
            async move { relay.run(stop).await }
        });
        self.running.push((stop.clone(), handle));
        let consumer = self.consumer.clone();
        let results = self.results.clone();
        let handle = tokio::spawn({
            let stop = stop.clone();
            async move { consumer.run(&results, stop).await }
        });
        self.running.push((stop, handle));
    }

    /// Waits until `/ready` answers 200 (the result consumer and its stream are in place).
    pub(crate) async fn wait_ready(&self) -> u16 {
        let until = tokio::time::Instant::now() + Duration::from_secs(10);
        loop {
            let status = self
                .http
                .get(self.app.url("/ready"))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16();
            if status == 200 || tokio::time::Instant::now() > until {
                return status;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub(crate) async fn declare(&self, body: &Value) -> reqwest::Response {
        self.http
            .post(self.app.url("/videos"))
            .bearer_auth(self.teacher_token())
            .json(body)
            .send()
            .await
            .unwrap()
    }

    pub(crate) fn declaration(&self, content: &[u8], content_type: &str) -> Value {
        json!({"course_id": self.course.to_string(), "lesson_id": self.lesson.to_string(),
            "size_bytes": content.len(), "content_type": content_type, "sha256": sha(content)})
    }

    /// A declared upload of `content`; its id.
    pub(crate) async fn new_upload(&self, content: &[u8]) -> Uuid {
        let response = self.declare(&self.declaration(content, "video/mp4")).await;
        assert_eq!(response.status(), 201, "{:?}", response.text().await);
        let made: Value = response.json().await.unwrap();
        made["id"].as_str().unwrap().parse().unwrap()
    }

    pub(crate) async fn put_chunk(
        &self,
        video: Uuid,
        offset: usize,
        chunk: &[u8],
        checksum: &str,
    ) -> reqwest::Response {
        self.http
            .put(
                self.app
                    .url(&format!("/videos/{video}/content?offset={offset}")),
            )
            .bearer_auth(self.teacher_token())
            .header("Chunk-SHA256", checksum)
            .header("content-type", "application/octet-stream")
            .body(chunk.to_vec())
            .send()
            .await
            .unwrap()
    }

    pub(crate) async fn send_all(&self, video: Uuid, content: &[u8], chunk: usize) {
        for (i, part) in content.chunks(chunk).enumerate() {
            let response = self.put_chunk(video, i * chunk, part, &sha(part)).await;
            assert_eq!(response.status(), 200, "{:?}", response.text().await);
        }
    }

    pub(crate) async fn complete(&self, video: Uuid) -> reqwest::Response {
        self.http
            .post(self.app.url(&format!("/videos/{video}/complete")))
            .bearer_auth(self.teacher_token())
            .send()
            .await
            .unwrap()
    }

    pub(crate) async fn read(&self, video: Uuid) -> Value {
        self.http
            .get(self.app.url(&format!("/videos/{video}")))
            .bearer_auth(self.teacher_token())
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// A complete upload of `content`; its id.
    pub(crate) async fn uploaded(&self, content: &[u8]) -> Uuid {
        let video = self.new_upload(content).await;
        self.send_all(video, content, MAX_CHUNK).await;
        let response = self.complete(video).await;
        assert_eq!(response.status(), 200, "{:?}", response.text().await);
        video
    }

    pub(crate) async fn playback(&self, video: Uuid, token: &str) -> reqwest::Response {
        self.http
            .get(self.app.url(&format!("/videos/{video}/playback")))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
    }

    /// Every message of the test's stream (none when it was never made).
    pub(crate) async fn messages(&self) -> Vec<async_nats::jetstream::message::StreamMessage> {
        let Ok(stream) = self.jetstream.get_stream(&self.stream).await else {
            return Vec::new();
        };
        let mut found = Vec::new();
        let mut sequence = 1;
        while let Ok(message) = stream.get_raw_message(sequence).await {
            found.push(message);
            sequence += 1;
        }
        found
    }

    pub(crate) async fn wait_for_messages(
        &self,
        count: usize,
        within: Duration,
    ) -> Vec<async_nats::jetstream::message::StreamMessage> {
        let until = tokio::time::Instant::now() + within;
        loop {
            let found = self.messages().await;
            if found.len() >= count || tokio::time::Instant::now() > until {
                return found;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    /// Waits up to `within` for the video's status to be `status`; the video then.
    pub(crate) async fn wait_for_status(
        &self,
        video: Uuid,
        status: &str,
        within: Duration,
    ) -> Value {
        let until = tokio::time::Instant::now() + within;
        loop {
            let found = self.read(video).await;
            if found["status"] == status || tokio::time::Instant::now() > until {
                return found;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// Bytes that look like nothing in particular (a real clip is not needed to upload).
pub(crate) fn content(size: usize) -> Vec<u8> {
    (0..size)
        .map(|i| u8::try_from(i * 7 % 251).unwrap())
        .collect()
}
