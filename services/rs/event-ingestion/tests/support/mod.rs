#![allow(
    dead_code,
    reason = "shared by several test binaries, each using a part of it"
)]
//! A real event-ingestion over the run's real NATS (a stream and subjects of the test's own
//! namespace), identity's JWKS served by a fake with a test key, and a TCP proxy in front of
//! NATS that a test can cut (NATS down) and restore.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use edu_common::settings::VariableSource;
use edu_testing::backends::{Backend, url};
use edu_testing::{Namespace, TestApp, spawn_app};
use event_ingestion::settings::IngestionSettings;
use serde_json::{Value, json};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::AbortHandle;

pub(crate) const USER: &str = "0b6c5e2a-0000-4000-8000-000000000001";
pub(crate) const OTHER_USER: &str = "0b6c5e2a-0000-4000-8000-000000000002";
pub(crate) const COURSE: &str = "9a1b2c3d-0000-4000-8000-00000000c0de";
pub(crate) const LESSON: &str = "9a1b2c3d-0000-4000-8000-0000000001e5";

pub(crate) fn token_for(user: &str) -> String {
    edu_testing::identity::access_token(user, &["student"], 600.0)
}

/// A heartbeat of `user` happening now, in the JSON mapping.
pub(crate) fn heartbeat(user: &str) -> Value {
    let occurred = prost_types::Timestamp::from(SystemTime::now()).to_string();
    json!({"id": uuid::Uuid::new_v4().to_string(), "type": "lesson.heartbeat",
        "user_id": user, "occurred_at": occurred, "course_id": COURSE,
        "session_id": "5e55e55e-0000-4000-8000-000000000005",
        "lesson_heartbeat": {"lesson_id": LESSON, "position_seconds": 42,
            "duration_seconds": 600, "active_seconds": 5}})
}

/// A TCP proxy to the run's NATS that a test can cut (every connection closed, new ones
/// dropped) and restore.
pub(crate) struct NatsProxy {
    pub(crate) url: String,
    down: Arc<AtomicBool>,
    connections: Arc<Mutex<Vec<AbortHandle>>>,
    accepting: AbortHandle,
}

impl NatsProxy {
    pub(crate) async fn start() -> Self {
        let upstream = edu_testing::backends::host_port(&url(Backend::Nats)).unwrap();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let down = Arc::new(AtomicBool::new(false));
        let connections: Arc<Mutex<Vec<AbortHandle>>> = Arc::default();
        let (flag, kept) = (down.clone(), connections.clone());
        let accepting = tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                if flag.load(Ordering::SeqCst) {
                    continue;
                }
                let upstream = upstream.clone();
                let task = tokio::spawn(async move {
                    if let Ok(mut server) = TcpStream::connect(upstream).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                    }
                });
                kept.lock().unwrap().push(task.abort_handle());
            }
        })
        .abort_handle();
        Self {
            url: format!("nats://{address}"),
            down,
            connections,
            accepting,
        }
    }

    pub(crate) fn cut(&self) {
        self.down.store(true, Ordering::SeqCst);
        for connection in self.connections.lock().unwrap().drain(..) {
            connection.abort();
        }
    }

    pub(crate) fn restore(&self) {
        self.down.store(false, Ordering::SeqCst);
    }
}

impl Drop for NatsProxy {
    fn drop(&mut self) {
        self.cut();
        self.accepting.abort();
    }
}

pub(crate) struct Service {
    pub(crate) app: TestApp,
    pub(crate) identity: TestApp,
    pub(crate) stream: String,
    pub(crate) subjects: String,
    pub(crate) jetstream: async_nats::jetstream::Context,
}

impl Service {
    pub(crate) fn url(&self) -> String {
        self.app.url("/v1/events")
    }

    /// How many messages the test's stream holds (none when it was never made).
    pub(crate) async fn stored(&self) -> u64 {
        match self.jetstream.get_stream(&self.stream).await {
            Ok(mut stream) => stream.info().await.unwrap().state.messages,
            Err(_) => 0,
        }
    }

    /// Every message of the stream: subject and payload.
    pub(crate) async fn messages(&self) -> Vec<async_nats::jetstream::message::StreamMessage> {
        let stream = self.jetstream.get_stream(&self.stream).await.unwrap();
        let mut found = Vec::new();
        let mut sequence = 1;
        while let Ok(message) = stream.get_raw_message(sequence).await {
            found.push(message);
            sequence += 1;
        }
        found
    }
}

/// event-ingestion over NATS at `nats_url` (the run's, or a proxy's); `extra` overrides.
pub(crate) async fn service(nats_url: Option<&str>, extra: &[(&str, &str)]) -> Service {
    let identity = edu_testing::identity::jwks_server().await;
    let namespace = Namespace::new();
    let stream = namespace.stream("LEARNING");
    let subjects = namespace.subject("learning");
    let nats = nats_url.map_or_else(|| url(Backend::Nats), str::to_owned);
    let mut pairs: Vec<(String, String)> = vec![
        ("EDU_ENVIRONMENT".into(), "test".into()),
        ("EDU_NATS_URL".into(), nats),
        ("EDU_IDENTITY_SERVICE_URL".into(), identity.url("")),
        ("EDU_EVENTS_STREAM".into(), stream.clone()),
        ("EDU_EVENTS_SUBJECT_PREFIX".into(), subjects.clone()),
    ];
    for (name, value) in extra {
        pairs.retain(|(n, _)| n != name);
        pairs.push(((*name).to_owned(), (*value).to_owned()));
    }
    let settings = IngestionSettings::read(&VariableSource::from_pairs(pairs)).unwrap();
    let router = event_ingestion::build(settings).await.unwrap();
    let client = async_nats::connect(url(Backend::Nats)).await.unwrap();
    Service {
        app: spawn_app(router).await,
        identity,
        stream,
        subjects,
        jetstream: async_nats::jetstream::new(client),
    }
}
