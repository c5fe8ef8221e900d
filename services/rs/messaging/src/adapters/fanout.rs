//! Live posts across instances over NATS core: the instance whose consumer made a post visible
//! publishes it on `<prefix>.<course id>` (`messaging.course.<id>`), and every instance
//! (itself too) hears `<prefix>.*` and hands it to its own connections ([`crate::app::fanout`]).
//! NATS core keeps nothing: a message missed while an instance reconnects is found by the
//! sweep ([`sweep`]), which compares the database's feed heads with what the hub heard.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::app::fanout::Hub;
use crate::app::ports::{LiveFeed, PublishFuture, SharedStore};
use crate::domain::posts::{Kind, Post, Status};

/// A visible post as it travels between instances.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
struct LivePost {
    id: String,
    course_id: String,
    kind: String,
    question_id: Option<String>,
    author_id: String,
    body: String,
    seq: i64,
    decision_version: u32,
    created_at_us: i64,
}

fn micros(time: SystemTime) -> i64 {
    time.duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_micros()).unwrap_or(i64::MAX))
}

pub fn encode(post: &Post) -> Option<Vec<u8>> {
    let live = LivePost {
        id: post.id.to_string(),
        course_id: post.course_id.to_string(),
        kind: post.kind.as_str().to_owned(),
        question_id: post.question_id.map(|q| q.to_string()),
        author_id: post.author_id.to_string(),
        body: post.body.clone(),
        seq: post.seq?,
        decision_version: post.decision_version,
        created_at_us: micros(post.created_at),
    };
    serde_json::to_vec(&live).ok()
}

pub fn decode(bytes: &[u8]) -> Option<Post> {
    let live: LivePost = serde_json::from_slice(bytes).ok()?;
    let question_id = match &live.question_id {
        Some(id) => Some(Uuid::parse_str(id).ok()?),
        None => None,
    };
    Some(Post {
        id: Uuid::parse_str(&live.id).ok()?,
        course_id: Uuid::parse_str(&live.course_id).ok()?,
        kind: Kind::parse(&live.kind)?,
        question_id,
        author_id: Uuid::parse_str(&live.author_id).ok()?,
        body: live.body,
        status: Status::Allowed,
        decision_version: live.decision_version,
        seq: Some(live.seq),
        created_at: SystemTime::UNIX_EPOCH
            + Duration::from_micros(u64::try_from(live.created_at_us).unwrap_or(0)),
    })
}

/// The subject of a course's live posts.
pub fn subject(prefix: &str, course: Uuid) -> String {
    format!("{prefix}.{course}")
}

#[derive(Debug, Clone)]
pub struct NatsLiveFeed {
    client: async_nats::Client,
    prefix: String,
}

impl NatsLiveFeed {
    pub fn new(client: async_nats::Client, prefix: &str) -> Self {
        Self {
            client,
            prefix: prefix.to_owned(),
        }
    }

    /// Hands every post heard on `<prefix>.*` to `hub`, until the task is dropped.
    pub async fn listen(&self, hub: Hub) {
        loop {
            match self.client.subscribe(format!("{}.*", self.prefix)).await {
                Ok(mut subscription) => {
                    while let Some(message) = subscription.next().await {
                        match decode(&message.payload) {
                            Some(post) => {
                                let handed = hub.post(Arc::new(post));
                                if handed.cut > 0 {
                                    tracing::info!(
                                        cut = handed.cut,
                                        "slow WebSocket clients cut off"
                                    );
                                }
                            }
                            None => {
                                tracing::warn!(subject = %message.subject, "an unreadable live post");
                            }
                        }
                    }
                }
                Err(error) => tracing::warn!(%error, "cannot subscribe to the live feed"),
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
}

impl LiveFeed for NatsLiveFeed {
    fn announce<'a>(&'a self, post: &'a Post) -> PublishFuture<'a> {
        Box::pin(async move {
            let body = encode(post).ok_or_else(|| "a post without a place".to_owned())?;
            self.client
                .publish(subject(&self.prefix, post.course_id), body.into())
                .await
                .map_err(|e| e.to_string())?;
            // Sent now rather than at the client's next flush: the latency the clients see.
            self.client.flush().await.map_err(|e| e.to_string())
        })
    }
}

/// Every `every`, the feed heads of the courses someone here follows, handed to the hub.
pub async fn sweep(hub: Hub, store: SharedStore, every: Duration) {
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        let courses = hub.courses();
        if courses.is_empty() {
            continue;
        }
        match store.heads(courses).await {
            Ok(heads) => {
                hub.sweep(&heads);
            }
            Err(error) => tracing::warn!(%error, "the feeds' sweep could not read the heads"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_live_post_crosses_instances_unchanged() {
        let mut post = Post::new(
            Uuid::from_u128(1),
            Uuid::from_u128(2),
            Some(Uuid::from_u128(3)),
            Uuid::from_u128(4),
            "Because.".into(),
            SystemTime::UNIX_EPOCH + Duration::from_micros(1_234_567),
        );
        post.status = Status::Allowed;
        post.decision_version = 2;
        post.seq = Some(8);
        assert_eq!(decode(&encode(&post).unwrap()), Some(post.clone()));
        post.seq = None;
        assert_eq!(encode(&post), None);
        assert_eq!(decode(b"{}"), None);
    }
}
