//! Hand-written doubles for the unit tests: the videos in memory (the same rules as the
//! PostgreSQL adapter's SQL) and who may do what from a table.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::SystemTime;

use uuid::Uuid;

use crate::app::ports::{
    Access, AccessError, AccessFuture, OutboxRecord, RepoFuture, VideoRepository,
};
use crate::domain::captions::Caption;
use crate::domain::video::{Outcome, Status, Video, apply};

#[derive(Debug, Default)]
pub struct InMemoryVideos {
    pub videos: Mutex<HashMap<Uuid, Video>>,
    pub outbox: Mutex<Vec<OutboxRecord>>,
    /// (video, language) → track.
    pub captions: Mutex<std::collections::BTreeMap<(Uuid, String), Caption>>,
}

impl InMemoryVideos {
    fn with<T>(&self, f: impl FnOnce(&mut HashMap<Uuid, Video>) -> T) -> T {
        f(&mut self.videos.lock().unwrap())
    }
}

impl VideoRepository for InMemoryVideos {
    fn insert<'a>(&'a self, video: &'a Video) -> RepoFuture<'a, ()> {
        self.with(|videos| videos.insert(video.id, video.clone()));
        Box::pin(async { Ok(()) })
    }

    fn get(&self, id: Uuid) -> RepoFuture<'_, Option<Video>> {
        let found = self.with(|videos| videos.get(&id).cloned());
        Box::pin(async move { Ok(found) })
    }

    fn advance(&self, id: Uuid, from: u64, to: u64, now: SystemTime) -> RepoFuture<'_, bool> {
        let moved = self.with(|videos| match videos.get_mut(&id) {
            Some(v) if v.received_bytes == from && v.status == Status::Uploading => {
                v.received_bytes = to;
                v.updated_at = now;
                true
            }
            _ => false,
        });
        Box::pin(async move { Ok(moved) })
    }

    fn restart(&self, id: Uuid, now: SystemTime) -> RepoFuture<'_, bool> {
        let moved = self.with(|videos| match videos.get_mut(&id) {
            Some(v) if v.status == Status::Uploading => {
                v.received_bytes = 0;
                v.updated_at = now;
                true
            }
            _ => false,
        });
        Box::pin(async move { Ok(moved) })
    }

    fn mark_uploaded(
        &self,
        id: Uuid,
        event: OutboxRecord,
        now: SystemTime,
    ) -> RepoFuture<'_, bool> {
        let moved = self.with(|videos| match videos.get_mut(&id) {
            Some(v) if v.status == Status::Uploading && v.received_bytes == v.size_bytes => {
                v.status = Status::Processing;
                v.version += 1;
                v.updated_at = now;
                true
            }
            _ => false,
        });
        if moved {
            self.outbox.lock().unwrap().push(event);
        }
        Box::pin(async move { Ok(moved) })
    }

    fn apply_outcome<'a>(
        &'a self,
        id: Uuid,
        outcome: &'a Outcome,
        now: SystemTime,
    ) -> RepoFuture<'a, bool> {
        let changed = self.with(|videos| {
            let Some(v) = videos.get_mut(&id) else {
                return false;
            };
            let Some((status, percent)) = apply(v.status, v.progress_percent, outcome) else {
                return false;
            };
            if status != v.status {
                v.version += 1;
            }
            v.status = status;
            v.progress_percent = percent;
            match outcome {
                Outcome::Failed(reason) => v.failure_reason = Some(reason.clone()),
                Outcome::Transcoded(ladder) => v.ladder = Some(ladder.clone()),
                Outcome::Progressed(_) => {}
            }
            v.updated_at = now;
            true
        });
        Box::pin(async move { Ok(changed) })
    }

    fn put_caption<'a>(
        &'a self,
        id: Uuid,
        caption: &'a Caption,
        _now: SystemTime,
    ) -> RepoFuture<'a, ()> {
        self.captions
            .lock()
            .unwrap()
            .insert((id, caption.language.clone()), caption.clone());
        Box::pin(async { Ok(()) })
    }

    fn captions(&self, id: Uuid) -> RepoFuture<'_, Vec<Caption>> {
        let found = self
            .captions
            .lock()
            .unwrap()
            .iter()
            .filter(|((video, _), _)| *video == id)
            .map(|(_, caption)| caption.clone())
            .collect();
        Box::pin(async move { Ok(found) })
    }

    fn ready(&self) -> RepoFuture<'_, ()> {
        Box::pin(async { Ok(()) })
    }
}

/// Who may do what: tokens are the users' ids in text.
#[derive(Debug, Default)]
pub struct FakeAccess {
    /// (teacher token, course) → its lessons.
    pub teaching: Mutex<HashMap<(String, Uuid), Vec<Uuid>>>,
    /// (student token, course) enrolled.
    pub enrolled: Mutex<Vec<(String, Uuid)>>,
    /// Answers every question with this error (course/enrollment down).
    pub down: Mutex<Option<String>>,
}

impl Access for FakeAccess {
    fn taught_lessons<'a>(
        &'a self,
        token: &'a str,
        course: Uuid,
    ) -> AccessFuture<'a, Option<Vec<Uuid>>> {
        let down = self.down.lock().unwrap().clone();
        let lessons = self
            .teaching
            .lock()
            .unwrap()
            .get(&(token.to_owned(), course))
            .cloned();
        Box::pin(async move { down.map_or(Ok(lessons), |why| Err(AccessError(why))) })
    }

    fn enrolled<'a>(&'a self, token: &'a str, course: Uuid) -> AccessFuture<'a, bool> {
        let down = self.down.lock().unwrap().clone();
        let enrolled = self
            .enrolled
            .lock()
            .unwrap()
            .contains(&(token.to_owned(), course));
        Box::pin(async move { down.map_or(Ok(enrolled), |why| Err(AccessError(why))) })
    }
}
