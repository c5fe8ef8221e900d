//! messaging (issue 24): course Q&A in real time.
//!
//! The enrolled students of a course and its teacher ask and answer ([`app::qa`]); a post is
//! stored pending in messaging's PostgreSQL with its `qa.question_posted` / `qa.answer_posted`
//! in the same transaction (the outbox, relayed to JetStream by [`app::relay`]). Moderation
//! answers with `moderation.decided`; the consumer ([`adapters::jetstream::EventFeed`] feeding
//! [`app::events`]) applies it ([`domain::moderation`]) and a post allowed for the first time
//! takes the next place in its course's feed and is announced on NATS core
//! ([`adapters::fanout`]), which every instance hears and hands to its WebSocket connections
//! ([`app::fanout`], [`http::ws`]). Each connection delivers in feed order with acks, resume,
//! gap filling and a bounded buffer ([`domain::session`]).

pub mod adapters;
pub mod app;
pub mod domain;
pub mod http;
pub mod settings;
#[cfg(test)]
pub mod testing;

use std::sync::Arc;
use std::time::Duration;

use edu_common::clock::{Clock, SystemClock};
use edu_common::health::{Check, CheckFuture, FnCheck};
use edu_common::shutdown::Shutdown;
use edu_jwt::{HttpJwks, KeyCache};

use crate::adapters::fanout::NatsLiveFeed;
use crate::adapters::jetstream::{EventFeed, JetStreamBus};
use crate::adapters::postgres::{PgPool, PostgresStore};
use crate::app::events::EventHandler;
use crate::app::fanout::Hub;
use crate::app::ports::Store;
use crate::app::qa::Qa;
use crate::app::relay::OutboxRelay;
use crate::http::MessagingApi;
use crate::settings::MessagingSettings;

/// The running service: its router, and the tasks beside it (stopped when this is dropped).
#[derive(Debug)]
pub struct Started {
    pub router: axum::Router,
    /// The relay, for tests that drive it.
    pub relay: OutboxRelay,
    pub hub: Hub,
    /// Triggered: the relay stops and every WebSocket closes with 1001.
    pub stopping: Shutdown,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Started {
    /// Stops the tasks and closes the WebSocket connections; waits a little for the relay's batch.
    pub async fn stop(mut self) {
        self.stopping.trigger();
        for task in self.tasks.drain(..) {
            task.abort();
            let _ = tokio::time::timeout(Duration::from_secs(2), task).await;
        }
    }
}

impl Drop for Started {
    fn drop(&mut self) {
        self.stopping.trigger();
        for task in &self.tasks {
            task.abort();
        }
    }
}

/// The whole service on the real clock: store, NATS (connected in the background), the relay,
/// the consumer, the live feed's listener and sweep, the router.
pub async fn start(settings: &MessagingSettings) -> Result<Started, String> {
    start_with_clock(settings, Arc::new(SystemClock)).await
}

pub async fn start_with_clock(
    settings: &MessagingSettings,
    clock: Arc<dyn Clock>,
) -> Result<Started, String> {
    let pool = PgPool::new(
        settings.database_url.expose(),
        settings.database_connections,
    );
    let postgres = Arc::new(PostgresStore::new(pool));
    let store: Arc<dyn Store> = postgres.clone();
    let keys = KeyCache::new(
        Arc::new(HttpJwks::new(settings.jwks_url.clone())),
        settings.jwks_lifetime,
        Duration::from_secs(1),
    );
    let client = adapters::jetstream::connect(&settings.nats_url, "messaging").await?;
    let live = Arc::new(NatsLiveFeed::new(client.clone(), &settings.live_prefix));
    let hub = Hub::new(settings.socket.limits.buffer);
    let feed = Arc::new(EventFeed::new(client.clone(), settings.feed.clone()));
    let handler = EventHandler::new(store.clone(), live.clone(), clock.clone());
    let written = postgres.outbox_written();
    let relay = OutboxRelay::new(
        postgres,
        Arc::new(JetStreamBus::new(client, settings.bus.clone())),
        settings.relay,
    )
    .waking_on(written);
    let stopping = Shutdown::new();
    let tasks = vec![
        tokio::spawn({
            let feed = feed.clone();
            async move { feed.run(&handler).await }
        }),
        tokio::spawn({
            let (live, hub) = (live.clone(), hub.clone());
            async move { live.listen(hub).await }
        }),
        tokio::spawn(adapters::fanout::sweep(
            hub.clone(),
            store.clone(),
            settings.sweep_every,
        )),
        tokio::spawn({
            let (relay, stop) = (relay.clone(), stopping.clone());
            async move { relay.run(stop).await }
        }),
    ];
    let database = store.clone();
    let checks: Vec<Box<dyn Check>> = vec![
        Box::new(FnCheck::new("database", move || -> CheckFuture {
            let store = database.clone();
            Box::pin(async move { store.ready().await.map_err(|e| e.to_string()) })
        })),
        Box::new(FnCheck::new("nats", move || -> CheckFuture {
            let feed = feed.clone();
            Box::pin(async move { feed.ready() })
        })),
    ];
    let api = Arc::new(MessagingApi {
        qa: Qa::new(store, clock),
        keys,
        hub: hub.clone(),
        socket: settings.socket,
        stopping: stopping.clone(),
    });
    Ok(Started {
        router: http::router(api, checks),
        relay,
        hub,
        stopping,
        tasks,
    })
}
