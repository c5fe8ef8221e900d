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
use edu_testing::{FakeClock, Migrations, TestApp, TestDatabase, spawn_app};
use payment_engine::domain::webhook::sign;
use payment_engine::settings::PaymentSettings;
use serde_json::{Value, json};
use uuid::Uuid;

pub(crate) const SECRET: &str = "whsec_test_2f6c";
pub(crate) const COURSE: &str = "9a1b2c3d-0000-4000-8000-00000000c0de";

pub(crate) fn migrations() -> Migrations {
    Migrations::new(
        "payments",
        &[include_str!(
            "../../../../../migrations/payments/sql/0001_payments.up.sql"
        )],
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
}

pub(crate) async fn service() -> Service {
    let database = TestDatabase::create(&migrations()).await;
    let identity = edu_testing::identity::jwks_server().await;
    let settings = PaymentSettings::read(&VariableSource::from_pairs([
        ("EDU_ENVIRONMENT", "test".to_owned()),
        ("EDU_DATABASE_URL", database.url.clone()),
        ("EDU_DATABASE_CONNECTIONS", "10".to_owned()),
        ("EDU_IDENTITY_SERVICE_URL", identity.url("")),
        (
            "EDU_PROVIDER_WEBHOOK_SECRETS",
            format!("whsec_new_9a1f,{SECRET}"),
        ),
    ]))
    .unwrap();
    let clock = FakeClock::at(SystemTime::now());
    let router = payment_engine::build_with_clock(&settings, Arc::new(clock.clone()));
    Service {
        app: spawn_app(router).await,
        identity,
        database,
        clock,
        http: reqwest::Client::new(),
    }
}

pub(crate) fn money(currency: &str, minor: i64) -> Value {
    json!({"currency_code": currency, "amount_minor": minor})
}

impl Service {
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

pub(crate) const STALE: Duration = Duration::from_mins(6);
