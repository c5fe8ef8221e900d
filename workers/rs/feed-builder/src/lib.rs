//! eduplatform's feed-builder (issue 23): each student's home feed in Redis.
//!
//! Enrolment, progress and course events off JetStream ([`adapters::jetstream`]) are recorded
//! in Redis by atomic, idempotent Lua scripts ([`adapters::redis_store`]); the feed of every
//! student an event was about is rebuilt from what is recorded ([`app::building`]): "continue
//! learning" ([`domain::feed`]) and "recommended next" from co-enrolment counts, each item with
//! its reason ([`domain::recommend`]). Feeds of other students touched by a change (new
//! co-enrolments, a course unpublished or renamed) are rebuilt by a periodic refresh of the
//! courses marked. web reads each feed as one JSON document ([`adapters::feed_document`]).

pub mod adapters;
pub mod app;
pub mod domain;
pub mod settings;
#[cfg(test)]
pub mod testing;

use std::sync::Arc;

use edu_common::clock::SystemClock;

use crate::adapters::jetstream::EventFeed;
use crate::adapters::redis_store::RedisStore;
use crate::app::building::FeedBuilder;
use crate::settings::FeedBuilderSettings;

/// The running worker: the event feed (for its readiness and counters) and the task that
/// drives it (aborted on drop).
#[derive(Debug)]
pub struct Started {
    pub feed: Arc<EventFeed>,
    pub store: RedisStore,
    pub task: tokio::task::JoinHandle<()>,
}

impl Drop for Started {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The whole worker from its settings: Redis store, builder, event feed.
pub async fn start(settings: FeedBuilderSettings) -> Result<Started, String> {
    let store = RedisStore::connect(
        &settings.redis_url,
        &settings.key_prefix,
        settings.redis_timeout,
        Arc::new(SystemClock),
    )
    .await?;
    let builder = FeedBuilder::new(Arc::new(store.clone()), settings.limits);
    let feed = Arc::new(EventFeed::connect(settings.feed.clone(), store.clone()).await?);
    let running = feed.clone();
    let task = tokio::spawn(async move { running.run(&builder).await });
    Ok(Started { feed, store, task })
}
