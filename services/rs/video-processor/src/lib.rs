//! video-processor (issue 25): lesson videos from a teacher's upload to a student's player.
//!
//! [`domain`] decides (pure): what an upload may be and what a chunk, a completion or a
//! transcoder's result changes ([`domain::video`]), playback URLs' HMAC signatures
//! ([`domain::signing`]), `Range` headers ([`domain::range`]). [`app`] runs the use cases over
//! ports: the videos' store ([`adapters::postgres`]), the object store
//! (`edu_video::store::FsObjectStore` under `EDU_VIDEO_STORE_DIR`, or
//! `edu_video::s3::S3ObjectStore` when `EDU_VIDEO_S3_URL` is set), who may upload and watch
//! ([`adapters::access_http`]: course and enrollment). [`app::relay`] moves `video.uploaded`
//! from the outbox to JetStream; [`adapters::jetstream`] also consumes the transcoder's results.

pub mod adapters;
pub mod app;
pub mod domain;
pub mod http;
pub mod pact;
pub mod settings;
#[cfg(test)]
pub mod testing;

use std::sync::Arc;
use std::time::Duration;

use edu_common::clock::{Clock, SystemClock};
use edu_common::health::{Check, CheckFuture, FnCheck};
use edu_jwt::{HttpJwks, KeyCache};
use edu_video::store::ObjectStore;

use crate::adapters::access_http::HttpAccess;
use crate::adapters::jetstream::{JetStreamBus, ResultConsumer};
use crate::adapters::postgres::{PgPool, PostgresVideoRepository};
use crate::app::ports::{Access, VideoRepository};
use crate::app::relay::OutboxRelay;
use crate::app::results::Results;
use crate::app::videos::Videos;
use crate::http::VideoApi;
use crate::settings::VideoSettings;

/// The service's parts: its HTTP API, and the relay and the result consumer to run beside it.
#[derive(Debug)]
pub struct VideoProcessor {
    pub router: axum::Router,
    pub relay: OutboxRelay,
    pub consumer: Arc<ResultConsumer>,
    pub results: Results,
    pub videos: Videos,
}

/// The whole service from its settings, on the real clock.
pub fn build(settings: &VideoSettings) -> VideoProcessor {
    build_with(settings, Arc::new(SystemClock), None)
}

/// The same on `clock`, with `access` instead of course and enrollment over HTTP when given.
/// Connects nothing yet.
pub fn build_with(
    settings: &VideoSettings,
    clock: Arc<dyn Clock>,
    access: Option<Arc<dyn Access>>,
) -> VideoProcessor {
    let pool = PgPool::new(
        settings.database_url.expose(),
        settings.database_connections,
    );
    let postgres = Arc::new(PostgresVideoRepository::new(pool));
    let repo: Arc<dyn VideoRepository> = postgres.clone();
    let store: Arc<dyn ObjectStore> =
        edu_video::store::open(&settings.store).expect("EDU_VIDEO_S3_* checked by the settings");
    let access = access.unwrap_or_else(|| {
        Arc::new(HttpAccess::new(
            &settings.course_url,
            &settings.enrollment_url,
            settings.access_timeout,
        ))
    });
    let videos = Videos::new(
        repo.clone(),
        store,
        access,
        clock.clone(),
        settings.limits,
        settings.url_secret.expose().as_bytes(),
        settings.url_lifetime,
    );
    let keys = KeyCache::new(
        Arc::new(HttpJwks::new(settings.jwks_url.clone())),
        settings.jwks_lifetime,
        Duration::from_secs(1),
    );
    let consumer = Arc::new(ResultConsumer::new(settings.results.clone()));
    let checks: Vec<Box<dyn Check>> = vec![
        Box::new(FnCheck::new("database", {
            let videos = videos.clone();
            move || -> CheckFuture {
                let videos = videos.clone();
                Box::pin(async move { videos.ready().await })
            }
        })),
        Box::new(FnCheck::new("nats", {
            let consumer = consumer.clone();
            move || -> CheckFuture {
                let ready = consumer.ready();
                Box::pin(async move { ready })
            }
        })),
    ];
    let state = Arc::new(VideoApi {
        videos: videos.clone(),
        keys,
    });
    let bus = Arc::new(JetStreamBus::new(settings.bus.clone()));
    let written = postgres.outbox_written();
    VideoProcessor {
        router: http::router(&state, checks),
        relay: OutboxRelay::new(postgres, bus, settings.relay).waking_on(written),
        consumer,
        results: Results::new(repo, clock),
        videos,
    }
}
