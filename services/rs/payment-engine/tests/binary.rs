//! The `payment-engine` binary itself, as a stack runs it, with the sandbox binary as its
//! provider: `main`'s wiring of HTTP, gRPC, the outbox relay and the charge retrier, and a clean
//! stop on SIGTERM.

mod support;

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use edu_proto_gen::edu::payments::v1::payments_service_client::PaymentsServiceClient;
use edu_proto_gen::edu::payments::v1::{GetPaymentRequest, PaymentStatus};
use edu_testing::backends::{Backend, url};
use edu_testing::{Namespace, TestDatabase};
use serde_json::{Value, json};
use support::{COURSE, SECRET, free_port, migrations, money, start_sandbox_for, token};
use uuid::Uuid;

struct Engine(Child);

impl Drop for Engine {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn answers(url: &str) -> bool {
    for _ in 0..400 {
        if reqwest::get(url).await.is_ok_and(|r| r.status() == 200) {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    false
}

#[tokio::test]
async fn the_binary_serves_http_and_grpc_relays_its_events_and_stops_on_sigterm() {
    let database = TestDatabase::create(&migrations()).await;
    let identity = edu_testing::identity::jwks_server().await;
    let namespace = Namespace::new();
    let (port, grpc_port, sandbox_port) = (free_port(), free_port(), free_port());
    let engine_url = format!("http://127.0.0.1:{port}");
    let mut engine = Engine(
        Command::new(env!("CARGO_BIN_EXE_payment-engine"))
            .env("EDU_ENVIRONMENT", "test")
            .env("EDU_LOG_LEVEL", "warn")
            .env("EDU_PORT", port.to_string())
            .env("EDU_GRPC_PORT", grpc_port.to_string())
            .env("EDU_DATABASE_URL", &database.url)
            .env("EDU_IDENTITY_SERVICE_URL", identity.url(""))
            .env("EDU_PROVIDER_WEBHOOK_SECRETS", SECRET)
            .env(
                "EDU_PROVIDER_URL",
                format!("http://127.0.0.1:{sandbox_port}"),
            )
            .env("EDU_NATS_URL", url(Backend::Nats))
            .env("EDU_EVENTS_STREAM", namespace.stream("EVENTS"))
            .env("EDU_EVENTS_SUBJECT_PREFIX", namespace.subject("events"))
            .env("EDU_OUTBOX_POLL_MS", "50")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .spawn()
            .expect("the engine binary starts"),
    );
    assert!(answers(&format!("{engine_url}/ready")).await, "/ready");
    let _sandbox = start_sandbox_for(
        sandbox_port,
        &format!("{engine_url}/provider/webhooks"),
        &[],
    )
    .await;
    let student = Uuid::new_v4();

    let made: Value = reqwest::Client::new()
        .post(format!("{engine_url}/payments"))
        .bearer_auth(token(student, &["student"]))
        .header("Idempotency-Key", "binary-1")
        .json(
            &json!({"course_id": COURSE, "amount": money("EUR", 4_900), "card_token": "tok_visa"}),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let payment = made["id"].as_str().unwrap().to_owned();

    let mut grpc = PaymentsServiceClient::connect(format!("http://127.0.0.1:{grpc_port}"))
        .await
        .unwrap();
    let mut status = 0;
    for _ in 0..200 {
        status = grpc
            .get_payment(GetPaymentRequest {
                payment_id: payment.clone(),
            })
            .await
            .unwrap()
            .into_inner()
            .payment
            .unwrap()
            .status;
        if status == PaymentStatus::Succeeded as i32 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!(status, PaymentStatus::Succeeded as i32);
    let jetstream =
        async_nats::jetstream::new(async_nats::connect(url(Backend::Nats)).await.unwrap());
    let mut published = None;
    for _ in 0..200 {
        if let Ok(stream) = jetstream.get_stream(namespace.stream("EVENTS")).await
            && let Ok(message) = stream.get_raw_message(1).await
        {
            published = Some(message);
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let message = published.expect("the relay in main published the success");
    let envelope: Value = serde_json::from_slice(&message.payload).unwrap();
    assert_eq!(envelope["type"], "payment.succeeded");
    assert_eq!(envelope["aggregate_id"], payment);
    let stopped = Command::new("kill")
        .args(["-TERM", &engine.0.id().to_string()])
        .status()
        .unwrap();
    assert!(stopped.success());
    let mut exit = None;
    for _ in 0..200 {
        if let Some(code) = engine.0.try_wait().unwrap() {
            exit = Some(code);
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert!(exit.is_some_and(|code| code.success()), "{exit:?}");
}
