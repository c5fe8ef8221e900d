//! The HTTP API over real PostgreSQL: posting, who may take part, the outbox, history pages and
//! what each viewer sees (decisions applied by the real store).

mod support;

use std::time::SystemTime;

use messaging::adapters::postgres::{PgPool, PostgresStore};
use messaging::app::ports::Store;
use messaging::domain::moderation::{Decision, Outcome};
use serde_json::{Value, json};
use support::{World, get_json, post_json};
use uuid::Uuid;

async fn decide(world: &World, post: &Value, outcome: Outcome, version: u32) {
    let store = PostgresStore::new(PgPool::new(&world.database.url, 1));
    store
        .apply_decision(
            Decision {
                post_id: Uuid::parse_str(post["id"].as_str().unwrap()).unwrap(),
                course_id: world.course,
                outcome,
                version,
            },
            SystemTime::now(),
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn a_question_is_stored_pending_with_its_event_in_the_outbox_in_one_transaction() {
    let world = World::new().await;
    world.seed_members().await;
    let instance = world.instance(&[]).await;
    let url = instance.url(&format!("/qa/courses/{}/questions", world.course));

    let (status, question) = post_json(&url, world.student, &json!({"body": " Why? "})).await;

    assert_eq!(status, 201, "{question}");
    assert_eq!(question["status"], "pending");
    assert_eq!(question["body"], "Why?");
    assert_eq!(question["seq"], Value::Null);
    let client = world.database.client().await;
    let row = client
        .query_one(
            "SELECT status, (SELECT count(*) FROM outbox WHERE type = 'qa.question_posted' \
             AND aggregate_id = $1) FROM posts WHERE id::text = $1",
            &[&question["id"].as_str().unwrap()],
        )
        .await
        .unwrap();
    assert_eq!(row.get::<_, String>(0), "pending");
    assert_eq!(row.get::<_, i64>(1), 1);
}

#[tokio::test]
async fn only_the_courses_enrolled_students_and_its_teacher_take_part() {
    let world = World::new().await;
    world.seed_members().await;
    let instance = world.instance(&[]).await;
    let url = instance.url(&format!("/qa/courses/{}/questions", world.course));
    let body = json!({"body": "Hello"});

    let (teacher, _) = post_json(&url, world.teacher, &body).await;
    let (stranger, problem) = post_json(&url, world.stranger, &body).await;
    let anonymous = reqwest::Client::new()
        .post(&url)
        .json(&body)
        .send()
        .await
        .unwrap();
    let (reading, _) = get_json(
        &instance.url(&format!("/qa/courses/{}/posts", world.course)),
        world.stranger,
    )
    .await;

    assert_eq!(teacher, 201);
    assert_eq!(stranger, 403);
    assert_eq!(problem["status"], 403);
    assert_eq!(anonymous.status(), 401);
    assert_eq!(
        anonymous.headers()["content-type"],
        "application/problem+json"
    );
    assert_eq!(reading, 403);
}

#[tokio::test]
async fn bad_input_is_a_named_problem_never_a_500() {
    let world = World::new().await;
    world.seed_members().await;
    let instance = world.instance(&[]).await;
    let questions = instance.url(&format!("/qa/courses/{}/questions", world.course));

    let (empty, problem) = post_json(&questions, world.student, &json!({"body": "  "})).await;
    let (long, _) = post_json(
        &questions,
        world.student,
        &json!({"body": "x".repeat(10_001)}),
    )
    .await;
    let (unknown, _) = post_json(
        &instance.url(&format!(
            "/qa/courses/{}/questions/{}/answers",
            world.course,
            Uuid::new_v4()
        )),
        world.student,
        &json!({"body": "Because."}),
    )
    .await;
    let (not_uuid, _) = post_json(
        &instance.url("/qa/courses/nope/questions"),
        world.student,
        &json!({"body": "Hi"}),
    )
    .await;
    let (extra, _) = post_json(&questions, world.student, &json!({"body": "Hi", "x": 1})).await;
    let (page, page_problem) = get_json(
        &instance.url(&format!(
            "/qa/courses/{}/posts?after=1&before=2&limit=500",
            world.course
        )),
        world.student,
    )
    .await;

    assert_eq!(
        (empty, problem["errors"][0]["field"].clone()),
        (422, json!("body.body"))
    );
    assert_eq!(long, 422);
    assert_eq!(unknown, 404);
    assert_eq!(not_uuid, 404);
    assert_eq!(extra, 422);
    assert_eq!(page, 422);
    assert_eq!(page_problem["errors"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn others_see_a_post_once_allowed_and_the_author_sees_it_pending_until_then() {
    let world = World::new().await;
    world.seed_members().await;
    let instance = world.instance(&[]).await;
    let questions = instance.url(&format!("/qa/courses/{}/questions", world.course));
    let posts = instance.url(&format!("/qa/courses/{}/posts?after=0", world.course));
    let (_, allowed) = post_json(&questions, world.student, &json!({"body": "Allowed?"})).await;
    let (_, held) = post_json(&questions, world.student, &json!({"body": "Held?"})).await;
    let (_, rejected) = post_json(&questions, world.student, &json!({"body": "Rejected?"})).await;

    let (_, before) = get_json(&posts, world.classmate).await;
    decide(&world, &allowed, Outcome::Allow, 1).await;
    decide(&world, &held, Outcome::Hold, 1).await;
    decide(&world, &rejected, Outcome::Reject, 1).await;
    let (_, classmate) = get_json(&posts, world.classmate).await;
    let (_, author) = get_json(&posts, world.student).await;
    decide(&world, &held, Outcome::Allow, 2).await;
    decide(&world, &rejected, Outcome::Allow, 1).await; // a stale copy: nothing changes
    let (_, later) = get_json(&posts, world.teacher).await;

    let ids = |page: &Value, key: &str| -> Vec<(Value, Value)> {
        page[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| (p["id"].clone(), p["status"].clone()))
            .collect()
    };
    assert!(ids(&before, "posts").is_empty());
    assert_eq!(
        ids(&classmate, "posts"),
        [(allowed["id"].clone(), json!("visible"))]
    );
    assert!(ids(&classmate, "unpublished").is_empty());
    assert_eq!(
        ids(&author, "unpublished"),
        [
            (held["id"].clone(), json!("pending")),
            (rejected["id"].clone(), json!("rejected"))
        ]
    );
    let seqs: Vec<Value> = later["posts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["seq"].clone())
        .collect();
    assert_eq!(seqs, [json!(1), json!(2)]);
    assert_eq!(later["posts"][1]["id"], held["id"]);
}

#[tokio::test]
async fn answers_need_a_question_the_caller_sees_and_history_pages_by_place() {
    let world = World::new().await;
    world.seed_members().await;
    let instance = world.instance(&[]).await;
    let questions = instance.url(&format!("/qa/courses/{}/questions", world.course));
    let (_, question) = post_json(&questions, world.student, &json!({"body": "Why?"})).await;
    let answers = instance.url(&format!(
        "/qa/courses/{}/questions/{}/answers",
        world.course,
        question["id"].as_str().unwrap()
    ));

    let (hidden, _) = post_json(&answers, world.teacher, &json!({"body": "Because."})).await;
    decide(&world, &question, Outcome::Allow, 1).await;
    let (status, answer) = post_json(&answers, world.teacher, &json!({"body": "Because."})).await;
    decide(&world, &answer, Outcome::Allow, 1).await;
    for n in 0..3 {
        let (_, more) = post_json(
            &questions,
            world.classmate,
            &json!({"body": format!("Q{n}")}),
        )
        .await;
        decide(&world, &more, Outcome::Allow, 1).await;
    }
    let page = |query: &str| instance.url(&format!("/qa/courses/{}/posts?{query}", world.course));
    let (_, first) = get_json(&page("after=0&limit=2"), world.student).await;
    let (_, latest) = get_json(&page("limit=2"), world.student).await;
    let (_, earlier) = get_json(&page("before=4&limit=10"), world.student).await;

    assert_eq!(hidden, 404);
    assert_eq!(status, 201);
    assert_eq!(answer["kind"], "answer");
    assert_eq!(answer["question_id"], question["id"]);
    let seqs = |page: &Value| -> Vec<i64> {
        page["posts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["seq"].as_i64().unwrap())
            .collect()
    };
    assert_eq!(
        (seqs(&first), first["more"].clone()),
        (vec![1, 2], json!(true))
    );
    assert_eq!(
        (seqs(&latest), latest["more"].clone()),
        (vec![4, 5], json!(true))
    );
    assert_eq!(
        (seqs(&earlier), earlier["more"].clone()),
        (vec![1, 2, 3], json!(false))
    );
    let events = world.events("qa.>").await;
    assert!(
        events.is_empty() || events.len() >= 2,
        "the relay publishes each post"
    );
}

#[tokio::test]
async fn health_answers_and_ready_names_the_database_and_nats() {
    let world = World::new().await;
    let instance = world.instance(&[]).await;
    let health = reqwest::get(instance.url("/health")).await.unwrap();
    assert_eq!(health.status(), 200);
    let mut ready = 0;
    for _ in 0..100 {
        ready = reqwest::get(instance.url("/ready"))
            .await
            .unwrap()
            .status()
            .as_u16();
        if ready == 200 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(ready, 200);
    let spec: Value = reqwest::get(instance.url("/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(spec["paths"]["/ws"].is_object());
}
