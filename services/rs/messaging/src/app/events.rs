//! What messaging does with the events it consumes: enrolments and teachers are remembered
//! (who may take part), decisions are applied to posts, and a post a decision made visible is
//! announced on the live feed once its transaction committed. Each is idempotent (enrolments
//! by id, teachers and decisions by version), so a redelivered event changes nothing.

use std::sync::Arc;

use edu_common::clock::Clock;

use crate::adapters::events::Incoming;
use crate::app::ports::{LiveFeed, SharedStore, StoreError};
use crate::domain::posts::Post;

#[derive(Debug, Clone)]
pub struct EventHandler {
    store: SharedStore,
    live: Arc<dyn LiveFeed>,
    clock: Arc<dyn Clock>,
}

impl EventHandler {
    pub fn new(store: SharedStore, live: Arc<dyn LiveFeed>, clock: Arc<dyn Clock>) -> Self {
        Self { store, live, clock }
    }

    /// Applies one event; the post it made visible, if any. An error leaves nothing changed
    /// (hand the event back to be delivered again).
    pub async fn handle(&self, event: Incoming) -> Result<Option<Post>, StoreError> {
        match event {
            Incoming::Enrolled {
                enrollment_id,
                course_id,
                student_id,
            } => {
                self.store
                    .record_enrolment(enrollment_id, course_id, student_id)
                    .await?;
                Ok(None)
            }
            Incoming::Teacher {
                course_id,
                teacher_id,
                version,
            } => {
                self.store
                    .record_teacher(course_id, teacher_id, version)
                    .await?;
                Ok(None)
            }
            Incoming::Decided(decision) => {
                let visible = self
                    .store
                    .apply_decision(decision, self.clock.now())
                    .await?;
                if let Some(post) = &visible {
                    // Committed already: a lost announcement is found by the feeds' sweep.
                    if let Err(error) = self.live.announce(post).await {
                        tracing::warn!(%error, post = %post.id, "a visible post was not announced live");
                    }
                }
                Ok(visible)
            }
            Incoming::Other => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use edu_common::clock::SystemClock;
    use uuid::Uuid;

    use super::*;
    use crate::app::ports::{Page, Store};
    use crate::app::qa::Qa;
    use crate::domain::moderation::{Decision, Outcome};
    use crate::testing::{MemoryStore, RecordingFeed};

    const COURSE: Uuid = Uuid::from_u128(0xC0);
    const STUDENT: Uuid = Uuid::from_u128(0x51);

    fn decided(post: &Post, outcome: Outcome, version: u32) -> Incoming {
        Incoming::Decided(Decision {
            post_id: post.id,
            course_id: COURSE,
            outcome,
            version,
        })
    }

    #[tokio::test]
    async fn an_allowed_post_is_announced_once_and_a_redelivery_announces_nothing() {
        let store = Arc::new(MemoryStore::default());
        let feed = Arc::new(RecordingFeed::default());
        let handler = EventHandler::new(store.clone(), feed.clone(), Arc::new(SystemClock));
        let enrolled = Incoming::Enrolled {
            enrollment_id: Uuid::from_u128(1),
            course_id: COURSE,
            student_id: STUDENT,
        };
        handler.handle(enrolled.clone()).await.unwrap();
        handler.handle(enrolled).await.unwrap();
        let qa = Qa::new(store.clone(), Arc::new(SystemClock));
        let question = qa.ask(STUDENT, COURSE, "Why?").await.unwrap();
        let held = qa.ask(STUDENT, COURSE, "Hmm?").await.unwrap();

        handler
            .handle(decided(&held, Outcome::Hold, 1))
            .await
            .unwrap();
        let first = handler
            .handle(decided(&question, Outcome::Allow, 1))
            .await
            .unwrap();
        let again = handler
            .handle(decided(&question, Outcome::Allow, 1))
            .await
            .unwrap();

        assert_eq!(first.unwrap().seq, Some(1));
        assert_eq!(again, None);
        let announced = feed.announced.lock().unwrap().clone();
        assert_eq!(announced.len(), 1);
        assert_eq!(announced[0].id, question.id);
        let visible = store.feed(COURSE, Page::After(0), 10).await.unwrap();
        assert_eq!(visible.len(), 1);
    }
}
