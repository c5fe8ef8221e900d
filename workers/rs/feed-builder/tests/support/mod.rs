#![allow(
    dead_code,
    reason = "shared by several test binaries, each using a part of it"
)]
//! A real feed-builder over the run's real NATS (a stream and subjects of the test's own
//! namespace) and real Redis (keys under the namespace's prefix), with envelopes shaped as the
//! Python producers write them.

use std::future::Future;
use std::time::Duration;

use async_nats::jetstream::context::Context;
use async_nats::jetstream::message::PublishMessage;
use async_nats::jetstream::stream;
use edu_common::settings::VariableSource;
use edu_testing::Namespace;
use edu_testing::backends::{Backend, url};
use feed_builder::settings::FeedBuilderSettings;
use serde_json::{Value, json};

pub(crate) fn id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// One test's world: its stream, its Redis keys.
pub(crate) struct World {
    pub(crate) namespace: Namespace,
    jetstream: Context,
    redis: redis::aio::MultiplexedConnection,
}

impl World {
    pub(crate) async fn new() -> Self {
        let namespace = Namespace::new();
        let client = async_nats::connect(url(Backend::Nats)).await.unwrap();
        let jetstream = async_nats::jetstream::new(client);
        jetstream
            .get_or_create_stream(stream::Config {
                name: namespace.stream("EVENTS"),
                subjects: vec![format!("{}.>", namespace.subject("events"))],
                ..stream::Config::default()
            })
            .await
            .unwrap();
        let redis = redis::Client::open(url(Backend::Redis))
            .unwrap()
            .get_multiplexed_async_connection()
            .await
            .unwrap();
        Self {
            namespace,
            jetstream,
            redis,
        }
    }

    pub(crate) fn prefix(&self) -> String {
        self.namespace.key("fb:")
    }

    pub(crate) fn settings(&self) -> FeedBuilderSettings {
        let pairs = [
            ("EDU_ENVIRONMENT", "test".to_owned()),
            ("EDU_NATS_URL", url(Backend::Nats)),
            ("EDU_REDIS_URL", url(Backend::Redis)),
            ("EDU_FEED_KEY_PREFIX", self.prefix()),
            ("EDU_EVENTS_STREAM", self.namespace.stream("EVENTS")),
            (
                "EDU_EVENTS_SUBJECT_PREFIX",
                self.namespace.subject("events"),
            ),
            ("EDU_FEED_EVENTS_FETCH_WAIT_MS", "100".to_owned()),
            ("EDU_FEED_EVENTS_RETRY_MS", "100".to_owned()),
            ("EDU_FEED_REFRESH_MS", "100".to_owned()),
            (
                "EDU_DEAD_LETTER_STREAM",
                self.namespace.stream("DEAD_LETTERS"),
            ),
            (
                "EDU_FEED_DEAD_LETTER_PREFIX",
                self.namespace.subject("dlq.feed-builder"),
            ),
        ];
        FeedBuilderSettings::read(&VariableSource::from_pairs(pairs)).unwrap()
    }

    pub(crate) async fn start(&self) -> feed_builder::Started {
        feed_builder::start(self.settings()).await.unwrap()
    }

    /// Publishes an envelope on `<namespace>.events.<type>` (its id as the message id).
    pub(crate) async fn publish(&self, event: &Value) {
        self.publish_as(event, event["id"].as_str().unwrap()).await;
    }

    /// Publishes an envelope with another message id: JetStream's de-duplication does not
    /// catch it, so the worker gets the same event a second time (as after a lost ack).
    pub(crate) async fn publish_as(&self, event: &Value, message_id: &str) {
        let kind = event["type"].as_str().unwrap();
        let subject = format!("{}.{kind}", self.namespace.subject("events"));
        let message = PublishMessage::build()
            .payload(bytes::Bytes::from(serde_json::to_vec(event).unwrap()))
            .message_id(message_id);
        self.jetstream
            .send_publish(subject, message)
            .await
            .unwrap()
            .await
            .unwrap();
    }

    pub(crate) async fn publish_raw(&self, kind: &str, payload: &'static [u8]) {
        let subject = format!("{}.{kind}", self.namespace.subject("events"));
        self.jetstream
            .publish(subject, bytes::Bytes::from_static(payload))
            .await
            .unwrap()
            .await
            .unwrap();
    }

    /// The student's feed document, as web reads it.
    pub(crate) async fn feed(&self, student: &str) -> Option<Value> {
        let mut redis = self.redis.clone();
        let raw: Option<String> = redis::cmd("GET")
            .arg(format!("{}feed:v1:{student}", self.prefix()))
            .query_async(&mut redis)
            .await
            .unwrap();
        raw.map(|text| serde_json::from_str(&text).unwrap())
    }

    /// Waits (10 s at most) until the student's feed satisfies `check`; the last one read.
    pub(crate) async fn feed_until(&self, student: &str, check: impl Fn(&Value) -> bool) -> Value {
        eventually(Duration::from_secs(10), || async {
            self.feed(student).await.filter(|feed| check(feed))
        })
        .await
        .unwrap_or_else(|| panic!("the feed of {student} never became as expected"))
    }

    /// How many students took both courses, as stored.
    pub(crate) async fn co_count(&self, a: &str, b: &str) -> Option<f64> {
        let mut redis = self.redis.clone();
        redis::cmd("ZSCORE")
            .arg(format!("{}co:{a}", self.prefix()))
            .arg(b)
            .query_async(&mut redis)
            .await
            .unwrap()
    }

    pub(crate) async fn delete(&self, key: &str) {
        let mut redis = self.redis.clone();
        let _: i64 = redis::cmd("DEL")
            .arg(format!("{}{key}", self.prefix()))
            .query_async(&mut redis)
            .await
            .unwrap();
    }

    /// The dead-letter stream's messages' subjects.
    pub(crate) async fn dead_letters(&self) -> Vec<String> {
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
            found.push(message.subject.to_string());
        }
        found
    }
}

/// A course snapshot event (`course.published`, `course.updated`, `course.unpublished`).
pub(crate) fn course_event(
    kind: &str,
    course: &str,
    version: u32,
    title: &str,
    lessons: &[&str],
) -> Value {
    let member = kind.replace('.', "_");
    json!({
        "id": id(), "type": kind, "occurred_at": "2026-12-01T10:00:00Z",
        "aggregate": "course", "aggregate_id": course, "version": version,
        member: {"course_id": course, "teacher_id": id(), "title": title, "lesson_ids": lessons},
    })
}

/// `enrollment.created` of `student` in `course`, at second `at` of 2026-12-01T10:00.
pub(crate) fn enrolled(student: &str, course: &str, at: u32) -> Value {
    json!({
        "id": id(), "type": "enrollment.created", "occurred_at": format!("2026-12-01T10:00:{at:02}Z"),
        "aggregate": "enrollment", "aggregate_id": format!("{student}-{course}"), "version": 1,
        "enrollment_created": {"enrollment_id": format!("{student}-{course}"), "student_id": student, "course_id": course},
    })
}

/// `lesson.completed` at enrollment version `version`.
pub(crate) fn lesson_completed(
    student: &str,
    course: &str,
    lesson: &str,
    percent: u32,
    version: u32,
) -> Value {
    json!({
        "id": id(), "type": "lesson.completed", "occurred_at": format!("2026-12-01T10:01:{version:02}Z"),
        "aggregate": "enrollment", "aggregate_id": format!("{student}-{course}"), "version": version,
        "lesson_completed": {"enrollment_id": format!("{student}-{course}"), "student_id": student,
            "course_id": course, "lesson_id": lesson, "progress_percent": percent},
    })
}

pub(crate) fn course_completed(student: &str, course: &str) -> Value {
    json!({
        "id": id(), "type": "course.completed", "occurred_at": "2026-12-01T10:02:00Z",
        "aggregate": "enrollment", "aggregate_id": format!("{student}-{course}"), "version": 50,
        "course_completed": {"enrollment_id": format!("{student}-{course}"), "student_id": student, "course_id": course},
    })
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

/// The course ids of a feed's list.
pub(crate) fn courses(feed: &Value, list: &str) -> Vec<String> {
    feed[list]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["course_id"].as_str().unwrap().to_owned())
        .collect()
}
