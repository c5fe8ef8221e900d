//! The provider's webhooks against a real PostgreSQL: applied exactly once whatever the
//! repetition or order, signatures checked, and the ledger balanced after any mix.

mod support;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};
use support::{SECRET, STALE, event, money, service, token};
use uuid::Uuid;

async fn result(response: reqwest::Response) -> (u16, String) {
    let status = response.status().as_u16();
    let body: Value = response.json().await.unwrap();
    let said = body["result"]
        .as_str()
        .or(body["detail"].as_str())
        .unwrap_or("");
    (status, said.to_owned())
}

#[tokio::test]
async fn a_success_delivered_three_times_books_one_movement_and_one_event() {
    let service = service().await;
    let payment = service.pending(Uuid::new_v4(), 4900).await;
    let success = event("evt_1", "payment.succeeded", payment, &money("EUR", 4900));

    let mut answers = Vec::new();
    for _ in 0..3 {
        answers.push(result(service.deliver(&success).await).await);
    }

    assert_eq!(answers[0], (200, "applied".into()));
    assert_eq!(answers[1], (200, "duplicate".into()));
    assert_eq!(answers[2], (200, "duplicate".into()));
    assert_eq!(service.status_of(payment).await, "succeeded");
    assert_eq!(
        service.count("SELECT count(*) FROM ledger_movements").await,
        1
    );
    assert_eq!(
        service.count("SELECT count(*) FROM ledger_entries").await,
        2
    );
    assert_eq!(
        service
            .count("SELECT count(*) FROM outbox WHERE type = 'payment.succeeded'")
            .await,
        1
    );
    assert_eq!(service.unbalanced_currencies().await, 0);
    // The same news under a new id changes nothing either.
    let late = event("evt_2", "payment.succeeded", payment, &money("EUR", 4900));
    assert_eq!(
        result(service.deliver(&late).await).await,
        (200, "unchanged".into())
    );
    assert_eq!(
        service.count("SELECT count(*) FROM ledger_movements").await,
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_deliveries_of_one_event_book_one_movement() {
    let service = service().await;
    let payment = service.pending(Uuid::new_v4(), 4900).await;
    let success = event("evt_c", "payment.succeeded", payment, &money("EUR", 4900));
    let bytes = serde_json::to_vec(&success).unwrap();
    let signature =
        payment_engine::domain::webhook::sign(SECRET.as_bytes(), SystemTime::now(), &bytes);
    let url = service.app.url("/provider/webhooks");
    let deliveries: Vec<_> = (0..8)
        .map(|_| {
            let (url, bytes, signature) = (url.clone(), bytes.clone(), signature.clone());
            tokio::spawn(async move {
                reqwest::Client::new()
                    .post(url)
                    .header("Edu-Provider-Signature", signature)
                    .body(bytes)
                    .send()
                    .await
                    .unwrap()
                    .status()
                    .as_u16()
            })
        })
        .collect();
    for delivery in deliveries {
        assert_eq!(delivery.await.unwrap(), 200);
    }
    assert_eq!(
        service.count("SELECT count(*) FROM ledger_movements").await,
        1
    );
    assert_eq!(service.count("SELECT count(*) FROM outbox").await, 1);
    assert_eq!(
        service
            .count("SELECT count(*) FROM processed_webhooks")
            .await,
        1
    );
}

#[tokio::test]
async fn a_refund_before_its_success_is_refused_retryably_then_applied() {
    let service = service().await;
    let payment = service.pending(Uuid::new_v4(), 4900).await;
    let amount = money("EUR", 4900);
    let refund = event("evt_r", "payment.refunded", payment, &amount);

    let early = service.deliver(&refund).await;
    assert_eq!(early.status(), 409);
    assert_eq!(early.headers()["retry-after"], "5");
    assert_eq!(
        service
            .count("SELECT count(*) FROM processed_webhooks")
            .await,
        0
    );
    let success = event("evt_s", "payment.succeeded", payment, &amount);
    assert_eq!(
        result(service.deliver(&success).await).await,
        (200, "applied".into())
    );
    assert_eq!(
        result(service.deliver(&refund).await).await,
        (200, "applied".into())
    );

    assert_eq!(service.status_of(payment).await, "refunded");
    assert_eq!(
        service.count("SELECT count(*) FROM ledger_movements").await,
        2
    );
    assert_eq!(service.unbalanced_currencies().await, 0);
    let types = service
        .count("SELECT count(DISTINCT type) FROM outbox WHERE type IN ('payment.succeeded', 'payment.refunded')")
        .await;
    assert_eq!(types, 2);
    let receivable = service
        .count("SELECT coalesce(sum(amount_minor), 0)::bigint FROM ledger_entries WHERE account = 'provider_receivable'")
        .await;
    assert_eq!(receivable, 0, "the refund gave the charge back");
}

#[tokio::test]
async fn news_about_an_unknown_payment_is_retryable_and_a_wrong_amount_or_illegal_move_is_not() {
    let service = service().await;
    let stray = event(
        "evt_x",
        "payment.succeeded",
        Uuid::new_v4(),
        &money("EUR", 1),
    );
    assert_eq!(service.deliver(&stray).await.status(), 409);

    let payment = service.pending(Uuid::new_v4(), 4900).await;
    let wrong = event("evt_w", "payment.succeeded", payment, &money("EUR", 4901));
    assert_eq!(service.deliver(&wrong).await.status(), 422);
    assert_eq!(
        result(service.deliver(&wrong).await).await,
        (200, "duplicate".into())
    );
    assert_eq!(service.status_of(payment).await, "pending");

    let failed = event("evt_f", "payment.failed", payment, &money("EUR", 4900));
    assert_eq!(
        result(service.deliver(&failed).await).await,
        (200, "applied".into())
    );
    let success = event("evt_s", "payment.succeeded", payment, &money("EUR", 4900));
    let illegal = service.deliver(&success).await;
    assert_eq!(illegal.status(), 422);
    assert_eq!(service.status_of(payment).await, "failed");
    assert_eq!(
        service.count("SELECT count(*) FROM ledger_movements").await,
        0
    );
    assert_eq!(
        service
            .count("SELECT count(*) FROM outbox WHERE type = 'payment.failed'")
            .await,
        1
    );
}

#[tokio::test]
async fn a_bad_or_stale_signature_is_401_and_a_missing_or_malformed_one_400() {
    let service = service().await;
    let payment = service.pending(Uuid::new_v4(), 4900).await;
    let success = event("evt_1", "payment.succeeded", payment, &money("EUR", 4900));
    let now = service.clock_now();

    let forged = service
        .deliver_signed(&success, "whsec_not_ours", now)
        .await;
    assert_eq!(forged.status(), 401);
    assert_eq!(forged.headers()["content-type"], "application/problem+json");
    let stale = service.deliver_signed(&success, SECRET, now - STALE).await;
    assert_eq!(stale.status(), 401);
    let (_, detail) = result(stale).await;
    assert!(detail.contains("360 s"), "{detail}");
    // Within the tolerance, and with the rotated-in secret, it is accepted.
    let rotated = service
        .deliver_signed(&success, "whsec_new_9a1f", now - Duration::from_mins(4))
        .await;
    assert_eq!(rotated.status(), 200);

    let unsigned = service
        .http
        .post(service.app.url("/provider/webhooks"))
        .json(&success)
        .send()
        .await
        .unwrap();
    assert_eq!(unsigned.status(), 400);
    let malformed = service
        .http
        .post(service.app.url("/provider/webhooks"))
        .header("Edu-Provider-Signature", "t=soon,v1=zz")
        .json(&success)
        .send()
        .await
        .unwrap();
    assert_eq!(malformed.status(), 400);
    let not_an_event = service.deliver(&json!({"hello": "world"})).await;
    assert_eq!(not_an_event.status(), 400);
    assert_eq!(
        service.count("SELECT count(*) FROM ledger_movements").await,
        1
    );
}

/// A tiny deterministic generator (xorshift64*): the seed is printed, so a failure replays.
struct Dice(u64);

impl Dice {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        let roll = self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % u64::try_from(n).unwrap();
        usize::try_from(roll).unwrap()
    }
}

#[tokio::test]
async fn any_mix_of_deliveries_leaves_the_ledger_balanced_and_each_payment_booked_once() {
    let service = service().await;
    let since = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    let seed = (since.as_secs() ^ u64::from(since.subsec_nanos())) | 1;
    println!("seed {seed}");
    let mut dice = Dice(seed);
    let mut payments = Vec::new();
    for (index, (currency, minor)) in [
        ("EUR", 4900),
        ("USD", 1999),
        ("JPY", 500),
        ("EUR", 9900),
        ("GBP", 100),
        ("EUR", 4900),
    ]
    .into_iter()
    .enumerate()
    {
        let body = json!({"course_id": support::COURSE, "amount": money(currency, minor)});
        let response = service
            .create(Uuid::new_v4(), &format!("k{index}"), &body)
            .await;
        let made: Value = response.json().await.unwrap();
        payments.push((
            made["id"].as_str().unwrap().parse::<Uuid>().unwrap(),
            money(currency, minor),
        ));
    }
    let kinds = ["payment.succeeded", "payment.failed", "payment.refunded"];
    for _ in 0..80 {
        let (payment, amount) = &payments[dice.below(payments.len())];
        let kind = kinds[dice.below(3)];
        let copy = dice.below(2);
        let amount = if dice.below(20) == 0 {
            money("EUR", 7)
        } else {
            amount.clone()
        };
        let body = event(
            &format!("evt_{payment}_{kind}_{copy}"),
            kind,
            *payment,
            &amount,
        );
        let status = service.deliver(&body).await.status().as_u16();
        assert!([200, 409, 422].contains(&status), "seed {seed}: {status}");
    }

    assert_eq!(service.unbalanced_currencies().await, 0, "seed {seed}");
    let client = service.database.client().await;
    for (payment, _) in &payments {
        let status = service.status_of(*payment).await;
        let count = |kind: &'static str| {
            let client = &client;
            async move {
                client
                    .query_one(
                        "SELECT count(*) FROM ledger_movements WHERE payment_id = $1 AND kind = $2",
                        &[payment, &kind],
                    )
                    .await
                    .unwrap()
                    .get::<_, i64>(0)
            }
        };
        let booked = (count("charge").await, count("refund").await);
        let expected = match status.as_str() {
            "succeeded" => (1, 0),
            "refunded" => (1, 1),
            _ => (0, 0),
        };
        assert_eq!(booked, expected, "seed {seed}: {payment} is {status}");
    }
    let balances = service
        .http
        .get(service.app.url("/ledger/balances"))
        .bearer_auth(token(Uuid::new_v4(), &["admin"]))
        .send()
        .await
        .unwrap();
    assert_eq!(balances.status(), 200);
    let balances: Value = balances.json().await.unwrap();
    assert_eq!(balances["balanced"], true, "seed {seed}: {balances}");
}

#[tokio::test]
async fn the_ledger_is_for_admins() {
    let service = service().await;
    let student = service
        .http
        .get(service.app.url("/ledger/balances"))
        .bearer_auth(token(Uuid::new_v4(), &["student", "teacher"]))
        .send()
        .await
        .unwrap();
    assert_eq!(student.status(), 403);
    let anonymous = service
        .http
        .get(service.app.url("/ledger/balances"))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
}

#[tokio::test]
async fn the_database_refuses_an_unbalanced_movement_and_changes_to_entries() {
    let service = service().await;
    let payment = service.pending(Uuid::new_v4(), 4900).await;
    let mut client = service.database.client().await;
    let movement = Uuid::new_v4();

    let tx = client.transaction().await.unwrap();
    tx.execute(
        "INSERT INTO ledger_movements (id, payment_id, kind, created_at) VALUES ($1, $2, 'charge', now())",
        &[&movement, &payment],
    )
    .await
    .unwrap();
    tx.execute(
        "INSERT INTO ledger_entries (movement_id, account, currency, amount_minor) VALUES \
         ($1, 'provider_receivable', 'EUR', 4900), ($1, 'course_revenue', 'EUR', -4800)",
        &[&movement],
    )
    .await
    .unwrap();
    let refused = tx.commit().await.unwrap_err();
    assert!(
        refused.to_string().contains("does not balance")
            || format!("{refused:?}").contains("does not balance"),
        "{refused:?}"
    );
    assert_eq!(
        service.count("SELECT count(*) FROM ledger_entries").await,
        0
    );

    let success = event("evt_1", "payment.succeeded", payment, &money("EUR", 4900));
    assert_eq!(service.deliver(&success).await.status(), 200);
    let changed = client
        .execute(
            "UPDATE ledger_entries SET amount_minor = amount_minor * 2",
            &[],
        )
        .await;
    assert!(changed.is_err(), "entries are append-only");
    let second_charge = client
        .execute(
            "INSERT INTO ledger_movements (id, payment_id, kind, created_at) VALUES ($1, $2, 'charge', now())",
            &[&Uuid::new_v4(), &payment],
        )
        .await;
    assert!(second_charge.is_err(), "a payment is charged at most once");
}
