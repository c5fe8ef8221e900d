//! messaging <- moderation: the decisions messaging acts on, as a message pact
//! (`contracts/pacts/messaging-moderation.json`; ADR 0011 §8, issue 24), verified against the
//! real Python producer by `contracts/tests/provider/test_verify_qa_video_events.py`.
//!
//! Each example is handed to what the JetStream consumer runs on a message
//! (`adapters::events::decode`, then `EventHandler::handle`) over the real `PostgresStore` on a
//! test database, and the test asserts the effect: an allowed question takes the next place in
//! its course's feed and is announced live, a held one and a rejected answer stay hidden, and a
//! reviewer's later allow (version 2) shows the held one. Only what messaging reads is in the
//! pact: the type, the envelope's version (the newest decision wins), the item's kind (a
//! course's decision is not messaging's), the post's id (`subject_id`), its course and the
//! outcome. Ids and the version are matched by shape; kind and outcome are the contract itself.

mod support;

use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use edu_common::clock::SystemClock;
use edu_testing::TestDatabase;
use edu_testing::pact::{Event, MessagePact, UUID, integer, regex};
use messaging::adapters::events::{Incoming, decode, outbox_record};
use messaging::adapters::postgres::{PgPool, PostgresStore};
use messaging::app::events::EventHandler;
use messaging::app::ports::{LiveFeed, Page, PublishFuture, Store};
use messaging::domain::posts::{Post, Status};
use serde_json::json;
use uuid::Uuid;

const COURSE: &str = "0b7e8f3a-2c4d-4e5f-8a9b-1c2d3e4f5a6b";
const ALLOWED_QUESTION: &str = "5d6e7f80-9a1b-4c2d-8e3f-4a5b6c7d8e9f";
const HELD_QUESTION: &str = "2a3b4c5d-6e7f-4809-9a1b-2c3d4e5f6a7b";
const REJECTED_ANSWER: &str = "8f9e0d1c-2b3a-4495-a687-b9c0d1e2f3a4";

fn id(text: &str) -> Uuid {
    Uuid::parse_str(text).unwrap()
}

/// A `moderation.decided` as messaging reads it.
fn decided<'a>(
    description: &'a str,
    state: &'a str,
    kind: &str,
    post: &str,
    outcome: &str,
    version: u32,
) -> Event<'a> {
    Event {
        description,
        state,
        event_type: "moderation.decided",
        content: json!({"type": "moderation.decided", "version": version,
            "moderation_decided": {"kind": format!("MODERATED_ITEM_KIND_{kind}"),
                "subject_id": post, "course_id": COURSE,
                "outcome": format!("MODERATION_OUTCOME_{outcome}")}}),
        rules: vec![
            ("$.version".to_owned(), integer()),
            ("$.moderation_decided.subject_id".to_owned(), regex(UUID)),
            ("$.moderation_decided.course_id".to_owned(), regex(UUID)),
        ],
    }
}

/// The live feed's port, recording what was announced (NATS core in the service).
#[derive(Debug, Default)]
struct Announced(Mutex<Vec<Uuid>>);

impl LiveFeed for Announced {
    fn announce<'a>(&'a self, post: &'a Post) -> PublishFuture<'a> {
        self.0.lock().unwrap().push(post.id);
        Box::pin(async { Ok(()) })
    }
}

/// The consumer as the JetStream feed runs it, over a real store.
struct Consumer {
    _database: TestDatabase,
    store: Arc<PostgresStore>,
    live: Arc<Announced>,
    handler: EventHandler,
}

impl Consumer {
    async fn new() -> Self {
        let database = TestDatabase::create(&support::migrations()).await;
        let store = Arc::new(PostgresStore::new(PgPool::new(&database.url, 2)));
        let live = Arc::new(Announced::default());
        let handler = EventHandler::new(store.clone(), live.clone(), Arc::new(SystemClock));
        Self {
            _database: database,
            store,
            live,
            handler,
        }
    }

    /// A post as `Qa` stores it (pending, its event in the outbox), under a known id.
    async fn posted(&self, post: &str, question: Option<&str>, author: Uuid) {
        let post = Post::new(
            id(post),
            id(COURSE),
            question.map(id),
            author,
            "Why?".into(),
            SystemTime::now(),
        );
        let event = outbox_record(Uuid::new_v4(), &post);
        self.store.insert_post(post, event).await.unwrap();
    }

    /// What the feed does with one message: decode, handle.
    async fn receive(&self, bytes: &[u8]) -> Option<Post> {
        let event = decode(bytes).expect("messaging reads the promised event");
        assert!(
            matches!(event, Incoming::Decided(_)),
            "a decision about a post: {event:?}"
        );
        self.handler
            .handle(event)
            .await
            .expect("the decision applies")
    }

    async fn status(&self, post: &str) -> Status {
        self.store
            .post(id(COURSE), id(post))
            .await
            .unwrap()
            .unwrap()
            .status
    }

    async fn feed(&self) -> Vec<(Uuid, Option<i64>)> {
        let visible = self.store.feed(id(COURSE), Page::After(0), 10).await;
        visible.unwrap().iter().map(|p| (p.id, p.seq)).collect()
    }
}

#[tokio::test]
async fn decisions_show_hold_and_reject_posts_and_a_reviewers_allow_shows_a_held_one() {
    let consumer = Consumer::new().await;
    let (student, teacher) = (Uuid::new_v4(), Uuid::new_v4());
    consumer.posted(ALLOWED_QUESTION, None, student).await;
    consumer.posted(HELD_QUESTION, None, student).await;
    consumer
        .posted(REJECTED_ANSWER, Some(ALLOWED_QUESTION), teacher)
        .await;
    let mut pact = MessagePact::new("messaging", "moderation");

    let allowed = pact.expect(&decided(
        "a moderation.decided event allowing a question",
        "moderation's rules have allowed a student's question",
        "QUESTION",
        ALLOWED_QUESTION,
        "ALLOW",
        1,
    ));
    let shown = consumer.receive(&allowed).await.expect("allowed: shown");
    assert_eq!((shown.id, shown.seq), (id(ALLOWED_QUESTION), Some(1)));
    assert_eq!(*consumer.live.0.lock().unwrap(), [id(ALLOWED_QUESTION)]);
    assert_eq!(
        consumer.receive(&allowed).await,
        None,
        "redelivered: no change"
    );

    let held = pact.expect(&decided(
        "a moderation.decided event holding a question",
        "moderation's rules have held a student's question",
        "QUESTION",
        HELD_QUESTION,
        "HOLD",
        1,
    ));
    assert_eq!(consumer.receive(&held).await, None, "held: hidden");
    assert_eq!(consumer.status(HELD_QUESTION).await, Status::Held);

    let rejected = pact.expect(&decided(
        "a moderation.decided event rejecting an answer",
        "moderation's rules have rejected a teacher's answer",
        "ANSWER",
        REJECTED_ANSWER,
        "REJECT",
        1,
    ));
    assert_eq!(consumer.receive(&rejected).await, None, "rejected: hidden");
    assert_eq!(consumer.status(REJECTED_ANSWER).await, Status::Rejected);

    let reviewed = pact.expect(&decided(
        "a reviewer's moderation.decided event allowing a held question",
        "a teacher has allowed a held question of their course",
        "QUESTION",
        HELD_QUESTION,
        "ALLOW",
        2,
    ));
    let shown = consumer.receive(&reviewed).await.expect("reviewed: shown");
    assert_eq!((shown.id, shown.seq), (id(HELD_QUESTION), Some(2)));
    assert_eq!(
        consumer.feed().await,
        [
            (id(ALLOWED_QUESTION), Some(1)),
            (id(HELD_QUESTION), Some(2))
        ]
    );
    assert_eq!(
        consumer.receive(&held).await,
        None,
        "an older hold changes nothing"
    );
    assert_eq!(consumer.status(HELD_QUESTION).await, Status::Allowed);

    pact.finish();
}
