//! The engine with the real provider sandbox binary over HTTP: charges confirmed by signed
//! webhooks, declines, a provider that never answers, duplicated and reordered deliveries,
//! admins' refunds — each payment charged and booked once, its events published once.

mod support;

use std::time::Duration;

use payment_engine::app::expiry::TIMED_OUT;
use serde_json::Value;
use support::{Service, sandbox_port, service_with, start_sandbox, token, with_sandbox};
use uuid::Uuid;

async fn paid_id(response: reqwest::Response) -> Uuid {
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert!(status == 201 || status == 200, "{status}: {body}");
    body["id"].as_str().unwrap().parse().unwrap()
}

async fn refund(service: &Service, payment: Uuid, roles: &[&str]) -> reqwest::Response {
    service
        .http
        .post(service.app.url(&format!("/payments/{payment}/refund")))
        .bearer_auth(token(Uuid::new_v4(), roles))
        .send()
        .await
        .unwrap()
}

/// Every event type the relay publishes now, in order.
async fn published(service: &Service) -> Vec<Value> {
    while service.relay.relay_once().await.published > 0 {}
    service
        .messages()
        .await
        .iter()
        .map(|m| serde_json::from_slice(&m.payload).unwrap())
        .collect()
}

#[tokio::test]
async fn a_card_that_succeeds_is_confirmed_by_webhook_booked_and_published_once() {
    let (service, sandbox) = with_sandbox(&[], &[]).await;
    let student = Uuid::new_v4();

    let response = service.pay(student, "checkout-1", 4_900, "tok_visa").await;

    assert_eq!(response.status(), 201);
    let payment = paid_id(response).await;
    assert_eq!(
        service.wait_for_status(payment, "succeeded").await,
        "succeeded"
    );
    let events = published(&service).await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["type"], "payment.succeeded");
    assert_eq!(
        events[0]["payment_succeeded"]["student_id"],
        student.to_string()
    );
    assert_eq!(
        service.count("SELECT count(*) FROM ledger_movements").await,
        1
    );
    assert_eq!(sandbox.stats().await["charges"], 1);
}

#[tokio::test]
async fn replays_of_a_paid_request_never_charge_the_card_twice() {
    let (service, sandbox) = with_sandbox(&[], &[("EDU_SANDBOX_DELAY_MS", "300")]).await;
    let student = Uuid::new_v4();
    let first = paid_id(service.pay(student, "checkout-2", 2_500, "tok_visa").await).await;

    for _ in 0..5 {
        let answer = service.pay(student, "checkout-2", 2_500, "tok_visa").await;
        assert_eq!(answer.status(), 200);
        assert_eq!(paid_id(answer).await, first);
    }
    assert_eq!(
        service.charges.retry_due().await.unwrap(),
        0,
        "the provider took the request: nothing to ask again"
    );

    assert_eq!(
        service.wait_for_status(first, "succeeded").await,
        "succeeded"
    );
    let stats = sandbox.stats().await;
    assert_eq!(stats["charges"], 1, "{stats}");
    assert_eq!(
        stats["replayed_requests"], 0,
        "a replay asks nothing: {stats}"
    );
    assert_eq!(
        service.count("SELECT count(*) FROM ledger_movements").await,
        1
    );
}

#[tokio::test]
async fn a_charge_request_whose_answer_was_lost_is_asked_again_and_charged_once() {
    // The engine stopped between the provider's answer and marking the request taken: the
    // next pass asks again under the same key, and the provider answers the first charge.
    let (service, sandbox) = with_sandbox(&[], &[("EDU_SANDBOX_DELAY_MS", "300")]).await;
    let payment = paid_id(service.pay(Uuid::new_v4(), "k", 2_000, "tok_visa").await).await;
    let client = service.database.client().await;
    client
        .execute(
            "UPDATE payments SET charge_requested_at = NULL WHERE id = $1",
            &[&payment],
        )
        .await
        .unwrap();

    let asked = service.charges.retry_due().await.unwrap();

    assert_eq!(asked, 1);
    assert_eq!(
        service.wait_for_status(payment, "succeeded").await,
        "succeeded"
    );
    let stats = sandbox.stats().await;
    assert_eq!(stats["charges"], 1, "{stats}");
    assert_eq!(stats["replayed_requests"], 1, "{stats}");
    assert_eq!(
        service.count("SELECT count(*) FROM ledger_movements").await,
        1
    );
}

#[tokio::test]
async fn a_declined_card_fails_the_payment_and_publishes_the_reason() {
    let (service, _sandbox) = with_sandbox(&[], &[]).await;

    let student = Uuid::new_v4();
    let payment = paid_id(service.pay(student, "k", 1_000, "tok_decline").await).await;

    assert_eq!(service.wait_for_status(payment, "failed").await, "failed");
    // the student reading the payment is told why, in the provider's words
    let read: Value = service
        .http
        .get(service.app.url(&format!("/payments/{payment}")))
        .bearer_auth(token(student, &[]))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(read["failure_reason"], "The card was declined.", "{read}");
    let events = published(&service).await;
    assert_eq!(events[0]["type"], "payment.failed");
    assert_eq!(
        events[0]["payment_failed"]["reason"],
        "The card was declined."
    );
    assert_eq!(
        service.count("SELECT count(*) FROM ledger_movements").await,
        0
    );
}

#[tokio::test]
async fn an_unknown_card_is_refused_naming_the_field() {
    let (service, _sandbox) = with_sandbox(&[], &[]).await;

    let response = service
        .pay(Uuid::new_v4(), "k", 1_000, "4242424242424242")
        .await;

    assert_eq!(response.status(), 422);
    let problem: Value = response.json().await.unwrap();
    assert_eq!(problem["errors"][0]["field"], "body.card_token");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("refused the card"),
        "{problem}"
    );
    let events = published(&service).await;
    assert_eq!(events[0]["type"], "payment.failed");
    assert!(
        events[0]["payment_failed"]["reason"]
            .as_str()
            .unwrap()
            .starts_with(
                "The payment provider refused the card: 4242424242424242 is not a test card"
            ),
        "{}",
        events[0]
    );
}

#[tokio::test]
async fn a_payment_never_answered_fails_at_its_deadline_with_a_clear_reason() {
    let (service, _sandbox) = with_sandbox(&[("EDU_PAYMENT_DEADLINE_SECONDS", "60")], &[]).await;
    let payment = paid_id(service.pay(Uuid::new_v4(), "k", 1_000, "tok_timeout").await).await;
    assert!(
        service.expiry.expire_once().await.unwrap().is_empty(),
        "not yet"
    );

    service.clock.advance(Duration::from_secs(61));
    let expired = service.expiry.expire_once().await.unwrap();

    assert_eq!(expired, [payment]);
    assert_eq!(service.status_of(payment).await, "failed");
    let events = published(&service).await;
    assert_eq!(events[0]["payment_failed"]["reason"], TIMED_OUT);
}

#[tokio::test]
async fn while_the_provider_is_down_the_payment_waits_and_is_charged_once_it_is_back() {
    let port = sandbox_port();
    let provider = format!("http://127.0.0.1:{port}");
    let service = service_with(&[("EDU_PROVIDER_URL", provider.as_str())]).await;
    let student = Uuid::new_v4();

    let accepted = service.pay(student, "checkout-3", 3_000, "tok_visa").await;

    assert_eq!(
        accepted.status(),
        201,
        "stored and pending, asked again later"
    );
    let payment = paid_id(accepted).await;
    assert_eq!(service.status_of(payment).await, "pending");
    assert_eq!(service.charges.retry_due().await.unwrap(), 0, "still down");
    let sandbox = start_sandbox(port, &service, &[]).await;
    assert_eq!(service.charges.retry_due().await.unwrap(), 1);
    assert_eq!(
        service.wait_for_status(payment, "succeeded").await,
        "succeeded"
    );
    assert_eq!(service.charges.retry_due().await.unwrap(), 0);
    assert_eq!(sandbox.stats().await["charges"], 1);
}

#[tokio::test]
async fn an_admins_refund_is_confirmed_by_webhook_and_published_as_refunded() {
    let (service, sandbox) = with_sandbox(&[], &[]).await;
    let payment = paid_id(service.pay(Uuid::new_v4(), "k", 5_000, "tok_visa").await).await;
    assert_eq!(
        refund(&service, payment, &["admin"]).await.status(),
        409,
        "pending: not yet"
    );
    service.wait_for_status(payment, "succeeded").await;

    let refused = refund(&service, payment, &["student", "teacher"]).await;
    let asked = refund(&service, payment, &["admin"]).await;

    assert_eq!(refused.status(), 403);
    assert_eq!(asked.status(), 202);
    assert_eq!(
        service.wait_for_status(payment, "refunded").await,
        "refunded"
    );
    assert_eq!(refund(&service, payment, &["admin"]).await.status(), 200);
    let kinds: Vec<Value> = published(&service)
        .await
        .iter()
        .map(|e| e["type"].clone())
        .collect();
    assert_eq!(kinds, ["payment.succeeded", "payment.refunded"]);
    assert_eq!(sandbox.stats().await["refunds"], 1);
    assert_eq!(service.unbalanced_currencies().await, 0);
    let missing = refund(&service, Uuid::new_v4(), &["admin"]).await;
    assert_eq!(missing.status(), 404);
}

#[tokio::test]
async fn webhooks_delivered_three_times_out_of_order_book_each_payment_once() {
    let (service, sandbox) = with_sandbox(
        &[],
        &[
            ("EDU_SANDBOX_DUPLICATES", "3"),
            ("EDU_SANDBOX_REORDER", "true"),
            ("EDU_SANDBOX_REORDER_WINDOW_MS", "150"),
        ],
    )
    .await;
    let mut payments = Vec::new();
    for n in 0..8 {
        let card = if n % 4 == 3 {
            "tok_decline"
        } else {
            "tok_visa"
        };
        let made = service
            .pay(Uuid::new_v4(), &format!("k{n}"), 1_000 + n, card)
            .await;
        payments.push((paid_id(made).await, card));
    }
    for (payment, card) in &payments {
        let expected = if *card == "tok_visa" {
            "succeeded"
        } else {
            "failed"
        };
        assert_eq!(service.wait_for_status(*payment, expected).await, expected);
    }
    for (payment, _) in payments.iter().filter(|(_, c)| *c == "tok_visa").take(3) {
        assert_eq!(refund(&service, *payment, &["admin"]).await.status(), 202);
    }
    // 8 outcomes and 3 refunds, three copies each.
    let mut stats = sandbox.stats().await;
    for _ in 0..200 {
        if stats["acknowledged"].as_u64().unwrap() + stats["abandoned"].as_u64().unwrap() >= 33 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        stats = sandbox.stats().await;
    }

    assert_eq!(stats["events"], 11, "{stats}");
    assert_eq!(
        stats["acknowledged"], 33,
        "every copy acknowledged: {stats}"
    );
    assert_eq!(stats["abandoned"], 0, "{stats}");
    let answers = stats["answers"].as_object().unwrap();
    assert!(
        answers
            .keys()
            .all(|status| status == "200" || status == "409"),
        "only acknowledgements and retryable refusals, never an error: {stats}"
    );
    assert_eq!(
        service
            .count("SELECT count(*) FROM ledger_movements WHERE kind = 'charge'")
            .await,
        6
    );
    assert_eq!(
        service
            .count("SELECT count(*) FROM ledger_movements WHERE kind = 'refund'")
            .await,
        3
    );
    assert_eq!(service.unbalanced_currencies().await, 0);
    let events = published(&service).await;
    assert_eq!(
        events.len(),
        11,
        "one event per decision, whatever the copies"
    );
    let first_of = |payment: Uuid| {
        events
            .iter()
            .position(|e| e["aggregate_id"] == payment.to_string())
            .map(|i| events[i]["type"].clone())
    };
    for (payment, card) in &payments {
        let expected = if *card == "tok_visa" {
            "payment.succeeded"
        } else {
            "payment.failed"
        };
        assert_eq!(first_of(*payment).unwrap(), expected);
    }
}
