//! payment-engine (issue 22, ADR 0022): takes payments for paid courses.
//!
//! The domain is pure and decides everything that matters about money: amounts in integer
//! minor units with their currency ([`domain::money`]), the payment's legal transitions
//! ([`domain::payment`]), the double-entry ledger whose balances are derived from movements
//! that each sum to zero ([`domain::ledger`]), the idempotency-key semantics of Stripe
//! ([`domain::idempotency`]), the provider's signed webhooks ([`domain::webhook`]), and the
//! decisions that combine them ([`domain::decisions`]): what a request or a webhook changes.
//! [`adapters::postgres`] applies each decision in one PostgreSQL transaction; [`http`] serves
//! them; [`app::relay`] moves the outbox's events to JetStream ([`adapters::jetstream`]) in
//! the platform's protobuf JSON ([`adapters::events`]).

pub mod adapters;
pub mod app;
pub mod domain;
pub mod grpc;
pub mod http;
pub mod pact;
pub mod sandbox;
pub mod settings;

use std::sync::Arc;
use std::time::Duration;

use edu_common::clock::{Clock, SystemClock};
use edu_jwt::{HttpJwks, KeyCache};

use crate::adapters::jetstream::JetStreamBus;
use crate::adapters::postgres::{PgPool, PostgresPaymentStore};
use crate::adapters::provider_http::HttpProvider;
use crate::app::charges::Charges;
use crate::app::expiry::Expiry;
use crate::app::payments::Payments;
use crate::app::ports::PaymentStore;
use crate::app::relay::OutboxRelay;
use crate::app::webhooks::Webhooks;
use crate::http::PaymentApi;
use crate::settings::PaymentSettings;

/// The service's parts: its HTTP API and the outbox relay (run it beside the server).
#[derive(Debug)]
pub struct PaymentEngine {
    pub router: axum::Router,
    pub relay: OutboxRelay,
    /// Fails the payments the provider never confirmed (run it beside the server).
    pub expiry: Expiry,
    /// Asks the provider again for charges it has not taken (run it beside the server).
    pub charges: Charges,
    /// The use cases, for the gRPC server.
    pub payments: Payments,
}

/// The whole service from its settings, on the real clock.
pub fn build(settings: &PaymentSettings) -> PaymentEngine {
    build_with_clock(settings, Arc::new(SystemClock))
}

/// The same on `clock` (tests move a fake one). Connects nothing yet: the database on first
/// use (`/ready` says when it answers), identity's keys on the first token, NATS on the first
/// event to relay.
pub fn build_with_clock(settings: &PaymentSettings, clock: Arc<dyn Clock>) -> PaymentEngine {
    let pool = PgPool::new(
        settings.database_url.expose(),
        settings.database_connections,
    );
    let postgres =
        Arc::new(PostgresPaymentStore::new(pool).with_commit_pause(settings.webhook_commit_pause));
    let store: Arc<dyn PaymentStore> = postgres.clone();
    let keys = KeyCache::new(
        Arc::new(HttpJwks::new(settings.jwks_url.clone())),
        settings.jwks_lifetime,
        Duration::from_secs(1),
    );
    let provider = Arc::new(HttpProvider::new(
        &settings.provider_url,
        settings.provider_timeout,
    ));
    let charges = Charges::new(
        store.clone(),
        provider.clone(),
        clock.clone(),
        settings.charge_retry_after,
        settings.charge_retry_interval,
    );
    let payments = Payments::new(store.clone(), clock.clone(), provider, charges.clone());
    let expiry = Expiry::new(
        store.clone(),
        clock.clone(),
        settings.payment_deadline,
        settings.expiry_interval,
    );
    let state = Arc::new(PaymentApi {
        payments: payments.clone(),
        webhooks: Webhooks::new(store, clock, settings.webhook_secrets.clone()),
        keys,
    });
    let bus = Arc::new(JetStreamBus::new(settings.bus.clone()));
    let written = postgres.outbox_written();
    PaymentEngine {
        router: http::router(&state),
        relay: OutboxRelay::new(postgres, bus, settings.relay).waking_on(written),
        expiry,
        charges,
        payments,
    }
}
