use std::sync::Arc;

use super::*;
use crate::testing::{FakeStore, completed, course, enrolled, lesson_done};

fn builder(store: &Arc<FakeStore>) -> FeedBuilder {
    FeedBuilder::new(store.clone(), Limits::default())
}

/// Three students took rust and sql, one of them go too; "me" takes rust.
fn catalogue_with_history() -> Vec<FeedEvent> {
    let mut events = vec![
        course("rust", 1, true, "Rust", &["r1", "r2"]),
        course("sql", 1, true, "SQL", &["s1"]),
        course("go", 1, true, "Go", &["g1"]),
    ];
    for (i, student) in ["a", "b", "c"].iter().enumerate() {
        let at = i64::try_from(i).unwrap();
        events.push(enrolled(student, "rust", at));
        events.push(enrolled(student, "sql", at));
    }
    events.push(enrolled("a", "go", 10));
    events
}

#[tokio::test]
async fn co_enrolments_become_explained_recommendations() {
    let store = Arc::new(FakeStore::new());
    let feeds = builder(&store);
    feeds.apply(&catalogue_with_history()).await.unwrap();
    feeds.apply(&[enrolled("me", "rust", 100)]).await.unwrap();
    let feed = store.feed("me").unwrap();
    let shown: Vec<(&str, u32, &str)> = feed
        .recommended
        .iter()
        .map(|r| (r.course_id.as_str(), r.students, r.reason.as_str()))
        .collect();
    assert_eq!(
        shown,
        [
            ("sql", 3, "3 students who took Rust also took this"),
            ("go", 1, "1 student who took Rust also took this"),
        ]
    );
    assert_eq!(
        feed.continue_learning[0].next_lesson_id.as_deref(),
        Some("r1")
    );
}

#[tokio::test]
async fn a_redelivered_batch_counts_nothing_twice_and_rebuilds_the_same_feed() {
    let store = Arc::new(FakeStore::new());
    let feeds = builder(&store);
    let history = catalogue_with_history();
    let first = feeds.apply(&history).await.unwrap();
    let before = store.feed("a").unwrap();
    let again = feeds.apply(&history).await.unwrap();
    assert_eq!(store.co_count("rust", "sql"), 3);
    assert_eq!(store.co_count("sql", "rust"), 3);
    assert_eq!(first.new_enrolments, 7);
    assert_eq!(again.new_enrolments, 0);
    assert_eq!(again.unchanged, history.len());
    assert_eq!(store.feed("a").unwrap(), before);
}

#[tokio::test]
async fn progress_and_completion_move_the_course_through_the_feed() {
    let store = Arc::new(FakeStore::new());
    let feeds = builder(&store);
    feeds
        .apply(&[
            course("rust", 1, true, "Rust", &["r1", "r2"]),
            enrolled("me", "rust", 1),
            lesson_done("me", "rust", "r1", 50, 2, 5),
        ])
        .await
        .unwrap();
    let item = store.feed("me").unwrap().continue_learning[0].clone();
    assert_eq!(
        (
            item.progress_percent,
            item.next_lesson_id.as_deref(),
            item.last_activity_ms
        ),
        (50, Some("r2"), 5)
    );
    feeds.apply(&[completed("me", "rust", 9)]).await.unwrap();
    assert!(store.feed("me").unwrap().continue_learning.is_empty());
}

#[tokio::test]
async fn an_older_progress_event_arriving_late_does_not_win() {
    let store = Arc::new(FakeStore::new());
    let feeds = builder(&store);
    feeds
        .apply(&[
            lesson_done("me", "rust", "r2", 100, 3, 20),
            lesson_done("me", "rust", "r1", 50, 2, 10),
        ])
        .await
        .unwrap();
    let item = store.feed("me").unwrap().continue_learning[0].clone();
    assert_eq!((item.progress_percent, item.last_activity_ms), (100, 20));
}

#[tokio::test]
async fn a_lesson_event_before_the_enrolment_event_still_enrols_once() {
    let store = Arc::new(FakeStore::new());
    let feeds = builder(&store);
    feeds
        .apply(&[
            enrolled("me", "sql", 1),
            lesson_done("me", "rust", "r1", 50, 2, 10),
            enrolled("me", "rust", 5),
        ])
        .await
        .unwrap();
    assert_eq!(store.co_count("rust", "sql"), 1);
}

#[tokio::test]
async fn unpublishing_a_course_takes_it_out_of_other_students_feeds_at_the_next_refresh() {
    let store = Arc::new(FakeStore::new());
    let feeds = builder(&store);
    feeds.apply(&catalogue_with_history()).await.unwrap();
    feeds.apply(&[enrolled("me", "rust", 100)]).await.unwrap();
    feeds.refresh_marked().await.unwrap();
    assert!(store.marked().is_empty());
    feeds
        .apply(&[course("sql", 2, false, "SQL", &["s1"])])
        .await
        .unwrap();
    assert!(
        store.marked().contains(&"rust".to_owned()),
        "{:?}",
        store.marked()
    );
    let rebuilt = feeds.refresh_marked().await.unwrap();
    assert!(rebuilt >= 4, "rust's students: a, b, c and me ({rebuilt})");
    let recommended: Vec<String> = store
        .feed("me")
        .unwrap()
        .recommended
        .into_iter()
        .map(|r| r.course_id)
        .collect();
    assert_eq!(recommended, ["go"]);
    assert!(store.marked().is_empty());
}

#[tokio::test]
async fn other_students_feeds_follow_new_co_enrolments_at_the_next_refresh() {
    let store = Arc::new(FakeStore::new());
    let feeds = builder(&store);
    feeds
        .apply(&[
            course("rust", 1, true, "Rust", &[]),
            course("sql", 1, true, "SQL", &[]),
            enrolled("early", "rust", 1),
        ])
        .await
        .unwrap();
    feeds.refresh_marked().await.unwrap();
    assert!(store.feed("early").unwrap().recommended.is_empty());
    feeds
        .apply(&[enrolled("later", "rust", 2), enrolled("later", "sql", 3)])
        .await
        .unwrap();
    assert!(
        store.feed("early").unwrap().recommended.is_empty(),
        "not yet"
    );
    feeds.refresh_marked().await.unwrap();
    assert_eq!(store.feed("early").unwrap().recommended[0].course_id, "sql");
}

#[tokio::test]
async fn a_refresh_takes_a_bounded_number_of_courses_per_pass() {
    let store = Arc::new(FakeStore::new());
    let limits = Limits {
        refresh_courses: 2,
        ..Limits::default()
    };
    let feeds = FeedBuilder::new(store.clone(), limits);
    let events: Vec<FeedEvent> = (0..5).map(|i| enrolled("s", &format!("c{i}"), i)).collect();
    feeds.apply(&events).await.unwrap();
    assert_eq!(store.marked().len(), 5);
    feeds.refresh_marked().await.unwrap();
    assert_eq!(store.marked().len(), 3);
}

#[tokio::test]
async fn a_store_failure_stops_the_batch_after_the_events_recorded() {
    let store = Arc::new(FakeStore::failing_after(2));
    let feeds = builder(&store);
    let error = feeds
        .apply(&[
            enrolled("a", "rust", 1),
            enrolled("b", "rust", 1),
            enrolled("c", "rust", 1),
        ])
        .await
        .unwrap_err();
    assert_eq!(error.applied.recorded, 2);
    assert_eq!(
        error.applied.feeds, 2,
        "the recorded ones' feeds are rebuilt"
    );
    assert!(store.feed("c").is_none());
}

#[tokio::test]
async fn when_feeds_cannot_be_written_nothing_of_the_batch_counts_as_applied() {
    let store = Arc::new(FakeStore::new());
    store
        .fail_writes
        .store(true, std::sync::atomic::Ordering::SeqCst);
    let error = builder(&store)
        .apply(&[enrolled("a", "rust", 1)])
        .await
        .unwrap_err();
    assert_eq!(error.applied, Applied::default());
}

#[tokio::test]
async fn every_feed_stays_bounded() {
    let store = Arc::new(FakeStore::new());
    let feeds = builder(&store);
    let mut events = Vec::new();
    for i in 0..30 {
        let id = format!("c{i:02}");
        events.push(course(&id, 1, true, &id, &[]));
        events.push(enrolled("me", &id, i));
        events.push(enrolled("other", &id, i));
        events.push(enrolled("other", &format!("x{i:02}"), i));
        events.push(course(&format!("x{i:02}"), 1, true, "x", &[]));
    }
    feeds.apply(&events).await.unwrap();
    let feed = store.feed("me").unwrap();
    assert_eq!(feed.continue_learning.len(), 20);
    assert_eq!(feed.recommended.len(), 20);
}
