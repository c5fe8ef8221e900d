//! feed-builder <- course and enrollment: the events feeds are built from, as message pacts
//! (`contracts/pacts/feed-builder-course.json`, `feed-builder-enrollment.json`; ADR 0011),
//! verified against the real producers by
//! `contracts/tests/provider/test_verify_rust_consumers.py`.
//!
//! Each example is handed to what the JetStream consumer runs on a batch
//! (`adapters::envelope::decode`, then `FeedBuilder::apply`) over the real Redis store (the
//! run's Redis, keys under the test's own prefix); the effect is read from the feed document
//! web reads and from the store's view. Only what feeds read is in the pacts: the type, the
//! envelope's version (snapshots and progress apply by version) and, for progress, its time;
//! a course's id, title and lesson ids; a student's and course's ids, and a completed lesson's
//! id and progress. Ids, times, versions, titles and figures are matched by shape.

mod support;

use std::sync::Arc;
use std::time::Duration;

use edu_common::clock::SystemClock;
use edu_testing::Namespace;
use edu_testing::backends::{Backend, url};
use edu_testing::pact::{Event, MessagePact, TIMESTAMP, UUID, integer, like, regex};
use feed_builder::adapters::envelope::decode;
use feed_builder::adapters::redis_store::RedisStore;
use feed_builder::app::building::{FeedBuilder, Limits};
use feed_builder::app::ports::FeedStore;
use serde_json::{Value, json};

const COURSE_ID: &str = "0b7e8f3a-2c4d-4e5f-8a9b-1c2d3e4f5a6b";
const STUDENT_ID: &str = "3f1c2a9e-7b1d-4c55-9a0e-2b8f4e6d1a10";
const FIRST_LESSON: &str = "5d6e7f80-9a1b-4c2d-8e3f-4a5b6c7d8e9f";
const SECOND_LESSON: &str = "6e7f8091-ab2c-4d3e-9f40-5b6c7d8e9fa0";
const OCCURRED_AT: &str = "2026-12-05T09:30:00.123456Z";

/// A course snapshot as feeds read it: type, version, the course's id, title and lessons.
fn course_event<'a>(
    (description, state): (&'a str, &'a str),
    kind: &'a str,
    version: u32,
    title: &str,
    lessons: &[&str],
) -> Event<'a> {
    let member = kind.replace('.', "_");
    let snapshot = json!({"course_id": COURSE_ID, "title": title, "lesson_ids": lessons});
    Event {
        description,
        state,
        event_type: kind,
        content: json!({"type": kind, "version": version, member.clone(): snapshot}),
        rules: vec![
            ("$.version".to_owned(), integer()),
            (format!("$.{member}.course_id"), regex(UUID)),
            (format!("$.{member}.title"), like(None)),
            (format!("$.{member}.lesson_ids"), like(Some(1))),
            (format!("$.{member}.lesson_ids[*]"), regex(UUID)),
        ],
    }
}

/// A student's progress as feeds read it: type, version, time, the student's and course's ids
/// (and `extra`, with its rules, for what one kind carries more).
fn progress_event<'a>(
    (description, state): (&'a str, &'a str),
    kind: &'a str,
    version: u32,
    extra: &[(&str, Value, Value)],
) -> Event<'a> {
    let member = kind.replace('.', "_");
    let mut payload = json!({"student_id": STUDENT_ID, "course_id": COURSE_ID});
    let mut rules = vec![
        ("$.version".to_owned(), integer()),
        ("$.occurred_at".to_owned(), regex(TIMESTAMP)),
        (format!("$.{member}.student_id"), regex(UUID)),
        (format!("$.{member}.course_id"), regex(UUID)),
    ];
    for (field, example, rule) in extra {
        payload[*field] = example.clone();
        rules.push((format!("$.{member}.{field}"), rule.clone()));
    }
    Event {
        description,
        state,
        event_type: kind,
        content: json!({"type": kind, "version": version, "occurred_at": OCCURRED_AT,
            member.clone(): payload}),
        rules,
    }
}

/// The worker as the JetStream feed runs it, over the run's Redis.
struct Worker {
    store: RedisStore,
    builder: FeedBuilder,
    redis: redis::aio::MultiplexedConnection,
}

impl Worker {
    async fn new() -> Self {
        let prefix = Namespace::new().key("fb:");
        let redis_url = url(Backend::Redis);
        let timeout = Duration::from_secs(2);
        let store = RedisStore::connect(&redis_url, &prefix, timeout, Arc::new(SystemClock))
            .await
            .expect("the run's Redis");
        let builder = FeedBuilder::new(Arc::new(store.clone()), Limits::default());
        let redis = redis::Client::open(redis_url)
            .unwrap()
            .get_multiplexed_async_connection()
            .await
            .unwrap();
        Self {
            store,
            builder,
            redis,
        }
    }

    /// What the feed does with a batch of one message: decode, record, rebuild.
    async fn receive(&self, bytes: &[u8]) {
        let event = decode(bytes).expect("feed-builder reads the promised event");
        let applied = self
            .builder
            .apply(&[event])
            .await
            .expect("the event records");
        assert_eq!(applied.recorded, 1);
    }

    /// A snapshot is about no student: the feeds of the course's students are rebuilt by the
    /// refresh the feed runs between batches (the course was marked).
    async fn refresh(&self) {
        let rebuilt = self.builder.refresh_marked().await.expect("the refresh");
        assert_eq!(rebuilt, 1, "the enrolled student's feed is rebuilt");
    }

    /// The student's feed document, as web reads it.
    async fn feed(&self) -> Value {
        let mut redis = self.redis.clone();
        let raw: String = redis::cmd("GET")
            .arg(self.store.feed_key(STUDENT_ID))
            .query_async(&mut redis)
            .await
            .expect("the student's feed was written");
        serde_json::from_str(&raw).unwrap()
    }

    /// The student's "continue learning" item for the course, if listed.
    async fn continuing(&self) -> Option<Value> {
        let feed = self.feed().await;
        let items = feed["continue_learning"].as_array().unwrap();
        items.iter().find(|i| i["course_id"] == COURSE_ID).cloned()
    }
}

#[tokio::test]
async fn course_snapshots_name_the_course_and_its_next_lesson_in_a_students_feed() {
    let worker = Worker::new().await;
    let enrolled = support::enrolled(STUDENT_ID, COURSE_ID, 0);
    worker
        .receive(&serde_json::to_vec(&enrolled).unwrap())
        .await;
    let mut pact = MessagePact::new("feed-builder", "course");

    let published = pact.expect(&course_event(
        (
            "a course.published event",
            "a teacher has published a course with one lesson",
        ),
        "course.published",
        3,
        "Rust for beginners",
        &[FIRST_LESSON],
    ));
    worker.receive(&published).await;
    worker.refresh().await;
    let item = worker.continuing().await.expect("the enrolled course");
    assert_eq!(item["title"], "Rust for beginners", "published: titled");
    assert_eq!(
        item["next_lesson_id"], FIRST_LESSON,
        "published: its lesson"
    );

    let updated = pact.expect(&course_event(
        (
            "a course.updated event",
            "a teacher has added a lesson to a published course",
        ),
        "course.updated",
        4,
        "Rust for experts",
        &[SECOND_LESSON, FIRST_LESSON],
    ));
    worker.receive(&updated).await;
    worker.refresh().await;
    let item = worker.continuing().await.expect("the enrolled course");
    assert_eq!(item["title"], "Rust for experts", "updated: the new title");
    assert_eq!(
        item["next_lesson_id"], SECOND_LESSON,
        "updated: the new order"
    );

    let unpublished = pact.expect(&course_event(
        (
            "a course.unpublished event",
            "a teacher has unpublished a course",
        ),
        "course.unpublished",
        5,
        "Rust for experts",
        &[SECOND_LESSON, FIRST_LESSON],
    ));
    worker.receive(&unpublished).await;
    let view = worker.store.view(STUDENT_ID, 50).await.unwrap();
    let course = &view.courses[COURSE_ID];
    assert!(!course.published, "unpublished: never recommended again");
    assert_eq!(course.lesson_ids, [SECOND_LESSON, FIRST_LESSON]);

    pact.finish();
}

#[tokio::test]
async fn enrolment_and_progress_events_keep_the_students_continue_learning() {
    let worker = Worker::new().await;
    let snapshot = support::course_event(
        "course.published",
        COURSE_ID,
        3,
        "Rust for beginners",
        &[FIRST_LESSON, SECOND_LESSON],
    );
    worker
        .receive(&serde_json::to_vec(&snapshot).unwrap())
        .await;
    let mut pact = MessagePact::new("feed-builder", "enrollment");

    let enrolled = pact.expect(&progress_event(
        (
            "an enrollment.created event",
            "a student has enrolled in a course",
        ),
        "enrollment.created",
        1,
        &[],
    ));
    worker.receive(&enrolled).await;
    let item = worker
        .continuing()
        .await
        .expect("enrolled: continue learning");
    assert_eq!(item["progress_percent"], 0);
    assert_eq!(item["next_lesson_id"], FIRST_LESSON);
    let at = item["last_activity_at"].as_str().unwrap();
    assert!(
        at.starts_with("2026-12-05T09:30:00.123"),
        "the event's time: {at}"
    );

    let lesson_done = pact.expect(&progress_event(
        (
            "a lesson.completed event",
            "a student has completed every lesson of a course",
        ),
        "lesson.completed",
        2,
        &[
            ("lesson_id", json!(FIRST_LESSON), regex(UUID)),
            ("progress_percent", json!(50), integer()),
        ],
    ));
    worker.receive(&lesson_done).await;
    let item = worker.continuing().await.expect("still learning");
    assert_eq!(
        item["progress_percent"], 50,
        "lesson completed: its progress"
    );
    assert_eq!(
        item["next_lesson_id"], SECOND_LESSON,
        "lesson completed: the next"
    );

    let course_done = pact.expect(&progress_event(
        (
            "a course.completed event",
            "a student has completed every lesson of a course",
        ),
        "course.completed",
        3,
        &[],
    ));
    worker.receive(&course_done).await;
    assert_eq!(
        worker.continuing().await,
        None,
        "completed: no longer to continue"
    );

    pact.finish();
}
