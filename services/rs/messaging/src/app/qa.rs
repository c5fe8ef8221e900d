//! Asking, answering and reading a course's Q&A.

use std::sync::Arc;

use edu_common::clock::Clock;
use uuid::Uuid;

use crate::adapters::events;
use crate::app::ports::{Page, SharedStore, StoreError};
use crate::domain::access::{Role, role_of};
use crate::domain::posts::{self, BodyError, Kind, Post, Shown};

/// How many of the caller's own unpublished posts a history page carries at most.
pub const OWN_UNPUBLISHED: u32 = 50;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QaError {
    /// Neither enrolled in the course nor its teacher.
    #[error("only the course's enrolled students and its teacher take part in its Q&A")]
    NotMember,
    /// No such question in this course that the caller may see.
    #[error("there is no question {0} in this course")]
    NoQuestion(Uuid),
    #[error("{0}")]
    Body(#[from] BodyError),
    #[error("{0}")]
    Store(#[from] StoreError),
}

/// A page of a course's Q&A as one user sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct History {
    /// Visible posts, ascending by place.
    pub posts: Vec<Post>,
    /// Whether more visible posts lie beyond this page in the direction asked.
    pub more: bool,
    /// The caller's own posts others do not see yet (or never will), oldest first.
    pub unpublished: Vec<(Post, Shown)>,
}

#[derive(Debug, Clone)]
pub struct Qa {
    store: SharedStore,
    clock: Arc<dyn Clock>,
}

impl Qa {
    pub fn new(store: SharedStore, clock: Arc<dyn Clock>) -> Self {
        Self { store, clock }
    }

    /// The caller's role in the course, or [`QaError::NotMember`].
    pub async fn role(&self, user: Uuid, course: Uuid) -> Result<Role, QaError> {
        let membership = self.store.membership(course, user).await?;
        role_of(user, membership).ok_or(QaError::NotMember)
    }

    /// Asks a question: stored pending, announced as `qa.question_posted`.
    pub async fn ask(&self, user: Uuid, course: Uuid, text: &str) -> Result<Post, QaError> {
        self.role(user, course).await?;
        self.post(user, course, None, text).await
    }

    /// Answers a question the caller can see: stored pending, announced as `qa.answer_posted`.
    pub async fn answer(
        &self,
        user: Uuid,
        course: Uuid,
        question: Uuid,
        text: &str,
    ) -> Result<Post, QaError> {
        self.role(user, course).await?;
        let found = self.store.post(course, question).await?;
        match found {
            Some(q) if q.kind == Kind::Question && q.shown_to(user).is_some() => {}
            _ => return Err(QaError::NoQuestion(question)),
        }
        self.post(user, course, Some(question), text).await
    }

    async fn post(
        &self,
        user: Uuid,
        course: Uuid,
        question: Option<Uuid>,
        text: &str,
    ) -> Result<Post, QaError> {
        let body = posts::body(text)?;
        let now = self.clock.now();
        let post = Post::new(Uuid::new_v4(), course, question, user, body, now);
        let event = events::outbox_record(Uuid::new_v4(), &post);
        self.store.insert_post(post.clone(), event).await?;
        Ok(post)
    }

    /// A page of the course's feed for the caller, with their own unpublished posts.
    pub async fn history(
        &self,
        user: Uuid,
        course: Uuid,
        page: Page,
        limit: u32,
    ) -> Result<History, QaError> {
        self.role(user, course).await?;
        // One more than asked tells whether there is more.
        let mut posts = self.store.feed(course, page, limit + 1).await?;
        let more = posts.len() > limit as usize;
        if more {
            match page {
                Page::After(_) => {
                    posts.truncate(limit as usize);
                }
                Page::Before(_) => {
                    posts.remove(0);
                }
            }
        }
        let unpublished = self
            .store
            .unpublished_of(course, user, OWN_UNPUBLISHED)
            .await?
            .into_iter()
            .filter_map(|post| post.shown_to(user).map(|shown| (post, shown)))
            .filter(|(_, shown)| *shown != Shown::Visible)
            .collect();
        Ok(History {
            posts,
            more,
            unpublished,
        })
    }

    /// Visible posts after `after` (the WebSocket's reads), for a caller already checked.
    pub async fn feed_after(
        &self,
        course: Uuid,
        after: i64,
        limit: u32,
    ) -> Result<Vec<Post>, StoreError> {
        self.store.feed(course, Page::After(after), limit).await
    }
}

#[cfg(test)]
mod tests {
    use std::time::SystemTime;

    use edu_common::clock::SystemClock;

    use super::*;
    use crate::app::ports::Store;
    use crate::domain::moderation::{Decision, Outcome};
    use crate::domain::posts::Status;
    use crate::testing::MemoryStore;

    const COURSE: Uuid = Uuid::from_u128(0xC0);
    const TEACHER: Uuid = Uuid::from_u128(0x7E);
    const STUDENT: Uuid = Uuid::from_u128(0x51);
    const CLASSMATE: Uuid = Uuid::from_u128(0x52);
    const STRANGER: Uuid = Uuid::from_u128(0x99);

    async fn qa() -> (Qa, Arc<MemoryStore>) {
        let store = Arc::new(MemoryStore::default());
        store.record_teacher(COURSE, TEACHER, 1).await.unwrap();
        store
            .record_enrolment(Uuid::from_u128(1), COURSE, STUDENT)
            .await
            .unwrap();
        store
            .record_enrolment(Uuid::from_u128(2), COURSE, CLASSMATE)
            .await
            .unwrap();
        (Qa::new(store.clone(), Arc::new(SystemClock)), store)
    }

    async fn decide(store: &MemoryStore, post: &Post, outcome: Outcome, version: u32) {
        let decision = Decision {
            post_id: post.id,
            course_id: COURSE,
            outcome,
            version,
        };
        store
            .apply_decision(decision, SystemTime::now())
            .await
            .unwrap();
    }

    #[tokio::test]
    async fn an_enrolled_student_and_the_teacher_may_post_and_nobody_else() {
        let (qa, store) = qa().await;
        assert!(qa.ask(STUDENT, COURSE, "Why?").await.is_ok());
        assert!(qa.ask(TEACHER, COURSE, "Any questions?").await.is_ok());
        assert_eq!(
            qa.ask(STRANGER, COURSE, "Hi").await.unwrap_err(),
            QaError::NotMember
        );
        assert_eq!(
            qa.ask(STUDENT, Uuid::from_u128(0xC1), "Hi").await,
            Err(QaError::NotMember)
        );
        assert_eq!(store.outbox().len(), 2);
    }

    #[tokio::test]
    async fn a_post_is_stored_pending_with_its_event_in_the_outbox() {
        let (qa, store) = qa().await;
        let question = qa.ask(STUDENT, COURSE, "  Why?  ").await.unwrap();
        assert_eq!(question.status, Status::Pending);
        assert_eq!(question.body, "Why?");
        let outbox = store.outbox();
        assert_eq!(outbox[0].kind, "qa.question_posted");
        assert_eq!(outbox[0].aggregate_id, question.id.to_string());
        assert_eq!(outbox[0].payload["body"], "Why?");
    }

    #[tokio::test]
    async fn others_see_a_post_only_after_moderation_allowed_it() {
        let (qa, store) = qa().await;
        let question = qa.ask(STUDENT, COURSE, "Why?").await.unwrap();
        let seen = |h: &History| h.posts.iter().map(|p| p.id).collect::<Vec<_>>();
        let before = qa
            .history(CLASSMATE, COURSE, Page::After(0), 10)
            .await
            .unwrap();
        assert!(seen(&before).is_empty());
        assert!(before.unpublished.is_empty());
        decide(&store, &question, Outcome::Allow, 1).await;
        let after = qa
            .history(CLASSMATE, COURSE, Page::After(0), 10)
            .await
            .unwrap();
        assert_eq!(seen(&after), [question.id]);
        assert_eq!(after.posts[0].seq, Some(1));
    }

    #[tokio::test]
    async fn the_author_sees_their_own_post_pending_and_held_and_rejected() {
        let (qa, store) = qa().await;
        let held = qa.ask(STUDENT, COURSE, "Why so stupid?").await.unwrap();
        let rejected = qa.ask(STUDENT, COURSE, "spam spam").await.unwrap();
        let pending = qa.ask(STUDENT, COURSE, "When?").await.unwrap();
        decide(&store, &held, Outcome::Hold, 1).await;
        decide(&store, &rejected, Outcome::Reject, 1).await;
        let own = qa
            .history(STUDENT, COURSE, Page::After(0), 10)
            .await
            .unwrap();
        let shown: Vec<_> = own.unpublished.iter().map(|(p, s)| (p.id, *s)).collect();
        assert!(own.posts.is_empty());
        assert_eq!(
            shown,
            [
                (held.id, Shown::Pending),
                (rejected.id, Shown::Rejected),
                (pending.id, Shown::Pending)
            ]
        );
        let teacher = qa
            .history(TEACHER, COURSE, Page::After(0), 10)
            .await
            .unwrap();
        assert!(teacher.posts.is_empty() && teacher.unpublished.is_empty());
    }

    #[tokio::test]
    async fn a_held_post_is_shown_to_others_after_a_later_allow_and_a_rejected_one_never() {
        let (qa, store) = qa().await;
        let held = qa.ask(STUDENT, COURSE, "Hmm").await.unwrap();
        let rejected = qa.ask(STUDENT, COURSE, "Buy now").await.unwrap();
        decide(&store, &held, Outcome::Hold, 1).await;
        decide(&store, &rejected, Outcome::Reject, 1).await;
        decide(&store, &rejected, Outcome::Allow, 1).await; // a stale copy changes nothing
        decide(&store, &held, Outcome::Allow, 2).await;
        let page = qa
            .history(CLASSMATE, COURSE, Page::After(0), 10)
            .await
            .unwrap();
        let ids: Vec<_> = page.posts.iter().map(|p| p.id).collect();
        assert_eq!(ids, [held.id]);
    }

    #[tokio::test]
    async fn an_answer_needs_a_question_the_caller_can_see() {
        let (qa, store) = qa().await;
        let question = qa.ask(STUDENT, COURSE, "Why?").await.unwrap();
        assert_eq!(
            qa.answer(CLASSMATE, COURSE, question.id, "Because.").await,
            Err(QaError::NoQuestion(question.id))
        );
        let own = qa.answer(STUDENT, COURSE, question.id, "Got it.").await;
        assert_eq!(own.unwrap().question_id, Some(question.id));
        decide(&store, &question, Outcome::Allow, 1).await;
        let answer = qa
            .answer(TEACHER, COURSE, question.id, "Because.")
            .await
            .unwrap();
        assert_eq!(answer.kind, Kind::Answer);
        assert_eq!(store.outbox().last().unwrap().kind, "qa.answer_posted");
        let not_a_question = qa.answer(TEACHER, COURSE, answer.id, "Nested?").await;
        assert_eq!(not_a_question, Err(QaError::NoQuestion(answer.id)));
    }

    #[tokio::test]
    async fn history_pages_forward_and_backward_by_place() {
        let (qa, store) = qa().await;
        for n in 0..5 {
            let post = qa.ask(STUDENT, COURSE, &format!("Q{n}")).await.unwrap();
            decide(&store, &post, Outcome::Allow, 1).await;
        }
        let places = |h: &History| h.posts.iter().filter_map(|p| p.seq).collect::<Vec<_>>();
        let first = qa
            .history(CLASSMATE, COURSE, Page::After(0), 2)
            .await
            .unwrap();
        assert_eq!((places(&first), first.more), (vec![1, 2], true));
        let last = qa
            .history(CLASSMATE, COURSE, Page::After(4), 2)
            .await
            .unwrap();
        assert_eq!((places(&last), last.more), (vec![5], false));
        let latest = qa
            .history(CLASSMATE, COURSE, Page::Before(i64::MAX), 2)
            .await
            .unwrap();
        assert_eq!((places(&latest), latest.more), (vec![4, 5], true));
        let earliest = qa
            .history(CLASSMATE, COURSE, Page::Before(3), 5)
            .await
            .unwrap();
        assert_eq!((places(&earliest), earliest.more), (vec![1, 2], false));
    }

    #[tokio::test]
    async fn an_empty_body_is_refused_before_anything_is_stored() {
        let (qa, store) = qa().await;
        assert_eq!(
            qa.ask(STUDENT, COURSE, "   ").await,
            Err(QaError::Body(BodyError::Empty))
        );
        assert!(store.outbox().is_empty());
    }
}
