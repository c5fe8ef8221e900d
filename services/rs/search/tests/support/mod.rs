#![allow(
    dead_code,
    reason = "shared by several test binaries, each using a part of it"
)]
//! A real search over the run's real NATS (a stream and subjects of the test's own namespace)
//! and a real tantivy index in a directory of its own, with the course service played by a
//! small HTTP fake that answers `GET /courses/{id}` from what the test published.

use std::collections::HashMap;
use std::future::Future;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_nats::jetstream::context::Context;
use async_nats::jetstream::message::PublishMessage;
use async_nats::jetstream::stream;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use edu_common::settings::VariableSource;
use edu_testing::backends::{Backend, url};
use edu_testing::{Namespace, TestApp, spawn_app};
use search::settings::SearchSettings;
use serde_json::{Value, json};

pub(crate) const TEACHER: &str = "7e4c0000-0000-4000-8000-000000000001";

type Courses = Arc<Mutex<HashMap<String, Value>>>;

/// The course service's public catalogue, as far as search asks it.
pub(crate) struct FakeCourseService {
    courses: Courses,
    pub(crate) app: TestApp,
}

async fn read_course(State(courses): State<Courses>, Path(id): Path<String>) -> Response {
    let found = courses.lock().unwrap().get(&id).cloned();
    match found {
        Some(course) => axum::Json(course).into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

impl FakeCourseService {
    pub(crate) async fn start() -> Self {
        let courses = Courses::default();
        let router = Router::new()
            .route("/courses/{id}", get(read_course))
            .with_state(courses.clone());
        Self {
            courses,
            app: spawn_app(router).await,
        }
    }

    /// Shows a published course (what `GET /courses/{id}` answers from now on).
    pub(crate) fn show(&self, course: &Course) {
        self.courses
            .lock()
            .unwrap()
            .insert(course.id.clone(), course.published_json());
    }

    pub(crate) fn hide(&self, course_id: &str) {
        self.courses.lock().unwrap().remove(course_id);
    }
}

/// A course as the test publishes it.
#[derive(Debug, Clone)]
pub(crate) struct Course {
    pub(crate) id: String,
    pub(crate) version: u32,
    pub(crate) title: String,
    pub(crate) summary: String,
    pub(crate) level: String,
    pub(crate) tags: Vec<String>,
    pub(crate) lessons: Vec<String>,
}

impl Course {
    pub(crate) fn new(title: &str, level: &str, tags: &[&str]) -> Self {
        Self {
            id: uuid::Uuid::new_v4().to_string(),
            version: 1,
            title: title.into(),
            summary: format!("Everything about {title}, step by step."),
            level: level.into(),
            tags: tags.iter().map(|t| (*t).to_owned()).collect(),
            lessons: vec![format!("Welcome to {title}")],
        }
    }

    fn published_json(&self) -> Value {
        json!({
            "id": self.id, "teacher_id": TEACHER, "title": self.title, "summary": self.summary,
            "level": self.level, "tags": self.tags, "status": "published",
            "version": self.version, "published_at": "2026-12-01T10:00:00Z", "price": null,
            "lesson_count": self.lessons.len(), "total_minutes": 10,
            "lessons": self.lessons.iter().enumerate().map(|(i, title)| json!({
                "id": uuid::Uuid::new_v4().to_string(), "position": i + 1, "title": title,
                "estimated_minutes": 10, "has_video": false})).collect::<Vec<_>>(),
        })
    }

    /// The envelope course would publish for this course at its version (`course.published`,
    /// `course.updated` or `course.unpublished`).
    pub(crate) fn event(&self, kind: &str) -> Value {
        let member = kind.replace('.', "_");
        json!({
            "id": uuid::Uuid::new_v4().to_string(), "type": kind,
            "occurred_at": "2026-12-01T10:00:00Z", "aggregate": "course",
            "aggregate_id": self.id, "version": self.version,
            member: {"course_id": self.id, "teacher_id": TEACHER, "title": self.title},
        })
    }
}

/// `enrollment.created` (or `course.completed`) of `enrollment` in `course_id`.
pub(crate) fn enrolment_event(kind: &str, course_id: &str, enrollment: &str) -> Value {
    let member = kind.replace('.', "_");
    json!({
        "id": uuid::Uuid::new_v4().to_string(), "type": kind,
        "occurred_at": "2026-12-01T10:00:00Z", "aggregate": "enrollment",
        "aggregate_id": enrollment, "version": 1,
        member: {"enrollment_id": enrollment, "student_id": TEACHER, "course_id": course_id},
    })
}

/// One test's world: its stream, the fake course service, an index directory.
pub(crate) struct World {
    pub(crate) namespace: Namespace,
    pub(crate) courses: FakeCourseService,
    pub(crate) index_dir: PathBuf,
    jetstream: Context,
}

impl World {
    pub(crate) async fn new() -> Self {
        let namespace = Namespace::new();
        let client = async_nats::connect(url(Backend::Nats)).await.unwrap();
        let jetstream = async_nats::jetstream::new(client);
        let world = Self {
            index_dir: std::env::temp_dir().join(format!("edu-search-{}", namespace.id())),
            courses: FakeCourseService::start().await,
            namespace,
            jetstream,
        };
        world
            .jetstream
            .get_or_create_stream(stream::Config {
                name: world.namespace.stream("EVENTS"),
                subjects: vec![format!("{}.>", world.namespace.subject("events"))],
                ..stream::Config::default()
            })
            .await
            .unwrap();
        world
    }

    pub(crate) fn settings(&self) -> SearchSettings {
        let pairs = [
            ("EDU_ENVIRONMENT", "test".to_owned()),
            ("EDU_NATS_URL", url(Backend::Nats)),
            ("EDU_EVENTS_STREAM", self.namespace.stream("EVENTS")),
            (
                "EDU_EVENTS_SUBJECT_PREFIX",
                self.namespace.subject("events"),
            ),
            ("EDU_SEARCH_INDEX_DIR", self.index_dir.display().to_string()),
            ("EDU_COURSE_SERVICE_URL", self.courses.app.url("")),
            ("EDU_SEARCH_EVENTS_FETCH_WAIT_MS", "100".to_owned()),
            ("EDU_SEARCH_EVENTS_RETRY_MS", "100".to_owned()),
            (
                "EDU_DEAD_LETTER_STREAM",
                self.namespace.stream("DEAD_LETTERS"),
            ),
            (
                "EDU_SEARCH_DEAD_LETTER_PREFIX",
                self.namespace.subject("dlq.search"),
            ),
        ];
        SearchSettings::read(&VariableSource::from_pairs(pairs)).unwrap()
    }

    /// Starts search on this world; the app and the running service (stop both by dropping).
    pub(crate) async fn start_search(&self) -> Running {
        let started = search::start(self.settings()).await.unwrap();
        let app = spawn_app(started.router.clone()).await;
        Running {
            app,
            _started: started,
            client: reqwest::Client::new(),
        }
    }

    /// Waits until nothing holds the index directory's lock any more (a stopped search lets
    /// go of it once its tasks wound down).
    pub(crate) async fn wait_until_index_released(&self) {
        let released = eventually(Duration::from_secs(5), || async {
            search::adapters::tantivy_index::TantivyIndex::open(Some(&self.index_dir)).ok()
        })
        .await;
        assert!(released.is_some(), "the index stayed locked");
    }

    /// Publishes raw bytes on `<namespace>.events.<kind>`.
    pub(crate) async fn publish_raw(&self, kind: &str, payload: &'static [u8]) {
        let subject = format!("{}.{kind}", self.namespace.subject("events"));
        self.jetstream
            .publish(subject, bytes::Bytes::from_static(payload))
            .await
            .unwrap()
            .await
            .unwrap();
    }

    /// The dead-letter stream's messages: (subject, `Edu-Original-Subject` header).
    pub(crate) async fn dead_letters(&self) -> Vec<(String, String)> {
        let Ok(stream) = self
            .jetstream
            .get_stream(self.namespace.stream("DEAD_LETTERS"))
            .await
        else {
            return Vec::new();
        };
        let mut found = Vec::new();
        for sequence in 1.. {
            let Ok(message) = stream.get_raw_message(sequence).await else {
                break;
            };
            let original = message
                .headers
                .get("Edu-Original-Subject")
                .map(ToString::to_string)
                .unwrap_or_default();
            found.push((message.subject.to_string(), original));
        }
        found
    }

    /// Publishes an envelope on `<namespace>.events.<type>` and waits for JetStream's ack.
    pub(crate) async fn publish(&self, event: &Value) {
        let kind = event["type"].as_str().unwrap();
        let subject = format!("{}.{kind}", self.namespace.subject("events"));
        let message = PublishMessage::build()
            .payload(bytes::Bytes::from(serde_json::to_vec(event).unwrap()))
            .message_id(event["id"].as_str().unwrap());
        self.jetstream
            .send_publish(subject, message)
            .await
            .unwrap()
            .await
            .unwrap();
    }
}

impl Drop for World {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.index_dir);
        let _ = std::fs::remove_dir_all(self.index_dir.with_extension("rebuilding"));
    }
}

pub(crate) struct Running {
    pub(crate) app: TestApp,
    _started: search::Started,
    client: reqwest::Client,
}

impl Running {
    pub(crate) async fn get(&self, path_and_query: &str) -> (StatusCode, Value) {
        let response = self
            .client
            .get(self.app.url(path_and_query))
            .send()
            .await
            .unwrap();
        let status = StatusCode::from_u16(response.status().as_u16()).unwrap();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// `GET /search?<query>`, expecting a 200.
    pub(crate) async fn search(&self, query: &str) -> Value {
        let (status, body) = self.get(&format!("/search?{query}")).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body
    }

    /// Waits (5 s at most) until `GET /search?<query>` satisfies `check`; the last answer.
    pub(crate) async fn search_until(&self, query: &str, check: impl Fn(&Value) -> bool) -> Value {
        eventually(Duration::from_secs(5), || async {
            let body = self.search(query).await;
            check(&body).then_some(body)
        })
        .await
        .unwrap_or_else(|| panic!("search?{query} never answered as expected"))
    }
}

/// Polls `probe` every 20 ms until it gives a value or `within` is over.
pub(crate) async fn eventually<T, F, Fut>(within: Duration, probe: F) -> Option<T>
where
    F: Fn() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + within;
    loop {
        if let Some(value) = probe().await {
            return Some(value);
        }
        if tokio::time::Instant::now() > deadline {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

pub(crate) fn ids(body: &Value) -> Vec<String> {
    body["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["course_id"].as_str().unwrap().to_owned())
        .collect()
}
