//! feed-builder against the run's real NATS and Redis: events published on JetStream become
//! each student's feed document in Redis (what web reads); redelivered events and a replay of
//! the whole stream count nothing twice; unpublishing takes a course out of other students'
//! recommendations; an unreadable event is dead-lettered without holding the others up.

mod support;

use std::sync::atomic::Ordering;
use std::time::Duration;

use support::{
    World, course_completed, course_event, courses, enrolled, eventually, id, lesson_completed,
};

/// Rust and SQL published; a and b took both; "me" took Rust. Returns (rust, sql, me).
async fn two_courses_and_their_students(world: &World) -> (String, String, String) {
    let (rust, sql, me) = (id(), id(), id());
    world
        .publish(&course_event(
            "course.published",
            &rust,
            1,
            "Rust",
            &["r1", "r2", "r3"],
        ))
        .await;
    world
        .publish(&course_event("course.published", &sql, 1, "SQL", &["s1"]))
        .await;
    for student in [id(), id()] {
        world.publish(&enrolled(&student, &rust, 1)).await;
        world.publish(&enrolled(&student, &sql, 2)).await;
    }
    world.publish(&enrolled(&me, &rust, 5)).await;
    (rust, sql, me)
}

#[tokio::test]
async fn published_events_become_the_students_feed_in_redis() {
    let world = World::new().await;
    let _worker = world.start().await;
    let (rust, sql, me) = two_courses_and_their_students(&world).await;
    world
        .publish(&lesson_completed(&me, &rust, "r1", 33, 2))
        .await;

    let feed = world
        .feed_until(&me, |feed| {
            feed["continue_learning"][0]["progress_percent"] == 33
                && feed["recommended"]
                    .as_array()
                    .is_some_and(|r| !r.is_empty())
        })
        .await;
    assert_eq!(feed["schema"], "edu.feed.v1");
    let going = &feed["continue_learning"][0];
    assert_eq!(going["course_id"], rust.as_str());
    assert_eq!(going["title"], "Rust");
    assert_eq!(going["next_lesson_id"], "r2");
    assert_eq!(going["last_activity_at"], "2026-12-01T10:01:02Z");
    let next = &feed["recommended"][0];
    assert_eq!(next["course_id"], sql.as_str());
    assert_eq!(next["students"], 2);
    assert_eq!(next["reason"], "2 students who took Rust also took this");

    world.publish(&course_completed(&me, &rust)).await;
    world
        .feed_until(&me, |feed| courses(feed, "continue_learning").is_empty())
        .await;
}

#[tokio::test]
async fn a_redelivered_event_counts_nothing_twice() {
    let world = World::new().await;
    let worker = world.start().await;
    let (rust, sql, me) = two_courses_and_their_students(&world).await;
    let again = enrolled(&me, &sql, 9);
    world.publish(&again).await;
    world
        .feed_until(&me, |feed| courses(feed, "continue_learning").len() == 2)
        .await;
    assert_eq!(world.co_count(&rust, &sql).await, Some(3.0));

    // The same event twice more (as after lost acks): JetStream's de-duplication does not see
    // them (other message ids), the worker does.
    world.publish_as(&again, &id()).await;
    world.publish_as(&again, &id()).await;
    let recorded = eventually(Duration::from_secs(10), || async {
        let recorded = worker.feed.counters.recorded.load(Ordering::Relaxed);
        (recorded >= 10).then_some(recorded)
    })
    .await;
    assert_eq!(recorded, Some(10), "every copy was delivered and recorded");
    assert_eq!(world.co_count(&rust, &sql).await, Some(3.0));
    assert_eq!(world.co_count(&sql, &rust).await, Some(3.0));
    assert_eq!(
        worker.feed.counters.new_enrolments.load(Ordering::Relaxed),
        6
    );
}

#[tokio::test]
async fn replaying_the_whole_stream_into_the_same_store_changes_no_count() {
    let world = World::new().await;
    let first = world.start().await;
    let (rust, sql, me) = two_courses_and_their_students(&world).await;
    world
        .feed_until(&me, |feed| !courses(feed, "recommended").is_empty())
        .await;
    drop(first);

    // The store's marker gone: the next start reads the stream from its first event again
    // (what a Redis that lost its data gets) — here over the counts still in place.
    world.delete("consumer:feed-builder").await;
    let second = world.start().await;
    let replayed = eventually(Duration::from_secs(10), || async {
        let recorded = second.feed.counters.recorded.load(Ordering::Relaxed);
        (recorded >= 7).then_some(recorded)
    })
    .await;
    assert_eq!(replayed, Some(7), "the whole stream came again");
    assert_eq!(world.co_count(&rust, &sql).await, Some(2.0));
    let feed = world.feed(&me).await.unwrap();
    assert_eq!(feed["recommended"][0]["students"], 2);
}

#[tokio::test]
async fn an_unpublished_course_leaves_other_students_recommendations() {
    let world = World::new().await;
    let _worker = world.start().await;
    let (_, sql, me) = two_courses_and_their_students(&world).await;
    world
        .feed_until(&me, |feed| courses(feed, "recommended") == [sql.clone()])
        .await;
    world
        .publish(&course_event("course.unpublished", &sql, 2, "SQL", &["s1"]))
        .await;
    world
        .feed_until(&me, |feed| courses(feed, "recommended").is_empty())
        .await;
}

#[tokio::test]
async fn an_unreadable_event_is_dead_lettered_and_the_rest_applied() {
    let world = World::new().await;
    let worker = world.start().await;
    world.publish_raw("enrollment.created", b"not json").await;
    let (me, rust) = (id(), id());
    world.publish(&enrolled(&me, &rust, 1)).await;
    world
        .feed_until(&me, |feed| {
            courses(feed, "continue_learning") == [rust.clone()]
        })
        .await;
    let dead = eventually(Duration::from_secs(5), || async {
        let found = world.dead_letters().await;
        (!found.is_empty()).then_some(found)
    })
    .await
    .unwrap();
    assert!(dead[0].ends_with(".events.enrollment.created"), "{dead:?}");
    assert_eq!(
        worker.feed.counters.dead_lettered.load(Ordering::Relaxed),
        1
    );
    assert!(worker.feed.ready().await.is_ok());
}

#[tokio::test]
async fn an_older_snapshot_arriving_late_does_not_publish_a_course_again() {
    let world = World::new().await;
    let _worker = world.start().await;
    let (rust, sql, me) = (id(), id(), id());
    world
        .publish(&course_event("course.published", &rust, 1, "Rust", &[]))
        .await;
    world
        .publish(&course_event("course.unpublished", &sql, 2, "SQL", &[]))
        .await;
    world
        .publish(&course_event("course.published", &sql, 1, "SQL", &[]))
        .await;
    let other = id();
    world.publish(&enrolled(&other, &rust, 1)).await;
    world.publish(&enrolled(&other, &sql, 2)).await;
    world.publish(&enrolled(&me, &rust, 3)).await;
    let feed = world
        .feed_until(&me, |feed| {
            courses(feed, "continue_learning") == [rust.clone()]
        })
        .await;
    assert!(courses(&feed, "recommended").is_empty(), "{feed}");
}
