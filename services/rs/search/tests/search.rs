//! search against the real tantivy index (in a directory of the test's own) fed from the
//! run's real NATS: course events published on JetStream become searchable, with typos,
//! prefixes, facets and highlights; unpublishing removes a course; redelivered and
//! out-of-order events change nothing; the index survives a restart and `rebuild` replays the
//! stream into the same results.

mod support;

use axum::http::StatusCode;
use serde_json::Value;
use support::{Course, World, enrolment_event, ids};

fn total(body: &Value) -> u64 {
    body["total"].as_u64().unwrap()
}

async fn publish_course(world: &World, course: &Course) {
    world.courses.show(course);
    world.publish(&course.event("course.published")).await;
}

#[tokio::test]
async fn published_courses_are_found_with_typos_prefixes_facets_and_highlights() {
    let world = World::new().await;
    let search = world.start_search().await;
    let python = Course::new("Python for data analysis", "beginner", &["python", "data"]);
    let rust = Course::new("Rust in practice", "advanced", &["rust"]);
    let engineering = Course::new("Data engineering pipelines", "intermediate", &["data"]);
    for course in [&python, &rust, &engineering] {
        publish_course(&world, course).await;
    }
    search.search_until("", |body| total(body) == 3).await;

    let typo = search.search("q=pyhton").await;
    assert_eq!(ids(&typo), std::slice::from_ref(&python.id));
    assert_eq!(
        typo["hits"][0]["highlights"]["title"],
        "<b>Python</b> for data analysis"
    );
    assert_eq!(typo["hits"][0]["title"], "Python for data analysis");
    let parts = &typo["hits"][0]["score_parts"];
    let sum = parts["text"].as_f64().unwrap()
        + parts["popularity"].as_f64().unwrap()
        + parts["freshness"].as_f64().unwrap();
    assert!((typo["hits"][0]["score"].as_f64().unwrap() - sum).abs() < 1e-9);

    let prefix = search.search("q=data%20engin").await;
    assert_eq!(ids(&prefix), std::slice::from_ref(&engineering.id));

    let data = search.search("q=data").await;
    assert_eq!(total(&data), 2);
    assert_eq!(data["facets"]["tag"]["data"], 2);
    assert_eq!(data["facets"]["level"]["beginner"], 1);
    assert_eq!(data["facets"]["level"]["intermediate"], 1);

    let filtered = search.search("q=data&level=intermediate").await;
    assert_eq!(ids(&filtered), std::slice::from_ref(&engineering.id));
    assert_eq!(
        filtered["facets"]["level"]["beginner"], 1,
        "the level facet ignores its own filter"
    );

    let lesson = search.search("q=welcome%20rust").await;
    assert_eq!(
        lesson["hits"][0]["highlights"]["lesson"],
        "<b>Welcome</b> to <b>Rust</b> in practice"
    );
}

#[tokio::test]
async fn bad_parameters_are_422_problems_naming_them() {
    let world = World::new().await;
    let search = world.start_search().await;
    for (query, parameter) in [
        ("limit=0", "limit"),
        ("limit=abc", "limit"),
        ("offset=-3", "offset"),
        ("level=expert", "level"),
        ("tag=NOT%20A%20TAG", "tag"),
        ("q=a&q=b", "q"),
        ("q=a%00b", "q"),
        ("limit=1&limit=2", "limit"),
    ] {
        let (status, body) = search.get(&format!("/search?{query}")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{query}: {body}");
        assert_eq!(body["errors"][0]["field"], parameter, "{query}: {body}");
    }
    assert_eq!(search.get("/health").await.0, StatusCode::OK);
    let ready = support::eventually(std::time::Duration::from_secs(5), || async {
        (search.get("/ready").await.0 == StatusCode::OK).then_some(())
    })
    .await;
    assert!(ready.is_some(), "/ready never answered 200");
}

#[tokio::test]
async fn an_unpublished_course_disappears() {
    let world = World::new().await;
    let search = world.start_search().await;
    let mut course = Course::new("Kubernetes operations", "advanced", &["devops"]);
    publish_course(&world, &course).await;
    search
        .search_until("q=kubernetes", |body| total(body) == 1)
        .await;

    course.version = 2;
    world.courses.hide(&course.id);
    world.publish(&course.event("course.unpublished")).await;
    let gone = search
        .search_until("q=kubernetes", |body| total(body) == 0)
        .await;
    assert_eq!(
        gone["facets"]["tag"].as_object().map(serde_json::Map::len),
        Some(0)
    );
}

#[tokio::test]
async fn redelivered_and_out_of_order_events_change_nothing() {
    let world = World::new().await;
    let search = world.start_search().await;
    let mut course = Course::new("Advanced Python", "advanced", &["python"]);
    let first = course.event("course.published");
    course.version = 3;
    let late_unpublish = {
        let mut stale = course.clone();
        stale.version = 2;
        stale.event("course.unpublished")
    };
    world.courses.show(&course);
    world.publish(&first).await;
    world.publish(&course.event("course.updated")).await;
    search
        .search_until("q=python", |body| total(body) == 1)
        .await;

    // Version 1 comes again (a redelivery past the de-duplication window: a new message id),
    // then the unpublish of version 2 arrives after version 3; one enrolment is published twice.
    let mut again = first.clone();
    again["id"] = Value::from(uuid::Uuid::new_v4().to_string());
    world.publish(&again).await;
    world.publish(&late_unpublish).await;
    let enrolled = enrolment_event("enrollment.created", &course.id, "e-1");
    world.publish(&enrolled).await;
    let mut duplicate = enrolled.clone();
    duplicate["id"] = Value::from(uuid::Uuid::new_v4().to_string());
    world.publish(&duplicate).await;
    // A sentinel published last: once it is searchable, everything before it was applied.
    let sentinel = Course::new("Sentinel zebra course", "beginner", &[]);
    publish_course(&world, &sentinel).await;
    search
        .search_until("q=zebra", |body| total(body) == 1)
        .await;

    let after = search.search("q=python").await;
    assert_eq!(
        ids(&after),
        [course.id.clone()],
        "the stale unpublish must not win"
    );
    let popularity = after["hits"][0]["score_parts"]["popularity"]
        .as_f64()
        .unwrap();
    let one_enrolment = 0.3 * 1.0 / (1.0 + 50.0);
    assert!(
        (popularity - one_enrolment).abs() < 1e-9,
        "counted once: {popularity}"
    );
}

#[tokio::test]
async fn the_index_survives_a_restart_and_rebuild_replays_the_stream() {
    let world = World::new().await;
    let course = Course::new("Statistics with R", "intermediate", &["statistics"]);
    {
        let search = world.start_search().await;
        publish_course(&world, &course).await;
        world
            .publish(&enrolment_event("enrollment.created", &course.id, "e-1"))
            .await;
        world
            .publish(&enrolment_event("course.completed", &course.id, "e-1"))
            .await;
        search
            .search_until("q=statistics", |body| {
                body["hits"][0]["score_parts"]["popularity"].as_f64() > Some(0.0)
                    && total(body) == 1
            })
            .await;
    }
    // Restarted on the same directory, with the course service gone: nothing needs asking.
    world.courses.hide(&course.id);
    world.wait_until_index_released().await;
    let restarted = world.start_search().await;
    let before = restarted.search("q=statistics").await;
    assert_eq!(ids(&before), std::slice::from_ref(&course.id));
    drop(restarted);

    world.courses.show(&course);
    world.wait_until_index_released().await;
    let replayed = search::rebuild::rebuild(&world.settings()).await.unwrap();
    assert_eq!((replayed.events, replayed.unreadable), (3, 0));
    world.wait_until_index_released().await;
    let rebuilt = world.start_search().await;
    let after = rebuilt.search("q=statistics").await;
    // The same text and popularity; freshness decays with the clock between the two queries
    // (seen: 0.098205958 vs 0.098205954), so it is equal within a millionth.
    let (after, before) = (
        &after["hits"][0]["score_parts"],
        &before["hits"][0]["score_parts"],
    );
    assert_eq!(after["text"], before["text"]);
    assert_eq!(after["popularity"], before["popularity"]);
    let freshness = |parts: &Value| parts["freshness"].as_f64().expect("a freshness part");
    assert!(
        (freshness(after) - freshness(before)).abs() < 1e-6,
        "freshness {} after the rebuild, {} before",
        freshness(after),
        freshness(before)
    );
}

#[tokio::test]
async fn an_unreadable_event_is_dead_lettered_and_the_feed_goes_on() {
    let world = World::new().await;
    let search = world.start_search().await;
    world
        .publish_raw("course.published", b"{not an envelope")
        .await;
    let course = Course::new("Haskell foundations", "beginner", &["haskell"]);
    publish_course(&world, &course).await;
    search
        .search_until("q=haskell", |body| total(body) == 1)
        .await;
    let letters = support::eventually(std::time::Duration::from_secs(5), || async {
        let letters = world.dead_letters().await;
        (!letters.is_empty()).then_some(letters)
    })
    .await
    .expect("nothing was dead-lettered");
    let original = format!("{}.course.published", world.namespace.subject("events"));
    assert_eq!(
        letters,
        [(
            format!("{}.{original}", world.namespace.subject("dlq.search")),
            original
        )]
    );
}
