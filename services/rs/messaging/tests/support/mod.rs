#![allow(
    dead_code,
    reason = "shared by several test binaries, each using a part of it"
)]
//! Real messaging instances over a test database (cloned from a template built from
//! migrations/messaging/sql, the files Alembic runs in the stacks), the run's NATS under the
//! test's own namespace (stream, subjects, live-feed prefix), identity faked (its JWKS served,
//! tokens signed with the test key), and a fake moderation that answers every post on the
//! bus with a `moderation.decided` (allow, or hold / reject when the text says so).

use std::sync::Arc;
use std::time::{Duration, Instant};

use edu_common::settings::VariableSource;
use edu_testing::backends::{Backend, url};
use edu_testing::{Migrations, Namespace, TestApp, TestDatabase, spawn_app};
use futures_util::StreamExt;
use messaging::settings::MessagingSettings;
use serde_json::{Value, json};
use uuid::Uuid;

pub(crate) fn migrations() -> Migrations {
    Migrations::new(
        "messaging",
        &[include_str!(
            "../../../../../migrations/messaging/sql/0001_messaging.up.sql"
        )],
    )
}

/// An access token of identity for `user`, valid for `seconds`.
pub(crate) fn token_for(user: Uuid, seconds: f64) -> String {
    edu_testing::identity::access_token(&user.to_string(), &["student"], seconds)
}

pub(crate) fn token(user: Uuid) -> String {
    token_for(user, 600.0)
}

/// One test's world: a database, a namespace on the run's NATS, identity.
pub(crate) struct World {
    pub(crate) database: TestDatabase,
    pub(crate) identity: TestApp,
    pub(crate) namespace: Namespace,
    pub(crate) stream: String,
    pub(crate) subjects: String,
    pub(crate) jetstream: async_nats::jetstream::Context,
    pub(crate) course: Uuid,
    pub(crate) teacher: Uuid,
    pub(crate) student: Uuid,
    pub(crate) classmate: Uuid,
    pub(crate) stranger: Uuid,
}

/// A running instance.
pub(crate) struct Instance {
    pub(crate) app: TestApp,
    pub(crate) started: messaging::Started,
}

impl Instance {
    pub(crate) fn url(&self, path: &str) -> String {
        self.app.url(path)
    }

    pub(crate) fn ws(&self, query: &str) -> String {
        format!("ws://{}/ws?{query}", self.app.address)
    }
}

impl World {
    pub(crate) async fn new() -> Self {
        let database = TestDatabase::create(&migrations()).await;
        let identity = edu_testing::identity::jwks_server().await;
        let namespace = Namespace::new();
        let nats = async_nats::connect(url(Backend::Nats)).await.unwrap();
        let jetstream = async_nats::jetstream::new(nats);
        let stream = namespace.stream("EVENTS");
        let subjects = namespace.subject("events");
        jetstream
            .get_or_create_stream(async_nats::jetstream::stream::Config {
                name: stream.clone(),
                subjects: vec![format!("{subjects}.>")],
                ..Default::default()
            })
            .await
            .unwrap();
        Self {
            database,
            identity,
            namespace,
            stream,
            subjects,
            jetstream,
            course: Uuid::new_v4(),
            teacher: Uuid::new_v4(),
            student: Uuid::new_v4(),
            classmate: Uuid::new_v4(),
            stranger: Uuid::new_v4(),
        }
    }

    pub(crate) fn settings(&self, extra: &[(&str, &str)]) -> MessagingSettings {
        let mut pairs: Vec<(String, String)> = vec![
            ("EDU_ENVIRONMENT".into(), "test".into()),
            ("EDU_DATABASE_URL".into(), self.database.url.clone()),
            ("EDU_DATABASE_CONNECTIONS".into(), "6".into()),
            ("EDU_IDENTITY_SERVICE_URL".into(), self.identity.url("")),
            ("EDU_NATS_URL".into(), url(Backend::Nats)),
            ("EDU_EVENTS_STREAM".into(), self.stream.clone()),
            ("EDU_EVENTS_SUBJECT_PREFIX".into(), self.subjects.clone()),
            ("EDU_EVENTS_ACK_TIMEOUT_MS".into(), "1000".into()),
            ("EDU_OUTBOX_POLL_MS".into(), "20".into()),
            ("EDU_OUTBOX_MAX_BACKOFF_MS".into(), "200".into()),
            ("EDU_CONSUMER_RETRY_MS".into(), "100".into()),
            (
                "EDU_DEAD_LETTER_STREAM".into(),
                self.namespace.stream("DEAD_LETTERS"),
            ),
            (
                "EDU_DEAD_LETTER_PREFIX".into(),
                self.namespace.subject("dlq.messaging"),
            ),
            (
                "EDU_LIVE_SUBJECT_PREFIX".into(),
                self.namespace.subject("messaging.course"),
            ),
            ("EDU_LIVE_SWEEP_MS".into(), "200".into()),
            ("EDU_WS_PING_MS".into(), "300".into()),
        ];
        for (name, value) in extra {
            pairs.retain(|(n, _)| n != name);
            pairs.push(((*name).to_owned(), (*value).to_owned()));
        }
        MessagingSettings::read(&VariableSource::from_pairs(pairs)).unwrap()
    }

    /// An instance of messaging (its own NATS connection), serving on a free port.
    pub(crate) async fn instance(&self, extra: &[(&str, &str)]) -> Instance {
        let started = messaging::start(&self.settings(extra)).await.unwrap();
        let app = spawn_app(started.router.clone()).await;
        Instance { app, started }
    }

    /// Publishes an event envelope on the test's stream, acknowledged.
    pub(crate) async fn publish(&self, kind: &str, version: u32, member: &str, payload: Value) {
        let mut envelope = json!({"id": Uuid::new_v4().to_string(), "type": kind,
            "occurred_at": "2026-12-05T12:00:00Z", "aggregate": kind.split('.').next().unwrap(),
            "aggregate_id": Uuid::new_v4().to_string(), "version": version});
        envelope[member] = payload;
        self.jetstream
            .publish(
                format!("{}.{kind}", self.subjects),
                envelope.to_string().into(),
            )
            .await
            .unwrap()
            .await
            .unwrap();
    }

    /// The course's teacher and two enrolled students, announced on the bus as course and
    /// enrollment do.
    pub(crate) async fn announce_members(&self) {
        self.publish(
            "course.published",
            1,
            "course_published",
            json!({"course_id": self.course.to_string(), "teacher_id": self.teacher.to_string(),
                "title": "Rust", "lesson_ids": []}),
        )
        .await;
        for student in [self.student, self.classmate] {
            self.publish(
                "enrollment.created",
                1,
                "enrollment_created",
                json!({"enrollment_id": Uuid::new_v4().to_string(),
                    "student_id": student.to_string(), "course_id": self.course.to_string()}),
            )
            .await;
        }
    }

    /// The same members written straight into the database (tests of HTTP and storage).
    pub(crate) async fn seed_members(&self) {
        let client = self.database.client().await;
        client
            .execute(
                "INSERT INTO course_teachers (course_id, teacher_id, version) VALUES ($1, $2, 1)",
                &[&self.course, &self.teacher],
            )
            .await
            .unwrap();
        for student in [self.student, self.classmate] {
            client
                .execute(
                    "INSERT INTO enrolments (enrollment_id, course_id, student_id) \
                     VALUES ($1, $2, $3)",
                    &[&Uuid::new_v4(), &self.course, &student],
                )
                .await
                .unwrap();
        }
    }

    /// Waits until `user` may take part (the consumer has applied the membership events).
    pub(crate) async fn wait_for_member(&self, instance: &Instance, user: Uuid) {
        let http = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let status = http
                .get(instance.url(&format!("/qa/courses/{}/posts", self.course)))
                .bearer_auth(token(user))
                .send()
                .await
                .unwrap()
                .status();
            if status == 200 {
                return;
            }
            assert!(Instant::now() < deadline, "{user} never became a member");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// moderation.decided about a post.
    pub(crate) async fn decide(&self, post: &Value, outcome: &str, version: u32) {
        let kind = if post["kind"] == "answer" {
            "MODERATED_ITEM_KIND_ANSWER"
        } else {
            "MODERATED_ITEM_KIND_QUESTION"
        };
        self.publish(
            "moderation.decided",
            version,
            "moderation_decided",
            json!({"item_id": Uuid::new_v4().to_string(), "kind": kind,
                "subject_id": post["id"], "course_id": post["course_id"],
                "author_id": post["author_id"], "outcome": outcome}),
        )
        .await;
    }

    /// A fake moderation: every `qa.*` event on the bus is answered with `moderation.decided`
    /// (version 1): reject when the text has "REJECT", hold with "HOLD", allow otherwise.
    /// Runs until the returned task is aborted.
    pub(crate) async fn moderate(&self) -> tokio::task::AbortHandle {
        let stream = self.jetstream.get_stream(&self.stream).await.unwrap();
        let consumer: async_nats::jetstream::consumer::PullConsumer = stream
            .create_consumer(async_nats::jetstream::consumer::pull::Config {
                filter_subject: format!("{}.qa.>", self.subjects),
                ..Default::default()
            })
            .await
            .unwrap();
        let (jetstream, subjects) = (self.jetstream.clone(), self.subjects.clone());
        let task = tokio::spawn(async move {
            let mut messages = consumer.messages().await.unwrap();
            while let Some(Ok(message)) = messages.next().await {
                let event: Value = serde_json::from_slice(&message.payload).unwrap();
                let (member, kind, id) = if event["type"] == "qa.answer_posted" {
                    (
                        "qa_answer_posted",
                        "MODERATED_ITEM_KIND_ANSWER",
                        "answer_id",
                    )
                } else {
                    (
                        "qa_question_posted",
                        "MODERATED_ITEM_KIND_QUESTION",
                        "question_id",
                    )
                };
                let post = &event[member];
                let body = post["body"].as_str().unwrap_or_default();
                let outcome = if body.contains("REJECT") {
                    "MODERATION_OUTCOME_REJECT"
                } else if body.contains("HOLD") {
                    "MODERATION_OUTCOME_HOLD"
                } else {
                    "MODERATION_OUTCOME_ALLOW"
                };
                let decided = json!({"id": Uuid::new_v4().to_string(),
                    "type": "moderation.decided", "occurred_at": "2026-12-05T12:00:00Z",
                    "aggregate": "moderation_item", "aggregate_id": Uuid::new_v4().to_string(),
                    "version": 1, "moderation_decided": {"item_id": Uuid::new_v4().to_string(),
                    "kind": kind, "subject_id": post[id], "course_id": post["course_id"],
                    "author_id": post["author_id"], "outcome": outcome}});
                jetstream
                    .publish(
                        format!("{subjects}.moderation.decided"),
                        decided.to_string().into(),
                    )
                    .await
                    .unwrap()
                    .await
                    .unwrap();
                message.ack().await.unwrap();
            }
        });
        task.abort_handle()
    }

    /// The events on the test's stream with `subject` (after the prefix), oldest first.
    pub(crate) async fn events(&self, subject: &str) -> Vec<Value> {
        let stream = self.jetstream.get_stream(&self.stream).await.unwrap();
        let consumer: async_nats::jetstream::consumer::PullConsumer = stream
            .create_consumer(async_nats::jetstream::consumer::pull::Config {
                filter_subject: format!("{}.{subject}", self.subjects),
                ..Default::default()
            })
            .await
            .unwrap();
        let mut batch = consumer
            .fetch()
            .max_messages(100)
            .expires(Duration::from_millis(300))
            .messages()
            .await
            .unwrap();
        let mut events = Vec::new();
        while let Some(Ok(message)) = batch.next().await {
            events.push(serde_json::from_slice(&message.payload).unwrap());
        }
        events
    }
}

/// POSTs `body` as `user`; the status and the JSON answer.
pub(crate) async fn post_json(url: &str, user: Uuid, body: &Value) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(url)
        .bearer_auth(token(user))
        .json(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// GETs `url` as `user`; the status and the JSON answer.
pub(crate) async fn get_json(url: &str, user: Uuid) -> (u16, Value) {
    let response = reqwest::Client::new()
        .get(url)
        .bearer_auth(token(user))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Polls `check` every 20 ms until it is true or `within` passed.
pub(crate) async fn eventually<F, Fut>(within: Duration, what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + within;
    while !check().await {
        assert!(Instant::now() < deadline, "{what} within {within:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

pub(crate) type Shared<T> = Arc<tokio::sync::Mutex<T>>;
