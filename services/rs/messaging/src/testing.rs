//! Hand-written doubles for the unit tests: the store in memory, with the same rules the
//! PostgreSQL store keeps (one place per allowed post, without gaps, in order), and a live
//! feed that records what it announced.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::SystemTime;

use uuid::Uuid;

use crate::app::ports::{LiveFeed, OutboxRecord, Page, PublishFuture, Store, StoreFuture};
use crate::domain::access::Membership;
use crate::domain::moderation::{self, Change, Decision};
use crate::domain::posts::Post;

#[derive(Debug, Default)]
struct State {
    teachers: HashMap<Uuid, (Uuid, u32)>,
    enrolments: HashMap<Uuid, (Uuid, Uuid)>,
    heads: HashMap<Uuid, i64>,
    posts: Vec<Post>,
    outbox: Vec<OutboxRecord>,
}

#[derive(Debug, Default)]
pub struct MemoryStore {
    state: Mutex<State>,
}

impl MemoryStore {
    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap()
    }

    pub fn outbox(&self) -> Vec<OutboxRecord> {
        self.state().outbox.clone()
    }
}

fn ready<'a, T: Send + 'a>(value: T) -> StoreFuture<'a, T> {
    Box::pin(async move { Ok(value) })
}

impl Store for MemoryStore {
    fn membership(&self, course: Uuid, user: Uuid) -> StoreFuture<'_, Membership> {
        let state = self.state();
        let membership = Membership {
            teacher_id: state.teachers.get(&course).map(|(teacher, _)| *teacher),
            enrolled: state
                .enrolments
                .values()
                .any(|(c, s)| *c == course && *s == user),
        };
        ready(membership)
    }

    fn post(&self, course: Uuid, id: Uuid) -> StoreFuture<'_, Option<Post>> {
        let found = self
            .state()
            .posts
            .iter()
            .find(|p| p.id == id && p.course_id == course)
            .cloned();
        ready(found)
    }

    fn insert_post(&self, post: Post, event: OutboxRecord) -> StoreFuture<'_, ()> {
        let mut state = self.state();
        state.posts.push(post);
        state.outbox.push(event);
        ready(())
    }

    fn feed(&self, course: Uuid, page: Page, limit: u32) -> StoreFuture<'_, Vec<Post>> {
        let mut visible: Vec<Post> = self
            .state()
            .posts
            .iter()
            .filter(|p| p.course_id == course && p.is_visible())
            .cloned()
            .collect();
        visible.sort_by_key(|p| p.seq);
        let limit = limit as usize;
        let page = match page {
            Page::After(after) => visible
                .into_iter()
                .filter(|p| p.seq > Some(after))
                .take(limit)
                .collect(),
            Page::Before(before) => {
                let earlier: Vec<Post> = visible
                    .into_iter()
                    .filter(|p| p.seq < Some(before))
                    .collect();
                earlier[earlier.len().saturating_sub(limit)..].to_vec()
            }
        };
        ready(page)
    }

    fn unpublished_of(&self, course: Uuid, author: Uuid, limit: u32) -> StoreFuture<'_, Vec<Post>> {
        let own: Vec<Post> = self
            .state()
            .posts
            .iter()
            .filter(|p| p.course_id == course && p.author_id == author && !p.is_visible())
            .cloned()
            .collect();
        let from = own.len().saturating_sub(limit as usize);
        ready(own[from..].to_vec())
    }

    fn record_enrolment(
        &self,
        enrollment_id: Uuid,
        course: Uuid,
        student: Uuid,
    ) -> StoreFuture<'_, bool> {
        let new = self
            .state()
            .enrolments
            .insert(enrollment_id, (course, student))
            .is_none();
        ready(new)
    }

    fn record_teacher(&self, course: Uuid, teacher: Uuid, version: u32) -> StoreFuture<'_, bool> {
        let mut state = self.state();
        let newer = state
            .teachers
            .get(&course)
            .is_none_or(|(_, known)| version > *known);
        if newer {
            state.teachers.insert(course, (teacher, version));
        }
        ready(newer)
    }

    fn apply_decision(
        &self,
        decision: Decision,
        _now: SystemTime,
    ) -> StoreFuture<'_, Option<Post>> {
        let mut state = self.state();
        let State { posts, heads, .. } = &mut *state;
        let Some(post) = posts
            .iter_mut()
            .find(|p| p.id == decision.post_id && p.course_id == decision.course_id)
        else {
            return ready(None);
        };
        let Change::Apply {
            status,
            takes_place,
        } = moderation::apply(post, &decision)
        else {
            return ready(None);
        };
        post.status = status;
        post.decision_version = decision.version;
        if takes_place {
            let head = heads.entry(post.course_id).or_insert(0);
            *head += 1;
            post.seq = Some(*head);
            return ready(Some(post.clone()));
        }
        ready(None)
    }

    fn heads(&self, courses: Vec<Uuid>) -> StoreFuture<'_, Vec<(Uuid, i64)>> {
        let state = self.state();
        let heads = courses
            .into_iter()
            .filter_map(|c| state.heads.get(&c).map(|h| (c, *h)))
            .collect();
        ready(heads)
    }

    fn ready(&self) -> StoreFuture<'_, ()> {
        ready(())
    }
}

/// A live feed that records what it announced.
#[derive(Debug, Default)]
pub struct RecordingFeed {
    pub announced: Mutex<Vec<Post>>,
}

impl LiveFeed for RecordingFeed {
    fn announce<'a>(&'a self, post: &'a Post) -> PublishFuture<'a> {
        self.announced.lock().unwrap().push(post.clone());
        Box::pin(async { Ok(()) })
    }
}
