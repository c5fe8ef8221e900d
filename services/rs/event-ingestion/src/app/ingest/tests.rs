use std::sync::Mutex;
use std::time::Duration;

use edu_proto_gen::edu::events::v1::LessonOpened;
use edu_proto_gen::edu::events::v1::learning_event::Payload;
use edu_testing::FakeClock;
use tokio::sync::Notify;

use super::*;
use crate::app::ports::{PublishFuture, ReadyFuture};
use crate::domain::outcome::Published;

const USER: &str = "0b6c5e2a-0000-4000-8000-000000000001";

/// Keeps what it was asked to publish; answers with the acks (or error) it was given.
#[derive(Debug, Default)]
struct FakePublisher {
    published: Mutex<Vec<Outgoing>>,
    duplicates: Mutex<Vec<String>>,
    fail: Mutex<Option<PublishError>>,
    /// When set, every publish waits for it (an event store slow to acknowledge).
    hold: Option<Arc<Notify>>,
}

impl EventPublisher for FakePublisher {
    fn publish(&self, batch: Vec<Outgoing>) -> PublishFuture<'_> {
        Box::pin(async move {
            if let Some(hold) = &self.hold {
                hold.notified().await;
            }
            if let Some(error) = self.fail.lock().unwrap().clone() {
                return Err(error);
            }
            let duplicates = self.duplicates.lock().unwrap().clone();
            let acks = batch
                .iter()
                .map(|o| {
                    if duplicates.contains(&o.id) {
                        Published::Duplicate
                    } else {
                        Published::Stored
                    }
                })
                .collect();
            self.published.lock().unwrap().extend(batch);
            Ok(acks)
        })
    }

    fn ready(&self) -> ReadyFuture<'_> {
        Box::pin(async { Ok(()) })
    }
}

fn ingestion(publisher: Arc<FakePublisher>, clock: FakeClock) -> Ingestion {
    Ingestion::new(
        publisher,
        Arc::new(clock),
        IngestLimits {
            rules: Rules {
                max_skew: Duration::from_mins(10),
            },
            max_batch_events: 5,
            max_in_flight_events: 5,
            subject_prefix: "learning".into(),
        },
    )
}

fn event(n: u32, clock: &FakeClock) -> LearningEvent {
    LearningEvent {
        id: format!("0e0e0e0e-0000-4000-8000-{n:012}"),
        r#type: "lesson.opened".into(),
        user_id: USER.into(),
        occurred_at: Some(prost_types::Timestamp::from(clock.now())),
        received_at: None,
        course_id: "9a1b2c3d-0000-4000-8000-00000000c0de".into(),
        session_id: "5e55e55e-0000-4000-8000-000000000005".into(),
        payload: Some(Payload::LessonOpened(LessonOpened {
            lesson_id: "9a1b2c3d-0000-4000-8000-0000000001e5".into(),
        })),
    }
}

fn read(events: impl IntoIterator<Item = LearningEvent>) -> Vec<Candidate> {
    events.into_iter().map(Candidate::Read).collect()
}

#[tokio::test]
async fn valid_events_are_published_stamped_and_the_bad_ones_reported_by_index() {
    let clock = FakeClock::new();
    let publisher = Arc::new(FakePublisher::default());
    let mut other_users = event(2, &clock);
    other_users.user_id = "0b6c5e2a-0000-4000-8000-000000000002".into();
    let batch = vec![
        Candidate::Read(event(1, &clock)),
        Candidate::Read(other_users),
        Candidate::Unreadable {
            id: "x".into(),
            reason: "position_seconds: invalid type".into(),
        },
        Candidate::Read(event(4, &clock)),
    ];
    let report = ingestion(publisher.clone(), clock.clone())
        .ingest(batch, USER)
        .await
        .unwrap();

    assert_eq!(report.accepted, [event(1, &clock).id, event(4, &clock).id]);
    let indexes: Vec<usize> = report.rejected.iter().map(|r| r.index).collect();
    assert_eq!(indexes, [1, 2]);
    assert_eq!(
        report.rejected[0].reason,
        "user_id is not the signed-in user"
    );
    let sent = publisher.published.lock().unwrap();
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[0].subject, "learning.lesson.opened");
    let decoded = LearningEvent::decode(sent[0].payload.clone()).unwrap();
    assert_eq!(
        decoded.received_at,
        Some(prost_types::Timestamp::from(clock.now()))
    );
}

#[tokio::test]
async fn events_already_stored_are_reported_as_duplicates() {
    let clock = FakeClock::new();
    let publisher = Arc::new(FakePublisher::default());
    publisher
        .duplicates
        .lock()
        .unwrap()
        .push(event(1, &clock).id);
    let report = ingestion(publisher, clock.clone())
        .ingest(read([event(1, &clock), event(2, &clock)]), USER)
        .await
        .unwrap();
    assert_eq!(report.duplicates, [event(1, &clock).id]);
    assert_eq!(report.accepted, [event(2, &clock).id]);
}

#[tokio::test]
async fn a_batch_with_no_acceptable_event_is_refused_whole_and_nothing_published() {
    let clock = FakeClock::new();
    let publisher = Arc::new(FakePublisher::default());
    let mut bad = event(1, &clock);
    bad.id = "nope".into();
    let outcome = ingestion(publisher.clone(), clock)
        .ingest(read([bad]), USER)
        .await;
    let Err(IngestError::AllRejected(rejected)) = outcome else {
        panic!("{outcome:?}");
    };
    assert_eq!(rejected[0].reason, "id is not a UUID");
    assert!(publisher.published.lock().unwrap().is_empty());
}

#[tokio::test]
async fn the_skew_is_measured_against_the_servers_clock() {
    let clock = FakeClock::new();
    let publisher = Arc::new(FakePublisher::default());
    let early = event(1, &clock);
    clock.advance(Duration::from_secs(601));
    let ingest = ingestion(publisher, clock.clone());
    let report = ingest
        .ingest(read([early, event(2, &clock)]), USER)
        .await
        .unwrap();
    assert_eq!(report.rejected.len(), 1);
    assert!(
        report.rejected[0].reason.contains("-601 s away"),
        "{:?}",
        report.rejected
    );
}

#[tokio::test]
async fn an_unacknowledged_batch_is_an_error_not_a_report() {
    let clock = FakeClock::new();
    let publisher = Arc::new(FakePublisher::default());
    *publisher.fail.lock().unwrap() = Some(PublishError::TimedOut("2 s".into()));
    let outcome = ingestion(publisher, clock.clone())
        .ingest(read([event(1, &clock)]), USER)
        .await;
    assert_eq!(
        outcome,
        Err(IngestError::Publish(PublishError::TimedOut("2 s".into())))
    );
}

#[tokio::test]
async fn batch_sizes_are_bounded() {
    let clock = FakeClock::new();
    let ingest = ingestion(Arc::new(FakePublisher::default()), clock.clone());
    assert_eq!(ingest.ingest(vec![], USER).await, Err(IngestError::Empty));
    let six = read((0..6).map(|n| event(n, &clock)));
    assert_eq!(
        ingest.ingest(six, USER).await,
        Err(IngestError::TooMany { count: 6, max: 5 })
    );
}

#[tokio::test]
async fn a_batch_that_does_not_fit_in_flight_is_refused_at_once() {
    let clock = FakeClock::new();
    let hold = Arc::new(Notify::new());
    let publisher = Arc::new(FakePublisher {
        hold: Some(hold.clone()),
        ..FakePublisher::default()
    });
    let ingest = ingestion(publisher, clock.clone());
    let first = {
        let ingest = ingest.clone();
        let batch = read((0..4).map(|n| event(n, &clock)));
        tokio::spawn(async move { ingest.ingest(batch, USER).await })
    };
    while ingest.in_flight.available_permits() == 5 {
        tokio::task::yield_now().await;
    }
    let second = ingest
        .ingest(read((4..6).map(|n| event(n, &clock))), USER)
        .await;
    assert_eq!(second, Err(IngestError::Busy));
    hold.notify_one();
    assert_eq!(first.await.unwrap().unwrap().accepted.len(), 4);
    assert_eq!(ingest.in_flight.available_permits(), 5, "permits returned");
}
