//! Fan-out across instances through NATS core: two instances of messaging in one process, each
//! with its own NATS connection, one database. A post on A reaches a socket on B; a post whose
//! announcement was lost reaches it through the feeds' sweep.

mod support;

use std::time::{Duration, Instant, SystemTime};

use futures_util::{SinkExt, StreamExt};
use messaging::adapters::postgres::{PgPool, PostgresStore};
use messaging::app::ports::Store;
use messaging::domain::moderation::{Decision, Outcome};
use serde_json::{Value, json};
use support::{Instance, World, post_json, token};
use tokio_tungstenite::tungstenite::Message;
use uuid::Uuid;

/// The feeds' sweep a minute apart: it would otherwise fill in what NATS core did not bring.
const NO_SWEEP: &str = "60000";

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn subscribe(instance: &Instance, course: Uuid, user: Uuid) -> Socket {
    let url = instance.ws(&format!("course_id={course}&access_token={}", token(user)));
    let (mut socket, _) = tokio_tungstenite::connect_async(url).await.unwrap();
    let welcome = next_json(&mut socket).await;
    assert_eq!(welcome["type"], "welcome");
    socket
}

/// The next JSON message within 5 s in all (pings every 300 ms do not extend it).
async fn next_json(socket: &mut Socket) -> Value {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        let frame = tokio::time::timeout_at(deadline, socket.next())
            .await
            .expect("a message within 5 s")
            .unwrap()
            .unwrap();
        if let Message::Text(text) = frame {
            return serde_json::from_str(&text).unwrap();
        }
    }
}

/// The next post's place and id, acked.
async fn next_post(socket: &mut Socket) -> (i64, Value) {
    let message = next_json(socket).await;
    assert_eq!(message["type"], "post", "{message}");
    let seq = message["post"]["seq"].as_i64().unwrap();
    let ack = json!({"type": "ack", "seq": seq}).to_string();
    socket.send(Message::Text(ack.into())).await.unwrap();
    (seq, message["post"]["id"].clone())
}

fn percentile(sorted: &[Duration], p: usize) -> Duration {
    sorted[(p * (sorted.len() - 1) + 50) / 100]
}

#[tokio::test]
async fn a_post_made_visible_on_instance_a_reaches_a_socket_on_instance_b() {
    let world = World::new().await;
    world.seed_members().await;
    // No sweep within the test (a minute apart): only NATS core can bring a post live.
    let a = world.instance(&[("EDU_LIVE_SWEEP_MS", NO_SWEEP)]).await;
    // B reads its events from a stream nothing publishes to: every decision is applied by A,
    // so what B's socket gets came over NATS core from A.
    let elsewhere = world.namespace.subject("elsewhere");
    let b = world
        .instance(&[
            ("EDU_EVENTS_STREAM", &world.namespace.stream("ELSEWHERE")),
            ("EDU_EVENTS_SUBJECT_PREFIX", &elsewhere),
            ("EDU_LIVE_SWEEP_MS", NO_SWEEP),
        ])
        .await;
    let mut on_b = subscribe(&b, world.course, world.classmate).await;
    let mut on_a = subscribe(&a, world.course, world.teacher).await;
    let questions = a.url(&format!("/qa/courses/{}/questions", world.course));

    let mut latencies = Vec::new();
    for n in 1..=20_i64 {
        let (status, post) =
            post_json(&questions, world.student, &json!({"body": format!("Q{n}")})).await;
        assert_eq!(status, 201);
        let decided = Instant::now();
        world.decide(&post, "MODERATION_OUTCOME_ALLOW", 1).await;
        let (seq, id) = next_post(&mut on_b).await;
        latencies.push(decided.elapsed());
        assert_eq!((seq, &id), (n, &post["id"]));
        assert_eq!(next_post(&mut on_a).await, (n, post["id"].clone()));
    }
    latencies.sort();
    eprintln!(
        "FIGURE moderation.decided published -> on a socket of the other instance (JetStream, \
         A's consumer and transaction, NATS core, B's hub), 20 posts: p50 {:?}, p95 {:?}, max {:?}",
        percentile(&latencies, 50),
        percentile(&latencies, 95),
        latencies[latencies.len() - 1]
    );
    assert!(
        latencies.iter().all(|l| *l < Duration::from_secs(1)),
        "{latencies:?}"
    );
    a.started.stop().await;
    b.started.stop().await;
}

#[tokio::test]
async fn two_instances_sharing_the_consumer_deliver_every_post_once_in_order_on_both() {
    let world = World::new().await;
    world.seed_members().await;
    let no_sweep = [("EDU_LIVE_SWEEP_MS", NO_SWEEP)];
    let (a, b) = (
        world.instance(&no_sweep).await,
        world.instance(&no_sweep).await,
    );
    let mut on_a = subscribe(&a, world.course, world.classmate).await;
    let mut on_b = subscribe(&b, world.course, world.teacher).await;
    let moderation = world.moderate().await;

    for n in 0..10 {
        let instance = if n % 2 == 0 { &a } else { &b };
        let url = instance.url(&format!("/qa/courses/{}/questions", world.course));
        post_json(&url, world.student, &json!({"body": format!("Q{n}")})).await;
    }
    let mut seen_a = Vec::new();
    let mut seen_b = Vec::new();
    for _ in 0..10 {
        seen_a.push(next_post(&mut on_a).await.0);
        seen_b.push(next_post(&mut on_b).await.0);
    }

    let all: Vec<i64> = (1..=10).collect();
    assert_eq!(seen_a, all);
    assert_eq!(seen_b, all);
    moderation.abort();
}

#[tokio::test]
async fn a_post_whose_live_announcement_was_lost_arrives_through_the_sweep() {
    let world = World::new().await;
    world.seed_members().await;
    let b = world.instance(&[]).await;
    let mut socket = subscribe(&b, world.course, world.classmate).await;
    let questions = b.url(&format!("/qa/courses/{}/questions", world.course));
    let (_, post) = post_json(&questions, world.student, &json!({"body": "Lost?"})).await;

    // Made visible by a store that announces nothing: as if the NATS publish was lost.
    let store = PostgresStore::new(PgPool::new(&world.database.url, 1));
    let decided = Instant::now();
    store
        .apply_decision(
            Decision {
                post_id: Uuid::parse_str(post["id"].as_str().unwrap()).unwrap(),
                course_id: world.course,
                outcome: Outcome::Allow,
                version: 1,
            },
            SystemTime::now(),
        )
        .await
        .unwrap();

    assert_eq!(next_post(&mut socket).await, (1, post["id"].clone()));
    // The sweep runs every 200 ms in these tests.
    assert!(decided.elapsed() < Duration::from_secs(2));
}
