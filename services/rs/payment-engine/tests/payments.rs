//! payment-engine's payments over HTTP against a real PostgreSQL: idempotent creation (also
//! under 20 concurrent duplicates), who sees what, and the answers to bad input.

mod support;

use serde_json::{Value, json};
use support::{COURSE, money, service, token};
use uuid::Uuid;

#[tokio::test]
async fn the_same_key_and_request_replays_the_first_payment_and_charges_nothing_new() {
    let service = service().await;
    let student = Uuid::new_v4();
    let body = json!({"course_id": COURSE, "amount": money("EUR", 4900)});

    let first = service.create(student, "checkout-1", &body).await;
    assert_eq!(first.status(), 201);
    let location = first.headers()["location"].to_str().unwrap().to_owned();
    let made: Value = first.json().await.unwrap();
    assert_eq!(made["status"], "pending");
    assert_eq!(made["student_id"], student.to_string());
    assert_eq!(made["amount"], money("EUR", 4900));
    assert_eq!(
        location,
        format!("/payments/{}", made["id"].as_str().unwrap())
    );

    let again = service.create(student, "checkout-1", &body).await;
    assert_eq!(again.status(), 200);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    let replayed: Value = again.json().await.unwrap();
    assert_eq!(replayed, made);
    assert_eq!(service.count("SELECT count(*) FROM payments").await, 1);
}

#[tokio::test]
async fn the_same_key_with_another_request_is_refused_with_422() {
    let service = service().await;
    let student = Uuid::new_v4();
    let body = json!({"course_id": COURSE, "amount": money("EUR", 4900)});
    assert_eq!(service.create(student, "k", &body).await.status(), 201);

    let changed = json!({"course_id": COURSE, "amount": money("EUR", 4901)});
    let response = service.create(student, "k", &changed).await;

    assert_eq!(response.status(), 422);
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    let problem: Value = response.json().await.unwrap();
    assert_eq!(problem["errors"][0]["field"], "header.Idempotency-Key");
    assert_eq!(service.count("SELECT count(*) FROM payments").await, 1);
    // Keys belong to their student: another one's "k" is a new payment.
    assert_eq!(
        service.create(Uuid::new_v4(), "k", &changed).await.status(),
        201
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_concurrent_duplicates_make_one_payment() {
    let service = service().await;
    let student = Uuid::new_v4();
    let body = json!({"course_id": COURSE, "amount": money("EUR", 4900)});
    let bearer = token(student, &["student"]);
    let url = service.app.url("/payments");
    // All in flight at once, from several threads, each on its own connection.
    let start = std::sync::Arc::new(tokio::sync::Barrier::new(20));
    let requests: Vec<_> = (0..20)
        .map(|_| {
            let (start, body, bearer, url) =
                (start.clone(), body.clone(), bearer.clone(), url.clone());
            tokio::spawn(async move {
                let client = reqwest::Client::new();
                start.wait().await;
                let answer = client
                    .post(url)
                    .bearer_auth(bearer)
                    .header("Idempotency-Key", "double-click")
                    .json(&body)
                    .send()
                    .await
                    .unwrap();
                let status = answer.status().as_u16();
                let payment: Value = answer.json().await.unwrap();
                (status, payment["id"].as_str().unwrap().to_owned())
            })
        })
        .collect();

    let mut statuses = Vec::new();
    let mut ids = Vec::new();
    for request in requests {
        let (status, id) = request.await.unwrap();
        statuses.push(status);
        ids.push(id);
    }
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        19,
        "{statuses:?}"
    );
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 1, "every answer names the one payment: {ids:?}");
    assert_eq!(service.count("SELECT count(*) FROM payments").await, 1);
    assert_eq!(
        service.count("SELECT count(*) FROM idempotency_keys").await,
        1
    );
}

#[tokio::test]
async fn a_student_sees_their_own_payment_and_nobody_elses() {
    let service = service().await;
    let (owner, other) = (Uuid::new_v4(), Uuid::new_v4());
    let id = service.pending(owner, 1999).await;
    let get = |user: Uuid, path: String| {
        service
            .http
            .get(service.app.url(&path))
            .bearer_auth(token(user, &["student"]))
            .send()
    };

    let own = get(owner, format!("/payments/{id}")).await.unwrap();
    assert_eq!(own.status(), 200);
    let payment: Value = own.json().await.unwrap();
    assert_eq!(payment["amount"], money("EUR", 1999));
    assert_eq!(
        get(other, format!("/payments/{id}"))
            .await
            .unwrap()
            .status(),
        404
    );
    assert_eq!(
        get(owner, "/payments/not-a-uuid".into())
            .await
            .unwrap()
            .status(),
        404
    );
    let anonymous = service
        .http
        .get(service.app.url(&format!("/payments/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
}

#[tokio::test]
async fn bad_input_is_a_problem_naming_what_is_wrong_never_a_500() {
    let service = service().await;
    let student = Uuid::new_v4();
    let post = |key: Option<&str>, body: String| {
        let mut request = service
            .http
            .post(service.app.url("/payments"))
            .bearer_auth(token(student, &["student"]))
            .header("content-type", "application/json")
            .body(body);
        if let Some(key) = key {
            request = request.header("Idempotency-Key", key);
        }
        request.send()
    };
    let good = json!({"course_id": COURSE, "amount": money("EUR", 100)}).to_string();

    let no_key = post(None, good.clone()).await.unwrap();
    assert_eq!(no_key.status(), 400);
    let problem: Value = no_key.json().await.unwrap();
    assert_eq!(problem["errors"][0]["field"], "header.Idempotency-Key");
    assert_eq!(
        post(Some("k"), "{\"course_id\":".into())
            .await
            .unwrap()
            .status(),
        400
    );
    let wrong = json!({"course_id": "c1", "amount": money("XXX", 0)}).to_string();
    let response = post(Some("k"), wrong).await.unwrap();
    assert_eq!(response.status(), 422);
    let problem: Value = response.json().await.unwrap();
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["body.course_id", "body.amount.currency_code"]);
    let unknown_field = json!({"course_id": COURSE, "amount": money("EUR", 1), "x": 1});
    assert_eq!(
        post(Some("k"), unknown_field.to_string())
            .await
            .unwrap()
            .status(),
        422
    );
    assert_eq!(service.count("SELECT count(*) FROM payments").await, 0);
}

#[tokio::test]
async fn ready_says_the_database_answers() {
    let service = service().await;
    let response = service
        .http
        .get(service.app.url("/ready"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["checks"]["database"], "ok");
}
