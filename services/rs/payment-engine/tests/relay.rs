//! The outbox relay against the run's real PostgreSQL and NATS: what a payment's decision
//! publishes on JetStream, exactly once, in the platform's protobuf JSON, and that nothing is
//! lost while NATS is down.

mod support;

use std::sync::Arc;
use std::time::Duration;

use edu_testing::TcpProxy;
use edu_testing::backends::{Backend, host_port, url};
use payment_engine::adapters::postgres::{PgPool, PostgresPaymentStore};
use payment_engine::app::ports::OutboxRecord;
use payment_engine::app::relay::{EventBus, OutboxRelay, PublishFuture, RelaySettings};
use serde_json::Value;
use support::{event, money, service, service_with};
use uuid::Uuid;

fn body(message: &async_nats::jetstream::message::StreamMessage) -> Value {
    serde_json::from_slice(&message.payload).unwrap()
}

fn message_id(message: &async_nats::jetstream::message::StreamMessage) -> String {
    message
        .headers
        .get("Nats-Msg-Id")
        .map(|v| v.as_str().to_owned())
        .unwrap_or_default()
}

#[tokio::test]
async fn a_succeeded_payment_is_published_once_with_its_event_id_as_the_message_id() {
    let mut service = service().await;
    let student = Uuid::new_v4();
    let payment = service.succeeded(student, 4_900).await;
    service.start_relay();

    let messages = service.wait_for_messages(1, Duration::from_secs(10)).await;

    assert_eq!(messages.len(), 1);
    let message = &messages[0];
    assert_eq!(
        message.subject.as_str(),
        format!("{}.payment.succeeded", service.subjects)
    );
    let outbox_id: Uuid = {
        let client = service.database.client().await;
        client
            .query_one("SELECT id FROM outbox", &[])
            .await
            .unwrap()
            .get(0)
    };
    assert_eq!(message_id(message), outbox_id.to_string());
    let envelope = body(message);
    assert_eq!(envelope["id"], outbox_id.to_string());
    assert_eq!(envelope["type"], "payment.succeeded");
    assert_eq!(envelope["aggregate"], "payment");
    assert_eq!(envelope["aggregate_id"], payment.to_string());
    assert_eq!(envelope["version"], 2);
    assert!(
        envelope["occurred_at"].as_str().unwrap().ends_with('Z'),
        "{envelope}"
    );
    let paid = &envelope["payment_succeeded"];
    assert_eq!(paid["payment_id"], payment.to_string());
    assert_eq!(paid["student_id"], student.to_string());
    assert_eq!(paid["currency_code"], "EUR");
    assert_eq!(paid["amount_minor"], "4900", "int64 as a JSON string");
    // Published and marked: a second look publishes nothing more.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(service.messages().await.len(), 1);
    assert_eq!(
        service
            .count("SELECT count(*) FROM outbox WHERE published_at IS NULL")
            .await,
        0
    );
}

#[tokio::test]
async fn a_declined_payment_is_published_as_failed_with_the_reason_the_student_reads() {
    let service = service().await;
    let payment = service.pending(Uuid::new_v4(), 1_500).await;
    let mut declined = event(
        "evt_declined",
        "payment.failed",
        payment,
        &money("EUR", 1_500),
    );
    declined["reason"] = "The card was declined.".into();
    assert_eq!(service.deliver(&declined).await.status(), 200);

    let outcome = service.relay.relay_once().await;

    assert_eq!(outcome.published, 1);
    let messages = service.messages().await;
    assert_eq!(
        messages[0].subject.as_str(),
        format!("{}.payment.failed", service.subjects)
    );
    let failed = &body(&messages[0])["payment_failed"];
    assert_eq!(failed["payment_id"], payment.to_string());
    assert_eq!(failed["reason"], "The card was declined.");
}

#[tokio::test]
async fn a_refund_follows_its_success_in_order() {
    let service = service().await;
    let payment = service.succeeded(Uuid::new_v4(), 2_000).await;
    let refund = event(
        "evt_refund",
        "payment.refunded",
        payment,
        &money("EUR", 2_000),
    );
    assert_eq!(service.deliver(&refund).await.status(), 200);

    service.relay.relay_once().await;

    let kinds: Vec<String> = service
        .messages()
        .await
        .iter()
        .map(|m| body(m)["type"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(kinds, ["payment.succeeded", "payment.refunded"]);
    let refunded = &body(&service.messages().await[1]);
    assert_eq!(refunded["version"], 3);
    assert_eq!(refunded["payment_refunded"]["amount_minor"], "2000");
}

#[tokio::test]
async fn while_nats_is_down_the_outbox_keeps_its_events_and_delivers_them_once_it_returns() {
    let proxy = TcpProxy::start(&host_port(&url(Backend::Nats)).unwrap()).await;
    let nats = format!("nats://{}", proxy.address);
    let service = service_with(&[("EDU_NATS_URL", nats.as_str())]).await;
    proxy.cut();
    service.succeeded(Uuid::new_v4(), 900).await;
    service.succeeded(Uuid::new_v4(), 901).await;

    let down = service.relay.relay_once().await;

    assert!(down.failed);
    assert_eq!(down.published, 0);
    assert_eq!(
        service
            .count("SELECT count(*) FROM outbox WHERE published_at IS NULL AND attempts = 1")
            .await,
        1,
        "the first event's attempt is counted, the second waits behind it"
    );
    assert_eq!(
        service
            .count("SELECT count(*) FROM outbox WHERE published_at IS NULL")
            .await,
        2
    );
    proxy.restore();
    let mut published = 0;
    for _ in 0..100 {
        published += service.relay.relay_once().await.published;
        if published == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(published, 2, "delivered once NATS is back");
    let messages = service.messages().await;
    assert_eq!(messages.len(), 2, "each event exactly once");
    let ids: Vec<String> = messages.iter().map(message_id).collect();
    assert_ne!(ids[0], ids[1]);
    assert_eq!(
        service
            .count("SELECT count(*) FROM outbox WHERE published_at IS NULL")
            .await,
        0
    );
}

#[tokio::test]
async fn a_publish_that_is_never_acknowledged_leaves_the_event_unpublished() {
    // The stream's subjects do not cover ours: JetStream has no stream to store the message
    // in, so no ack comes and the row must stay for the next attempt.
    let service = service_with(&[("EDU_EVENTS_ACK_TIMEOUT_MS", "300")]).await;
    let stream = format!("{}_OTHER", service.stream);
    service
        .jetstream
        .create_stream(async_nats::jetstream::stream::Config {
            name: service.stream.clone(),
            subjects: vec![format!("{stream}.>")],
            ..Default::default()
        })
        .await
        .unwrap();
    service.succeeded(Uuid::new_v4(), 700).await;

    let outcome = service.relay.relay_once().await;

    assert!(outcome.failed, "{outcome:?}");
    assert_eq!(
        service
            .count("SELECT count(*) FROM outbox WHERE published_at IS NULL")
            .await,
        1
    );
}

/// A bus that keeps every event id it was given, slowly (a wide window for two relays to race).
#[derive(Debug, Default)]
struct CountingBus {
    seen: std::sync::Mutex<Vec<Uuid>>,
}

impl EventBus for CountingBus {
    fn publish<'a>(&'a self, record: &'a OutboxRecord) -> PublishFuture<'a> {
        Box::pin(async move {
            tokio::time::sleep(Duration::from_millis(2)).await;
            self.seen.lock().unwrap().push(record.id);
            Ok(())
        })
    }
}

#[tokio::test]
async fn two_relays_on_one_database_publish_each_event_once_and_in_order() {
    let service = service().await;
    for n in 0..30 {
        service.succeeded(Uuid::new_v4(), 100 + n).await;
    }
    let bus = Arc::new(CountingBus::default());
    let relay = |bus: Arc<CountingBus>| {
        let store = Arc::new(PostgresPaymentStore::new(PgPool::new(
            &service.database.url,
            2,
        )));
        let settings = RelaySettings {
            batch_size: 7,
            poll_interval: Duration::from_millis(5),
            max_backoff: Duration::from_millis(50),
        };
        OutboxRelay::new(store, bus, settings)
    };
    let (first, second) = (relay(bus.clone()), relay(bus.clone()));

    let drain = |relay: OutboxRelay| async move {
        for _ in 0..200 {
            relay.relay_once().await;
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    };
    tokio::join!(drain(first), drain(second));

    let seen = bus.seen.lock().unwrap().clone();
    let client = service.database.client().await;
    let stored: Vec<Uuid> = client
        .query("SELECT id FROM outbox ORDER BY position", &[])
        .await
        .unwrap()
        .iter()
        .map(|row| row.get(0))
        .collect();
    assert_eq!(seen, stored, "each event once, in the outbox's order");
}

#[tokio::test]
async fn a_decision_goes_to_the_bus_at_once_not_at_the_next_poll() {
    // The store wakes the relay after each commit that wrote an outbox row: with polls a minute
    // apart, only the wake-up can publish the payment's event within the test's 10 s.
    let mut service = service_with(&[("EDU_OUTBOX_POLL_MS", "60000")]).await;
    service.start_relay();
    tokio::time::sleep(Duration::from_millis(300)).await; // the relay idles until its next poll

    let payment = service.succeeded(Uuid::new_v4(), 1_900).await;

    let messages = service.wait_for_messages(1, Duration::from_secs(10)).await;
    assert_eq!(messages.len(), 1, "the event waited for the poll");
    let envelope = body(&messages[0]);
    assert_eq!(envelope["type"], "payment.succeeded");
    assert_eq!(envelope["aggregate_id"], payment.to_string());
}
