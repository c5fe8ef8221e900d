#![allow(
    dead_code,
    reason = "shared by several test binaries, each using a part of it"
)]
//! A real payment-engine over its own test database (cloned from a template built from
//! migrations/payments/sql, the files Alembic runs in the stacks), identity's JWKS served by a
//! fake with a test key, and a provider that signs its webhooks like the real one.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use edu_common::clock::Clock;
use edu_common::settings::VariableSource;
use edu_common::shutdown::Shutdown;
use edu_testing::backends::{Backend, url};
use edu_testing::{FakeClock, Migrations, Namespace, TestApp, TestDatabase, spawn_app};
use payment_engine::app::charges::Charges;
use payment_engine::app::expiry::Expiry;
use payment_engine::app::payments::Payments;
use payment_engine::app::relay::OutboxRelay;
use payment_engine::domain::webhook::sign;
use payment_engine::settings::PaymentSettings;
use serde_json::{Value, json};
use uuid::Uuid;

pub(crate) const SECRET: &str = "whsec_test_2f6c";
pub(crate) const COURSE: &str = "9a1b2c3d-0000-4000-8000-00000000c0de";

pub(crate) fn migrations() -> Migrations {
    Migrations::new(
        "payments",
        &[
            include_str!("../../../../../migrations/payments/sql/0001_payments.up.sql"),
            include_str!("../../../../../migrations/payments/sql/0002_charge_requests.up.sql"),
            include_str!("../../../../../migrations/payments/sql/0003_failure_reasons.up.sql"),
        ],
    )
}

/// An access token of identity for `user` with `roles`.
pub(crate) fn token(user: Uuid, roles: &[&str]) -> String {
    edu_testing::identity::access_token(&user.to_string(), roles, 600.0)
}

pub(crate) struct Service {
    pub(crate) app: TestApp,
    pub(crate) identity: TestApp,
    pub(crate) database: TestDatabase,
    pub(crate) clock: FakeClock,
    pub(crate) http: reqwest::Client,
    /// The engine's outbox relay (tests drive it with `relay_once` or `start_relay`).
    pub(crate) relay: OutboxRelay,
    /// The use cases (for the gRPC server).
    pub(crate) payments: Payments,
    /// The engine's second asking of charges the provider did not take.
    pub(crate) charges: Charges,
    /// The engine's deadline for payments the provider never confirms.
    pub(crate) expiry: Expiry,
    /// The test's own stream and subject prefix on the run's NATS.
    pub(crate) stream: String,
    pub(crate) subjects: String,
    pub(crate) jetstream: async_nats::jetstream::Context,
    running: Vec<(Shutdown, tokio::task::JoinHandle<()>)>,
}

pub(crate) async fn service() -> Service {
    service_with(&[]).await
}

/// The engine with `extra` settings over the defaults (e.g. `EDU_NATS_URL` of a proxy).
pub(crate) async fn service_with(extra: &[(&str, &str)]) -> Service {
    let database = TestDatabase::create(&migrations()).await;
    service_on(database, extra).await
}

/// An engine on `database`.
pub(crate) async fn service_on(database: TestDatabase, extra: &[(&str, &str)]) -> Service {
    let identity = edu_testing::identity::jwks_server().await;
    let namespace = Namespace::new();
    let stream = namespace.stream("EVENTS");
    let subjects = namespace.subject("events");
    let mut pairs: Vec<(String, String)> = vec![
        ("EDU_ENVIRONMENT".into(), "test".into()),
        ("EDU_DATABASE_URL".into(), database.url.clone()),
        ("EDU_DATABASE_CONNECTIONS".into(), "10".into()),
        ("EDU_IDENTITY_SERVICE_URL".into(), identity.url("")),
        (
            "EDU_PROVIDER_WEBHOOK_SECRETS".into(),
            format!("whsec_new_9a1f,{SECRET}"),
        ),
        ("EDU_NATS_URL".into(), url(Backend::Nats)),
        ("EDU_EVENTS_STREAM".into(), stream.clone()),
        ("EDU_EVENTS_SUBJECT_PREFIX".into(), subjects.clone()),
        ("EDU_EVENTS_ACK_TIMEOUT_MS".into(), "1000".into()),
        ("EDU_OUTBOX_POLL_MS".into(), "50".into()),
        ("EDU_OUTBOX_MAX_BACKOFF_MS".into(), "400".into()),
        ("EDU_CHARGE_RETRY_AFTER_MS".into(), "0".into()),
    ];
    for (name, value) in extra {
        pairs.retain(|(n, _)| n != name);
        pairs.push(((*name).to_owned(), (*value).to_owned()));
    }
    let settings = PaymentSettings::read(&VariableSource::from_pairs(pairs)).unwrap();
    let clock = FakeClock::at(SystemTime::now());
    let engine = payment_engine::build_with_clock(&settings, Arc::new(clock.clone()));
    let nats = async_nats::connect(url(Backend::Nats)).await.unwrap();
    Service {
        app: spawn_app(engine.router).await,
        identity,
        database,
        clock,
        http: reqwest::Client::new(),
        relay: engine.relay,
        expiry: engine.expiry,
        charges: engine.charges,
        payments: engine.payments,
        stream,
        subjects,
        jetstream: async_nats::jetstream::new(nats),
        running: Vec::new(),
    }
}

pub(crate) fn money(currency: &str, minor: i64) -> Value {
    json!({"currency_code": currency, "amount_minor": minor})
}

impl Service {
    /// Runs the relay in the background until the service is dropped.
    pub(crate) fn start_relay(&mut self) {
        let stop = Shutdown::new();
        let relay = self.relay.clone();
        let handle = tokio::spawn({
            let stop = stop.clone();
            async move { relay.run(stop).await }
        });
        self.running.push((stop, handle));
    }

    /// Serves the `PaymentsService` on a free port until the service is dropped; its URL.
    pub(crate) async fn start_grpc(&mut self) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let stop = Shutdown::new();
        let payments = self.payments.clone();
        let handle = tokio::spawn({
            let stop = stop.clone();
            async move {
                payment_engine::grpc::serve(listener, payments, stop.wait())
                    .await
                    .unwrap();
            }
        });
        self.running.push((stop, handle));
        format!("http://{address}")
    }

    /// Every message of the test's stream (none when it was never made).
    pub(crate) async fn messages(&self) -> Vec<async_nats::jetstream::message::StreamMessage> {
        let Ok(stream) = self.jetstream.get_stream(&self.stream).await else {
            return Vec::new();
        };
        let mut found = Vec::new();
        let mut sequence = 1;
        while let Ok(message) = stream.get_raw_message(sequence).await {
            found.push(message);
            sequence += 1;
        }
        found
    }

    /// Waits up to `within` for the stream to hold `count` messages; the messages then.
    pub(crate) async fn wait_for_messages(
        &self,
        count: usize,
        within: Duration,
    ) -> Vec<async_nats::jetstream::message::StreamMessage> {
        let until = tokio::time::Instant::now() + within;
        loop {
            let found = self.messages().await;
            if found.len() >= count || tokio::time::Instant::now() > until {
                return found;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    /// Makes a pending payment of `minor` EUR and has the provider confirm it; its id.
    pub(crate) async fn succeeded(&self, student: Uuid, minor: i64) -> Uuid {
        let payment = self.pending(student, minor).await;
        let confirm = event(
            &format!("evt_ok_{payment}"),
            "payment.succeeded",
            payment,
            &money("EUR", minor),
        );
        assert_eq!(self.deliver(&confirm).await.status(), 200);
        payment
    }

    pub(crate) async fn create(&self, student: Uuid, key: &str, body: &Value) -> reqwest::Response {
        self.http
            .post(self.app.url("/payments"))
            .bearer_auth(token(student, &["student"]))
            .header("Idempotency-Key", key)
            .json(body)
            .send()
            .await
            .unwrap()
    }

    /// A new pending payment of `student` for `minor` EUR; its id.
    pub(crate) async fn pending(&self, student: Uuid, minor: i64) -> Uuid {
        let body = json!({"course_id": COURSE, "amount": money("EUR", minor)});
        let response = self
            .create(student, &Uuid::new_v4().to_string(), &body)
            .await;
        assert_eq!(response.status(), 201);
        let made: Value = response.json().await.unwrap();
        made["id"].as_str().unwrap().parse().unwrap()
    }

    /// Delivers `body` signed with `secret` at `at`.
    pub(crate) async fn deliver_signed(
        &self,
        body: &Value,
        secret: &str,
        at: SystemTime,
    ) -> reqwest::Response {
        let bytes = serde_json::to_vec(body).unwrap();
        let signature = sign(secret.as_bytes(), at, &bytes);
        self.http
            .post(self.app.url("/provider/webhooks"))
            .header("Edu-Provider-Signature", signature)
            .header("Content-Type", "application/json")
            .body(bytes)
            .send()
            .await
            .unwrap()
    }

    /// Delivers `body` as the provider does: signed now with our secret.
    pub(crate) async fn deliver(&self, body: &Value) -> reqwest::Response {
        self.deliver_signed(body, SECRET, self.clock.now()).await
    }

    pub(crate) fn clock_now(&self) -> SystemTime {
        self.clock.now()
    }

    pub(crate) async fn count(&self, sql: &str) -> i64 {
        let client = self.database.client().await;
        client.query_one(sql, &[]).await.unwrap().get(0)
    }

    pub(crate) async fn status_of(&self, payment: Uuid) -> String {
        let client = self.database.client().await;
        client
            .query_one("SELECT status FROM payments WHERE id = $1", &[&payment])
            .await
            .unwrap()
            .get(0)
    }

    /// The sum of every ledger entry per currency: all zero when the books balance.
    pub(crate) async fn unbalanced_currencies(&self) -> i64 {
        self.count(
            "SELECT count(*) FROM (SELECT currency FROM ledger_entries GROUP BY currency \
             HAVING sum(amount_minor) <> 0) AS off",
        )
        .await
    }
}

/// A provider event about `payment`.
pub(crate) fn event(id: &str, kind: &str, payment: Uuid, amount: &Value) -> Value {
    json!({"id": id, "type": kind, "payment_id": payment.to_string(), "amount": amount})
}

impl Drop for Service {
    fn drop(&mut self) {
        for (stop, handle) in &self.running {
            stop.trigger();
            handle.abort();
        }
    }
}

pub(crate) const STALE: Duration = Duration::from_mins(6);

/// The real `payment-provider-sandbox` binary, stopped when dropped.
pub(crate) struct SandboxProcess {
    pub(crate) url: String,
    child: std::process::Child,
}

impl SandboxProcess {
    /// The sandbox's `/v1/stats`.
    pub(crate) async fn stats(&self) -> Value {
        reqwest::get(format!("{}/v1/stats", self.url))
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }
}

impl Drop for SandboxProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// An engine whose provider is the real sandbox binary over HTTP (its webhooks signed with
/// our secret to the engine's `/provider/webhooks`); `sandbox_env` configures its chaos.
pub(crate) async fn with_sandbox(
    engine_env: &[(&str, &str)],
    sandbox_env: &[(&str, &str)],
) -> (Service, SandboxProcess) {
    let port = free_port();
    let sandbox_url = format!("http://127.0.0.1:{port}");
    let mut engine_pairs = vec![("EDU_PROVIDER_URL", sandbox_url.as_str())];
    engine_pairs.extend_from_slice(engine_env);
    let service = service_with(&engine_pairs).await;
    let sandbox = start_sandbox(port, &service, sandbox_env).await;
    (service, sandbox)
}

/// A free port for a sandbox started later.
pub(crate) fn sandbox_port() -> u16 {
    free_port()
}

/// The sandbox binary on `port`, sending its webhooks to `service`.
pub(crate) async fn start_sandbox(
    port: u16,
    service: &Service,
    sandbox_env: &[(&str, &str)],
) -> SandboxProcess {
    start_sandbox_for(port, &service.app.url("/provider/webhooks"), sandbox_env).await
}

/// The sandbox binary on `port`, sending its webhooks to `webhook_url`.
pub(crate) async fn start_sandbox_for(
    port: u16,
    webhook_url: &str,
    sandbox_env: &[(&str, &str)],
) -> SandboxProcess {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_payment-provider-sandbox"));
    command
        .env("EDU_ENVIRONMENT", "test")
        .env("EDU_PORT", port.to_string())
        .env("EDU_SANDBOX_WEBHOOK_URL", webhook_url)
        .env("EDU_SANDBOX_WEBHOOK_SECRET", SECRET)
        .env("EDU_SANDBOX_DELAY_MS", "30")
        .env("EDU_SANDBOX_RETRY_MS", "50")
        .env("EDU_LOG_LEVEL", "warn")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null());
    for (name, value) in sandbox_env {
        command.env(name, value);
    }
    let child = command.spawn().expect("the sandbox binary starts");
    let sandbox = SandboxProcess {
        url: format!("http://127.0.0.1:{port}"),
        child,
    };
    for _ in 0..200 {
        if let Ok(response) = reqwest::get(format!("{}/health", sandbox.url)).await
            && response.status() == 200
        {
            return sandbox;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("the sandbox did not answer /health within 5 s");
}

impl Service {
    /// `POST /payments` paying with `card`.
    pub(crate) async fn pay(
        &self,
        student: Uuid,
        key: &str,
        minor: i64,
        card: &str,
    ) -> reqwest::Response {
        let body = json!({"course_id": COURSE, "amount": money("EUR", minor), "card_token": card});
        self.create(student, key, &body).await
    }

    /// Waits up to 10 s for `payment` to reach `status`.
    pub(crate) async fn wait_for_status(&self, payment: Uuid, status: &str) -> String {
        let mut seen = String::new();
        for _ in 0..400 {
            seen = self.status_of(payment).await;
            if seen == status {
                break;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        seen
    }
}
