//! `cargo run --release -p feed-builder --bin feed-bench [students] [courses]`: how fast the
//! worker applies events on this machine. Against the NATS and Redis of `EDU_NATS_URL` and
//! `EDU_REDIS_URL` (`just dev`'s by default), in a stream and key prefix of its own (removed
//! afterwards): publishes every course once and then, per student, enrolments in 4 courses
//! drawn with a popularity skew and 3 completed lessons in each, starts the worker in-process
//! and measures (1) until every event is recorded and its student's feed rebuilt, (2) until the
//! refresh of the marked courses' students is done too. Numbers in the crate README.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use async_nats::jetstream::stream;
use edu_common::settings::VariableSource;
use feed_builder::settings::FeedBuilderSettings;
use serde_json::{Value, json};

const PER_STUDENT_COURSES: u64 = 4;
const LESSONS_DONE: u64 = 3;

/// A small deterministic generator (no rand dependency for a bench).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    /// A course index skewed towards the first ones (popular courses).
    fn course(&mut self, courses: u64) -> u64 {
        let a = self.next() % courses;
        let b = self.next() % courses;
        a.min(b)
    }
}

fn arg(n: usize, default: u64) -> u64 {
    std::env::args()
        .nth(n)
        .and_then(|a| a.parse().ok())
        .unwrap_or(default)
}

fn course_id(i: u64) -> String {
    format!("c0000000-0000-4000-8000-{i:012}")
}

fn student_id(i: u64) -> String {
    format!("5b000000-0000-4000-8000-{i:012}")
}

fn events(students: u64, courses: u64) -> Vec<(String, Value)> {
    let mut all = Vec::new();
    for c in 0..courses {
        let lessons: Vec<String> = (0..8).map(|l| format!("{}-l{l}", course_id(c))).collect();
        all.push((
            "course.published".to_owned(),
            json!({"id": format!("course-{c}"), "type": "course.published", "version": 1,
                "occurred_at": "2026-12-01T10:00:00Z",
                "course_published": {"course_id": course_id(c), "title": format!("Course {c}"),
                    "lesson_ids": lessons}}),
        ));
    }
    let mut random = Lcg(42);
    for s in 0..students {
        let mut taken = Vec::new();
        while (taken.len() as u64) < PER_STUDENT_COURSES.min(courses) {
            let c = random.course(courses);
            if !taken.contains(&c) {
                taken.push(c);
            }
        }
        for (n, c) in taken.into_iter().enumerate() {
            let (student, course) = (student_id(s), course_id(c));
            let enrollment = format!("{s}-{c}");
            all.push((
                "enrollment.created".to_owned(),
                json!({"id": format!("e-{enrollment}"), "type": "enrollment.created", "version": 1,
                    "occurred_at": format!("2026-12-01T10:{:02}:00Z", n),
                    "enrollment_created": {"enrollment_id": enrollment, "student_id": student,
                        "course_id": course}}),
            ));
            for l in 0..LESSONS_DONE {
                all.push((
                    "lesson.completed".to_owned(),
                    json!({"id": format!("l-{enrollment}-{l}"), "type": "lesson.completed",
                        "version": l + 2, "occurred_at": format!("2026-12-01T11:{:02}:{l:02}Z", n),
                        "lesson_completed": {"enrollment_id": enrollment, "student_id": student,
                            "course_id": course, "lesson_id": format!("{course}-l{l}"),
                            "progress_percent": (l + 1) * 100 / 8}}),
                ));
            }
        }
    }
    all
}

#[tokio::main]
async fn main() -> Result<(), String> {
    let (students, courses) = (arg(1, 5_000), arg(2, 200));
    let nats_url = std::env::var("EDU_NATS_URL").unwrap_or("nats://127.0.0.1:14222".into());
    let redis_url = std::env::var("EDU_REDIS_URL").unwrap_or("redis://127.0.0.1:16379/0".into());
    let run = format!("bench{}", std::process::id());
    let (stream_name, prefix) = (format!("BENCH_{run}"), format!("{run}:fb:"));
    let subjects = format!("{run}.events");
    let client = async_nats::connect(&nats_url)
        .await
        .map_err(|e| e.to_string())?;
    let jetstream = async_nats::jetstream::new(client);
    jetstream
        .get_or_create_stream(stream::Config {
            name: stream_name.clone(),
            subjects: vec![format!("{subjects}.>")],
            ..stream::Config::default()
        })
        .await
        .map_err(|e| e.to_string())?;
    let all = events(students, courses);
    let published = Instant::now();
    for (kind, event) in &all {
        let payload = serde_json::to_vec(event).map_err(|e| e.to_string())?;
        jetstream
            .publish(format!("{subjects}.{kind}"), payload.into())
            .await
            .map_err(|e| e.to_string())?
            .await
            .map_err(|e| e.to_string())?;
    }
    println!(
        "published {} events ({students} students, {courses} courses) in {:.1} s",
        all.len(),
        published.elapsed().as_secs_f64()
    );
    let settings = FeedBuilderSettings::read(&VariableSource::from_pairs([
        ("EDU_ENVIRONMENT", "test".to_owned()),
        ("EDU_NATS_URL", nats_url.clone()),
        ("EDU_REDIS_URL", redis_url.clone()),
        ("EDU_FEED_KEY_PREFIX", prefix.clone()),
        ("EDU_EVENTS_STREAM", stream_name.clone()),
        ("EDU_EVENTS_SUBJECT_PREFIX", subjects.clone()),
        ("EDU_FEED_EVENTS_FETCH_WAIT_MS", "100".to_owned()),
    ]))
    .map_err(|e| e.to_string())?;
    let started = Instant::now();
    let worker = feed_builder::start(settings).await?;
    let total = all.len() as u64;
    while worker.feed.counters.recorded.load(Ordering::Relaxed) < total {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let applied = started.elapsed().as_secs_f64();
    let c = &worker.feed.counters;
    println!(
        "applied: {total} events in {applied:.2} s = {:.0} events/s ({} feeds rebuilt with them, {} new enrolments)",
        f64::from(u32::try_from(total).unwrap_or(u32::MAX)) / applied,
        c.feeds.load(Ordering::Relaxed),
        c.new_enrolments.load(Ordering::Relaxed),
    );
    let mut redis = redis::Client::open(redis_url.as_str())
        .map_err(|e| e.to_string())?
        .get_multiplexed_async_connection()
        .await
        .map_err(|e| e.to_string())?;
    loop {
        let marked: i64 = redis::cmd("ZCARD")
            .arg(format!("{prefix}dirty"))
            .query_async(&mut redis)
            .await
            .map_err(|e| e.to_string())?;
        if marked == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    println!(
        "settled: every marked course's students refreshed after {:.2} s ({} refreshed feeds)",
        started.elapsed().as_secs_f64(),
        c.refreshed.load(Ordering::Relaxed)
    );
    drop(worker);
    show_and_clean_up(&mut redis, &jetstream, &run, &stream_name, &prefix).await
}

/// Prints student 0's feed, then removes the stream and every key of this run.
async fn show_and_clean_up(
    redis: &mut redis::aio::MultiplexedConnection,
    jetstream: &async_nats::jetstream::Context,
    run: &str,
    stream_name: &str,
    prefix: &str,
) -> Result<(), String> {
    let sample: Option<String> = redis::cmd("GET")
        .arg(format!("{prefix}feed:v1:{}", student_id(0)))
        .query_async(redis)
        .await
        .map_err(|e| e.to_string())?;
    if let Some(sample) = sample {
        let feed: Value = serde_json::from_str(&sample).map_err(|e| e.to_string())?;
        println!(
            "student 0: {} to continue, {} recommended; first: {}",
            feed["continue_learning"].as_array().map_or(0, Vec::len),
            feed["recommended"].as_array().map_or(0, Vec::len),
            feed["recommended"][0]["reason"]
        );
    }
    // Clean up: the stream and every key of this run.
    let _ = jetstream.delete_stream(&stream_name).await;
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg(format!("{run}:*"))
        .query_async(redis)
        .await
        .map_err(|e| e.to_string())?;
    for chunk in keys.chunks(500) {
        let _: i64 = redis::cmd("DEL")
            .arg(chunk)
            .query_async(redis)
            .await
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}
