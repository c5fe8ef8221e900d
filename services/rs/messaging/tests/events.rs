//! Events over real JetStream and PostgreSQL: membership learnt from course and enrollment
//! events, posts out through the outbox relay, moderation.decided in (allow, hold then allow,
//! reject, redelivered, out of order), junk dead-lettered.

mod support;

use std::time::Duration;

use futures_util::StreamExt;
use serde_json::{Value, json};
use support::{World, eventually, get_json, post_json};

const WITHIN: Duration = Duration::from_secs(10);

fn posts_url(world: &World, instance: &support::Instance) -> String {
    instance.url(&format!("/qa/courses/{}/posts?after=0", world.course))
}

async fn visible_ids(url: &str, user: uuid::Uuid) -> Vec<Value> {
    let (_, page) = get_json(url, user).await;
    page["posts"]
        .as_array()
        .map(|posts| posts.iter().map(|p| p["id"].clone()).collect())
        .unwrap_or_default()
}

#[tokio::test]
async fn who_takes_part_is_learnt_from_course_and_enrollment_events() {
    let world = World::new().await;
    let instance = world.instance(&[]).await;
    world.announce_members().await;
    for user in [world.teacher, world.student, world.classmate] {
        world.wait_for_member(&instance, user).await;
    }
    let (stranger, _) = get_json(&posts_url(&world, &instance), world.stranger).await;
    assert_eq!(stranger, 403);
    // A newer course version naming another teacher wins; an older one changes nothing.
    let successor = uuid::Uuid::new_v4();
    for (version, teacher) in [(3, successor), (2, world.teacher)] {
        world
            .publish(
                "course.updated",
                version,
                "course_updated",
                json!({"course_id": world.course.to_string(), "teacher_id": teacher.to_string(),
                    "title": "Rust", "lesson_ids": []}),
            )
            .await;
    }
    world.wait_for_member(&instance, successor).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let (former, _) = get_json(&posts_url(&world, &instance), world.teacher).await;
    assert_eq!(former, 403);
}

#[tokio::test]
async fn a_post_goes_out_through_the_outbox_and_is_shown_once_moderation_allows_it() {
    let world = World::new().await;
    let instance = world.instance(&[]).await;
    world.announce_members().await;
    world.wait_for_member(&instance, world.student).await;
    let moderation = world.moderate().await;
    let url = instance.url(&format!("/qa/courses/{}/questions", world.course));

    let (status, question) = post_json(&url, world.student, &json!({"body": "Why?"})).await;

    assert_eq!(status, 201);
    let posts = posts_url(&world, &instance);
    eventually(WITHIN, "the question is shown to a classmate", || async {
        visible_ids(&posts, world.classmate).await == [question["id"].clone()]
    })
    .await;
    let events = world.events("qa.question_posted").await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["aggregate_id"], question["id"]);
    assert_eq!(
        events[0]["qa_question_posted"],
        json!({"question_id": question["id"], "course_id": world.course.to_string(),
            "author_id": world.student.to_string(), "body": "Why?"})
    );
    let client = world.database.client().await;
    let unpublished: i64 = client
        .query_one(
            "SELECT count(*) FROM outbox WHERE published_at IS NULL",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(unpublished, 0);
    moderation.abort();
}

#[tokio::test]
async fn held_waits_for_a_later_allow_and_rejected_is_never_shown_to_others() {
    let world = World::new().await;
    let instance = world.instance(&[]).await;
    world.announce_members().await;
    world.wait_for_member(&instance, world.student).await;
    let moderation = world.moderate().await;
    let url = instance.url(&format!("/qa/courses/{}/questions", world.course));
    let (_, held) = post_json(&url, world.student, &json!({"body": "HOLD me"})).await;
    let (_, rejected) = post_json(&url, world.student, &json!({"body": "REJECT me"})).await;
    let (_, fine) = post_json(&url, world.student, &json!({"body": "Fine"})).await;
    let posts = posts_url(&world, &instance);
    eventually(WITHIN, "the allowed question is shown", || async {
        visible_ids(&posts, world.classmate).await == [fine["id"].clone()]
    })
    .await;
    let client = world.database.client().await;
    eventually(WITHIN, "all three are decided", || async {
        let decided: i64 = client
            .query_one("SELECT count(*) FROM posts WHERE decision_version > 0", &[])
            .await
            .unwrap()
            .get(0);
        decided == 3
    })
    .await;

    let (_, author) = get_json(&posts, world.student).await;
    let own: Vec<(Value, Value)> = author["unpublished"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["id"].clone(), p["status"].clone()))
        .collect();
    assert_eq!(
        own,
        [
            (held["id"].clone(), json!("pending")),
            (rejected["id"].clone(), json!("rejected"))
        ]
    );
    // A reviewer allows the held one (version 2); a stale allow of the rejected one (version 1,
    // e.g. redelivered) changes nothing.
    world.decide(&held, "MODERATION_OUTCOME_ALLOW", 2).await;
    world.decide(&rejected, "MODERATION_OUTCOME_ALLOW", 1).await;
    eventually(
        WITHIN,
        "the held question is shown after the allow",
        || async {
            visible_ids(&posts, world.classmate).await == [fine["id"].clone(), held["id"].clone()]
        },
    )
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        visible_ids(&posts, world.classmate).await,
        [fine["id"].clone(), held["id"].clone()]
    );
    moderation.abort();
}

#[tokio::test]
async fn redelivered_and_reordered_decisions_give_a_post_one_place() {
    let world = World::new().await;
    world.seed_members().await;
    let instance = world.instance(&[]).await;
    let url = instance.url(&format!("/qa/courses/{}/questions", world.course));
    let (_, question) = post_json(&url, world.student, &json!({"body": "Once?"})).await;
    let (_, second) = post_json(&url, world.student, &json!({"body": "Twice?"})).await;

    world.decide(&question, "MODERATION_OUTCOME_HOLD", 1).await;
    world.decide(&question, "MODERATION_OUTCOME_ALLOW", 2).await;
    world.decide(&question, "MODERATION_OUTCOME_ALLOW", 2).await;
    world.decide(&question, "MODERATION_OUTCOME_HOLD", 1).await;
    world.decide(&second, "MODERATION_OUTCOME_ALLOW", 1).await;

    let client = world.database.client().await;
    eventually(WITHIN, "both are placed", || async {
        let placed: i64 = client
            .query_one("SELECT count(*) FROM posts WHERE seq IS NOT NULL", &[])
            .await
            .unwrap()
            .get(0);
        placed == 2
    })
    .await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let rows = client
        .query(
            "SELECT status, decision_version, seq FROM posts ORDER BY seq",
            &[],
        )
        .await
        .unwrap();
    let rows: Vec<(String, i32, i64)> = rows
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect();
    assert_eq!(rows, [("allowed".into(), 2, 1), ("allowed".into(), 1, 2)]);
    let head: i64 = client
        .query_one("SELECT head FROM course_feeds", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(head, 2);
}

#[tokio::test]
async fn an_unreadable_event_is_dead_lettered_and_the_feed_goes_on() {
    let world = World::new().await;
    world.seed_members().await;
    let instance = world.instance(&[]).await;
    world
        .jetstream
        .publish(
            format!("{}.moderation.decided", world.subjects),
            "not an envelope".into(),
        )
        .await
        .unwrap()
        .await
        .unwrap();
    let url = instance.url(&format!("/qa/courses/{}/questions", world.course));
    let (_, question) = post_json(&url, world.student, &json!({"body": "After junk?"})).await;
    world.decide(&question, "MODERATION_OUTCOME_ALLOW", 1).await;

    let posts = posts_url(&world, &instance);
    eventually(WITHIN, "the decision after the junk is applied", || async {
        visible_ids(&posts, world.classmate).await == [question["id"].clone()]
    })
    .await;
    let dead = world
        .jetstream
        .get_stream(world.namespace.stream("DEAD_LETTERS"))
        .await
        .unwrap();
    let consumer: async_nats::jetstream::consumer::PullConsumer = dead
        .create_consumer(async_nats::jetstream::consumer::pull::Config::default())
        .await
        .unwrap();
    let mut batch = consumer
        .fetch()
        .max_messages(5)
        .expires(Duration::from_millis(500))
        .messages()
        .await
        .unwrap();
    let message = batch.next().await.unwrap().unwrap();
    assert_eq!(&message.payload[..], b"not an envelope");
    let headers = message.headers.clone().unwrap();
    assert!(
        headers
            .get("Edu-Reason")
            .unwrap()
            .as_str()
            .contains("not a readable event envelope")
    );
}

#[tokio::test]
async fn a_post_goes_to_the_bus_at_once_not_at_the_next_poll() {
    // The store wakes the relay after each commit that wrote an outbox row: with polls a minute
    // apart, only the wake-up can publish the question within the test's 10 s.
    let world = World::new().await;
    let instance = world.instance(&[("EDU_OUTBOX_POLL_MS", "60000")]).await;
    world.announce_members().await;
    world.wait_for_member(&instance, world.student).await;
    tokio::time::sleep(Duration::from_millis(300)).await; // the relay idles until its next poll
    let url = instance.url(&format!("/qa/courses/{}/questions", world.course));

    let (status, question) = post_json(&url, world.student, &json!({"body": "Now?"})).await;

    assert_eq!(status, 201);
    eventually(WITHIN, "the question is on the bus", || async {
        world.events("qa.question_posted").await.len() == 1
    })
    .await;
    let events = world.events("qa.question_posted").await;
    assert_eq!(events[0]["aggregate_id"], question["id"]);
}
