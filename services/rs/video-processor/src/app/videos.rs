//! Teachers' uploads and everyone's playback links.
//!
//! An upload: declared (type, size, SHA-256: 415/413/422 before a byte is stored), then chunks
//! at the next offset, each with its SHA-256 (a wrong offset 409, a bad checksum 422, nothing
//! written), then completed: the whole file's SHA-256 is checked, the part file becomes the
//! original, and the video turns processing with its `video.uploaded` in the same transaction.
//! Chunks of one video are written one at a time in this process (a lock per video); between
//! replicas the database's conditional advance decides, and the whole-file check catches a part
//! file two replicas wrote over each other.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use edu_common::clock::Clock;
use edu_proto_gen::edu::events::v1::VideoUploaded;
use edu_proto_gen::edu::events::v1::event_envelope::Payload;
use edu_video::store::{ByteStream, ObjectStore, StoreError};
use edu_video::{events, keys};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::app::ports::{Access, OutboxRecord, RepoError, VideoRepository};
use crate::domain::captions::{self, Caption};
use crate::domain::range::{self, Wanted};
use crate::domain::signing::{self, Scope, SignatureError};
use crate::domain::video::{Declared, Limits, Refusal, Status, Video, check_declared};

/// Who is asking: identity's verified token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub user_id: Uuid,
    pub roles: Vec<String>,
    /// The access token itself, passed on to course and enrollment.
    pub token: String,
}

impl Caller {
    pub fn has_role(&self, role: &str) -> bool {
        self.roles.iter().any(|r| r == role)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum VideoError {
    #[error("{0}")]
    Refused(Refusal),
    #[error("no such video")]
    NotFound,
    #[error("{0}")]
    Forbidden(String),
    /// A signed URL that is expired or does not match.
    #[error("{0}")]
    BadSignature(SignatureError),
    /// A range past the end of the original (its size).
    #[error("the range is past the end of the {0} bytes")]
    Unsatisfiable(u64),
    /// The database, the object store, course or enrollment cannot answer now.
    #[error("{0}")]
    Unavailable(String),
}

impl From<Refusal> for VideoError {
    fn from(refusal: Refusal) -> Self {
        Self::Refused(refusal)
    }
}

impl From<RepoError> for VideoError {
    fn from(error: RepoError) -> Self {
        Self::Unavailable(error.to_string())
    }
}

impl From<StoreError> for VideoError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound(_) | StoreError::BadKey(_) => Self::NotFound,
            StoreError::Io { .. } => Self::Unavailable(error.to_string()),
        }
    }
}

/// Signed links to a video: the original always (once uploaded), the ladder once ready.
#[derive(Debug, Clone, PartialEq)]
pub struct Links {
    pub video: Video,
    /// Unix seconds.
    pub expires_at: u64,
    pub original: String,
    pub master_playlist: Option<String>,
    pub poster: Option<String>,
    /// Each caption track with its signed link, by language.
    pub captions: Vec<(Caption, String)>,
}

/// A stored file on its way out: the bytes wanted and how to describe them.
pub struct Served {
    pub content_type: String,
    /// The object's whole size.
    pub size: u64,
    /// `Some((start, length))` for a 206.
    pub part: Option<(u64, u64)>,
    pub body: ByteStream,
}

#[derive(Debug, Clone)]
pub struct Videos {
    repo: Arc<dyn VideoRepository>,
    store: Arc<dyn ObjectStore>,
    access: Arc<dyn Access>,
    clock: Arc<dyn Clock>,
    limits: Limits,
    secret: Arc<[u8]>,
    link_lifetime: Duration,
    writing: Arc<Mutex<HashMap<Uuid, Arc<tokio::sync::Mutex<()>>>>>,
}

fn unix_seconds(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs())
}

impl std::fmt::Debug for Served {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Served")
            .field("content_type", &self.content_type)
            .field("size", &self.size)
            .field("part", &self.part)
            .finish_non_exhaustive()
    }
}

impl Videos {
    #[allow(
        clippy::too_many_arguments,
        reason = "the composition root's parts, once"
    )]
    pub fn new(
        repo: Arc<dyn VideoRepository>,
        store: Arc<dyn ObjectStore>,
        access: Arc<dyn Access>,
        clock: Arc<dyn Clock>,
        limits: Limits,
        secret: &[u8],
        link_lifetime: Duration,
    ) -> Self {
        Self {
            repo,
            store,
            access,
            clock,
            limits,
            secret: Arc::from(secret),
            link_lifetime,
            writing: Arc::default(),
        }
    }

    pub fn limits(&self) -> Limits {
        self.limits
    }

    pub async fn ready(&self) -> Result<(), String> {
        self.repo.ready().await.map_err(|e| e.to_string())
    }

    /// A teacher's new upload of a video for a lesson of a course they own.
    pub async fn create(&self, caller: &Caller, declared: &Declared) -> Result<Video, VideoError> {
        if !caller.has_role("teacher") {
            return Err(VideoError::Forbidden(
                "Only teachers upload lesson videos.".into(),
            ));
        }
        let declared = check_declared(declared, self.limits)?;
        let lessons = self
            .access
            .taught_lessons(&caller.token, declared.course_id)
            .await
            .map_err(|e| VideoError::Unavailable(e.to_string()))?
            .ok_or_else(|| {
                VideoError::Forbidden("You can upload videos only to your own courses.".into())
            })?;
        if !lessons.contains(&declared.lesson_id) {
            return Err(Refusal::Invalid("lesson_id", "not a lesson of this course".into()).into());
        }
        let video = Video::new(Uuid::new_v4(), caller.user_id, declared, self.clock.now());
        self.repo.insert(&video).await?;
        Ok(video)
    }

    /// The caller's own upload (404 for anyone else's).
    pub async fn own(&self, caller: &Caller, id: Uuid) -> Result<Video, VideoError> {
        match self.repo.get(id).await? {
            Some(video) if video.teacher_id == caller.user_id => Ok(video),
            _ => Err(VideoError::NotFound),
        }
    }

    fn lock_of(&self, id: Uuid) -> Arc<tokio::sync::Mutex<()>> {
        let mut locks = self
            .writing
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if locks.len() > 10_000 {
            locks.retain(|_, lock| Arc::strong_count(lock) > 1);
        }
        locks.entry(id).or_default().clone()
    }

    /// Checks a chunk before it is read whole: where it goes and how long it says it is.
    pub async fn check_chunk(
        &self,
        caller: &Caller,
        id: Uuid,
        offset: u64,
        length: u64,
    ) -> Result<Video, VideoError> {
        let video = self.own(caller, id).await?;
        video.check_chunk(offset, length, self.limits)?;
        Ok(video)
    }

    /// Writes one chunk at `offset` if its SHA-256 is `checksum`; the video after it.
    pub async fn put_chunk(
        &self,
        caller: &Caller,
        id: Uuid,
        offset: u64,
        checksum: &str,
        body: Bytes,
    ) -> Result<Video, VideoError> {
        if !edu_video::hex::is_sha256(checksum) {
            return Err(Refusal::Invalid(
                "Chunk-SHA256",
                "the chunk's SHA-256 as 64 hex digits".into(),
            )
            .into());
        }
        let length = body.len() as u64;
        self.check_chunk(caller, id, offset, length).await?;
        let actual = edu_video::hex::encode(&Sha256::digest(&body));
        if !actual.eq_ignore_ascii_case(checksum) {
            return Err(Refusal::ChecksumMismatch(format!(
                "The chunk at byte {offset} does not match its SHA-256 (got {actual}); send it again."
            ))
            .into());
        }
        let lock = self.lock_of(id);
        let _held = lock.lock().await;
        // Read again under the lock: another request may have written this offset meanwhile.
        let video = self.check_chunk(caller, id, offset, length).await?;
        self.store
            .write_at(&keys::upload_part(id), offset, body)
            .await?;
        let now = self.clock.now();
        if !self.repo.advance(id, offset, offset + length, now).await? {
            let current = self.own(caller, id).await?;
            return Err(Refusal::WrongOffset {
                detail: format!(
                    "Another request wrote this chunk first; the next chunk starts at byte {}.",
                    current.received_bytes
                ),
                expected: current.received_bytes,
            }
            .into());
        }
        Ok(Video {
            received_bytes: offset + length,
            updated_at: now,
            ..video
        })
    }

    /// Completes an upload: the whole file's SHA-256 checked, the original stored, the video
    /// processing and its `video.uploaded` in the outbox. Again on a completed upload: the
    /// video as it is.
    pub async fn complete(&self, caller: &Caller, id: Uuid) -> Result<Video, VideoError> {
        let video = self.own(caller, id).await?;
        if !video.check_complete()? {
            return Ok(video);
        }
        let lock = self.lock_of(id);
        let _held = lock.lock().await;
        let part = keys::upload_part(id);
        let original = keys::original(id);
        // A completion cut short after the rename (database down) finds the original there.
        let source = if self.store.size(&part).await?.is_some() {
            part.clone()
        } else {
            original.clone()
        };
        let stored = self.store.size(&source).await?.unwrap_or(0);
        let digest = if stored == video.size_bytes {
            self.store.sha256(&source, video.size_bytes).await?
        } else {
            format!("of a file of {stored} bytes")
        };
        if digest != video.sha256 {
            self.repo.restart(id, self.clock.now()).await?;
            self.store.delete(&source).await?;
            return Err(Refusal::ChecksumMismatch(format!(
                "The uploaded file's SHA-256 is {digest}, not the declared {}; the upload starts again from byte 0.",
                video.sha256
            ))
            .into());
        }
        if source == part {
            self.store.rename(&part, &original).await?;
        }
        let now = self.clock.now();
        let event = uploaded_event(&video, now)?;
        self.repo.mark_uploaded(id, event, now).await?;
        self.own(caller, id).await
    }

    /// Signed links for the video's teacher or a student enrolled in its course.
    pub async fn links(&self, caller: &Caller, id: Uuid) -> Result<Links, VideoError> {
        let video = self.repo.get(id).await?.ok_or(VideoError::NotFound)?;
        if video.teacher_id != caller.user_id {
            let enrolled = self
                .access
                .enrolled(&caller.token, video.course_id)
                .await
                .map_err(|e| VideoError::Unavailable(e.to_string()))?;
            if !enrolled {
                return Err(VideoError::Forbidden(
                    "Only students enrolled in the course (and its teacher) watch its videos."
                        .into(),
                ));
            }
        }
        if video.status == Status::Uploading {
            return Err(Refusal::WrongState(
                "The video is still being uploaded; there is nothing to watch yet.".into(),
            )
            .into());
        }
        let expires_at = unix_seconds(self.clock.now() + self.link_lifetime);
        let secret = &self.secret;
        let ready = video.status == Status::Ready;
        let hls =
            |file: &str| ready.then(|| signing::url_path(secret, Scope::Hls(id), expires_at, file));
        let captions = self
            .repo
            .captions(id)
            .await?
            .into_iter()
            .map(|caption| {
                let file = format!("{}.vtt", caption.language);
                let url = signing::url_path(secret, Scope::Captions(id), expires_at, &file);
                (caption, url)
            })
            .collect();
        Ok(Links {
            original: signing::url_path(secret, Scope::Original(id), expires_at, ""),
            master_playlist: hls("master.m3u8"),
            poster: hls("poster.jpg"),
            captions,
            expires_at,
            video,
        })
    }

    /// The teacher's caption track for `language` (a `WebVTT` file, checked: see
    /// `domain::captions`), stored under the video's prefix; the video's tracks after it. The
    /// same language again replaces the track.
    pub async fn put_captions(
        &self,
        caller: &Caller,
        id: Uuid,
        language: &str,
        label: Option<&str>,
        file: Bytes,
    ) -> Result<Vec<Caption>, VideoError> {
        self.own(caller, id).await?;
        let language = captions::normalise_language(language)?;
        let label = captions::label_for(&language, label)?;
        captions::check_file(&file)?;
        let caption = Caption {
            language,
            label,
            size_bytes: file.len() as u64,
        };
        self.store
            .put(&captions::key(id, &caption.language), file)
            .await?;
        self.repo
            .put_caption(id, &caption, self.clock.now())
            .await?;
        Ok(self.repo.captions(id).await?)
    }

    /// A caption track (`<language>.vtt`) under a signed URL.
    pub async fn captions_file(
        &self,
        id: Uuid,
        expires: u64,
        signature: &str,
        file: &str,
    ) -> Result<Served, VideoError> {
        self.verify(Scope::Captions(id), expires, signature)?;
        // Only a file named by its normalised tag: nothing else becomes a key.
        let language = file
            .strip_suffix(".vtt")
            .and_then(|tag| captions::normalise_language(tag).ok())
            .filter(|tag| format!("{tag}.vtt") == file)
            .ok_or(VideoError::NotFound)?;
        let key = captions::key(id, &language);
        let size = self.store.size(&key).await?.ok_or(VideoError::NotFound)?;
        Ok(Served {
            content_type: captions::SERVED_TYPE.into(),
            size,
            part: None,
            body: self.store.read_range(&key, 0, size).await?,
        })
    }

    fn verify(&self, scope: Scope, expires: u64, signature: &str) -> Result<(), VideoError> {
        signing::verify(
            &self.secret,
            scope,
            expires,
            signature,
            unix_seconds(self.clock.now()),
        )
        .map_err(VideoError::BadSignature)
    }

    /// A file of the ladder under a signed URL.
    pub async fn hls_file(
        &self,
        id: Uuid,
        expires: u64,
        signature: &str,
        file: &str,
    ) -> Result<Served, VideoError> {
        self.verify(Scope::Hls(id), expires, signature)?;
        if !keys::is_hls_file(file) {
            return Err(VideoError::NotFound);
        }
        let key = format!("{}/{file}", keys::hls_prefix(id));
        let size = self.store.size(&key).await?.ok_or(VideoError::NotFound)?;
        let content_type = match file.rsplit('.').next() {
            Some("m3u8") => "application/vnd.apple.mpegurl",
            Some("jpg") => "image/jpeg",
            _ => "video/mp2t",
        };
        Ok(Served {
            content_type: content_type.into(),
            size,
            part: None,
            body: self.store.read_range(&key, 0, size).await?,
        })
    }

    /// The original (or the part of it `range` asks for) under a signed URL.
    pub async fn original(
        &self,
        id: Uuid,
        expires: u64,
        signature: &str,
        range: Option<&str>,
    ) -> Result<Served, VideoError> {
        self.verify(Scope::Original(id), expires, signature)?;
        let video = self.repo.get(id).await?.ok_or(VideoError::NotFound)?;
        let key = keys::original(id);
        let size = self.store.size(&key).await?.ok_or(VideoError::NotFound)?;
        let (start, length, part) = match range::wanted(range, size) {
            Wanted::Whole => (0, size, None),
            Wanted::Part { start, length } => (start, length, Some((start, length))),
            Wanted::Unsatisfiable => return Err(VideoError::Unsatisfiable(size)),
        };
        Ok(Served {
            content_type: video.content_type,
            size,
            part,
            body: self.store.read_range(&key, start, length).await?,
        })
    }
}

/// The `video.uploaded` outbox row of `video` (about to turn processing: version + 1).
pub fn uploaded_event(video: &Video, now: SystemTime) -> Result<OutboxRecord, VideoError> {
    let payload = Payload::VideoUploaded(VideoUploaded {
        video_id: video.id.to_string(),
        course_id: video.course_id.to_string(),
        lesson_id: video.lesson_id.to_string(),
        teacher_id: video.teacher_id.to_string(),
        content_type: video.content_type.clone(),
        size_bytes: video.size_bytes,
        sha256: video.sha256.clone(),
        object_key: keys::original(video.id),
    });
    let json = events::payload_json(&payload)
        .map_err(|e| VideoError::Unavailable(format!("video.uploaded: {e}")))?;
    Ok(OutboxRecord {
        position: 0,
        id: Uuid::new_v4(),
        kind: events::UPLOADED.into(),
        aggregate: events::AGGREGATE.into(),
        aggregate_id: video.id.to_string(),
        version: i32::try_from(video.version + 1).unwrap_or(i32::MAX),
        occurred_at: now,
        payload: json,
    })
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use edu_testing::FakeClock;
    use edu_video::store::FsObjectStore;
    use futures_util::StreamExt;

    use super::*;
    use crate::testing::{FakeAccess, InMemoryVideos};

    const LIMITS: Limits = Limits {
        max_bytes: 1_000,
        max_chunk_bytes: 100,
    };
    const SECRET: &[u8] = b"unit-test-url-key";

    struct World {
        videos: Videos,
        repo: Arc<InMemoryVideos>,
        access: Arc<FakeAccess>,
        store: Arc<FsObjectStore>,
        clock: FakeClock,
        teacher: Caller,
        course: Uuid,
        lesson: Uuid,
        _dir: tempfile::TempDir,
    }

    fn caller(user: u128, role: &str) -> Caller {
        let user_id = Uuid::from_u128(user);
        Caller {
            user_id,
            roles: vec![role.to_owned()],
            token: user_id.to_string(),
        }
    }

    fn world() -> World {
        let dir = tempfile::tempdir().unwrap();
        let repo = Arc::new(InMemoryVideos::default());
        let access = Arc::new(FakeAccess::default());
        let store = Arc::new(FsObjectStore::new(dir.path()));
        let clock = FakeClock::at(UNIX_EPOCH + Duration::from_hours(500_000));
        let teacher = caller(1, "teacher");
        let (course, lesson) = (Uuid::from_u128(10), Uuid::from_u128(11));
        access
            .teaching
            .lock()
            .unwrap()
            .insert((teacher.token.clone(), course), vec![lesson]);
        let videos = Videos::new(
            repo.clone(),
            store.clone(),
            access.clone(),
            Arc::new(clock.clone()),
            LIMITS,
            SECRET,
            Duration::from_mins(10),
        );
        World {
            videos,
            repo,
            access,
            store,
            clock,
            teacher,
            course,
            lesson,
            _dir: dir,
        }
    }

    fn sha(bytes: &[u8]) -> String {
        edu_video::hex::encode(&Sha256::digest(bytes))
    }

    fn content() -> Vec<u8> {
        (0..250_u32)
            .map(|i| u8::try_from(i % 251).unwrap())
            .collect()
    }

    impl World {
        fn declared(&self, size: u64, content_type: &str) -> Declared {
            Declared {
                course_id: self.course,
                lesson_id: self.lesson,
                size_bytes: size,
                content_type: content_type.into(),
                sha256: sha(&content()),
            }
        }

        async fn upload(&self) -> Video {
            self.videos
                .create(&self.teacher, &self.declared(250, "video/mp4"))
                .await
                .unwrap()
        }

        async fn send(&self, id: Uuid, offset: usize, end: usize) -> Result<Video, VideoError> {
            let chunk = content()[offset..end].to_vec();
            self.videos
                .put_chunk(&self.teacher, id, offset as u64, &sha(&chunk), chunk.into())
                .await
        }

        async fn uploaded(&self) -> Video {
            let video = self.upload().await;
            for (from, to) in [(0, 100), (100, 200), (200, 250)] {
                self.send(video.id, from, to).await.unwrap();
            }
            self.videos.complete(&self.teacher, video.id).await.unwrap()
        }
    }

    async fn read_all(served: Served) -> Vec<u8> {
        let mut body = served.body;
        let mut all = Vec::new();
        while let Some(chunk) = body.next().await {
            all.extend_from_slice(&chunk.unwrap());
        }
        all
    }

    mod create {
        use super::*;

        #[tokio::test]
        async fn a_teacher_declares_an_upload_to_a_lesson_of_their_course() {
            let w = world();
            let video = w.upload().await;
            assert_eq!(video.status, Status::Uploading);
            assert_eq!(video.received_bytes, 0);
            assert_eq!(video.teacher_id, w.teacher.user_id);
            assert!(w.repo.videos.lock().unwrap().contains_key(&video.id));
        }

        #[tokio::test]
        async fn returns_415_and_413_before_anything_is_stored() {
            let w = world();
            let wrong_type = w
                .videos
                .create(&w.teacher, &w.declared(250, "video/x-msvideo"))
                .await;
            let too_big = w
                .videos
                .create(&w.teacher, &w.declared(1_001, "video/mp4"))
                .await;
            assert!(matches!(
                wrong_type,
                Err(VideoError::Refused(Refusal::UnsupportedType(_)))
            ));
            assert!(matches!(
                too_big,
                Err(VideoError::Refused(Refusal::TooLarge(_)))
            ));
            assert!(w.repo.videos.lock().unwrap().is_empty());
        }

        #[tokio::test]
        async fn returns_403_to_students_and_to_teachers_of_other_courses() {
            let w = world();
            let student = caller(2, "student");
            let other_teacher = caller(3, "teacher");
            for who in [&student, &other_teacher] {
                let refused = w.videos.create(who, &w.declared(250, "video/mp4")).await;
                assert!(matches!(refused, Err(VideoError::Forbidden(_))), "{who:?}");
            }
        }

        #[tokio::test]
        async fn returns_422_for_a_lesson_of_another_course_and_503_when_course_is_down() {
            let w = world();
            let mut elsewhere = w.declared(250, "video/mp4");
            elsewhere.lesson_id = Uuid::from_u128(99);
            let refused = w.videos.create(&w.teacher, &elsewhere).await;
            assert!(matches!(
                refused,
                Err(VideoError::Refused(Refusal::Invalid("lesson_id", _)))
            ));
            *w.access.down.lock().unwrap() = Some("course is down".into());
            let down = w
                .videos
                .create(&w.teacher, &w.declared(250, "video/mp4"))
                .await;
            assert!(matches!(down, Err(VideoError::Unavailable(_))));
        }
    }

    mod chunks {
        use super::*;

        #[tokio::test]
        async fn chunks_at_the_next_offset_resume_where_the_upload_stands() {
            let w = world();
            let video = w.upload().await;
            w.send(video.id, 0, 100).await.unwrap();
            let resumed = w.videos.own(&w.teacher, video.id).await.unwrap();
            let after = w.send(video.id, 100, 200).await.unwrap();

            assert_eq!(resumed.received_bytes, 100);
            assert_eq!(after.received_bytes, 200);
            assert_eq!(
                w.store.get(&keys::upload_part(video.id)).await.unwrap(),
                &content()[..200]
            );
        }

        #[tokio::test]
        async fn returns_409_naming_the_next_offset_for_any_other() {
            let w = world();
            let video = w.upload().await;
            w.send(video.id, 0, 100).await.unwrap();
            for offset in [0, 50, 200] {
                let chunk = content()[offset..offset + 10].to_vec();
                let refused = w
                    .videos
                    .put_chunk(
                        &w.teacher,
                        video.id,
                        offset as u64,
                        &sha(&chunk),
                        chunk.into(),
                    )
                    .await;
                assert!(
                    matches!(
                        refused,
                        Err(VideoError::Refused(Refusal::WrongOffset {
                            expected: 100,
                            ..
                        }))
                    ),
                    "{offset}: {refused:?}"
                );
            }
        }

        #[tokio::test]
        async fn returns_422_for_a_bad_checksum_and_stores_nothing() {
            let w = world();
            let video = w.upload().await;
            let chunk = content()[..100].to_vec();
            let refused = w
                .videos
                .put_chunk(&w.teacher, video.id, 0, &sha(b"other bytes"), chunk.into())
                .await;
            assert!(matches!(
                refused,
                Err(VideoError::Refused(Refusal::ChecksumMismatch(_)))
            ));
            assert_eq!(
                w.store.size(&keys::upload_part(video.id)).await.unwrap(),
                None
            );
            assert_eq!(
                w.videos
                    .own(&w.teacher, video.id)
                    .await
                    .unwrap()
                    .received_bytes,
                0
            );
        }

        #[tokio::test]
        async fn returns_413_for_a_chunk_over_the_limit_or_past_the_declared_size() {
            let w = world();
            let video = w.upload().await;
            let big = vec![0_u8; 101];
            let over_limit = w
                .videos
                .put_chunk(&w.teacher, video.id, 0, &sha(&big), big.into())
                .await;
            w.send(video.id, 0, 100).await.unwrap();
            w.send(video.id, 100, 200).await.unwrap();
            let past_end = vec![0_u8; 51];
            let beyond = w
                .videos
                .put_chunk(&w.teacher, video.id, 200, &sha(&past_end), past_end.into())
                .await;
            for refused in [over_limit, beyond] {
                assert!(matches!(
                    refused,
                    Err(VideoError::Refused(Refusal::TooLarge(_)))
                ));
            }
        }

        #[tokio::test]
        async fn another_teachers_video_is_not_found() {
            let w = world();
            let video = w.upload().await;
            let other = caller(3, "teacher");
            let chunk = content()[..10].to_vec();
            let refused = w
                .videos
                .put_chunk(&other, video.id, 0, &sha(&chunk), chunk.into())
                .await;
            assert!(matches!(refused, Err(VideoError::NotFound)));
        }
    }

    mod complete {
        use super::*;

        #[tokio::test]
        async fn a_whole_matching_file_becomes_the_original_and_video_uploaded_once() {
            let w = world();
            let video = w.uploaded().await;
            let again = w.videos.complete(&w.teacher, video.id).await.unwrap();

            assert_eq!(video.status, Status::Processing);
            assert_eq!(again.status, Status::Processing);
            assert_eq!(
                w.store.get(&keys::original(video.id)).await.unwrap(),
                content()
            );
            assert_eq!(
                w.store.size(&keys::upload_part(video.id)).await.unwrap(),
                None
            );
            let outbox = w.repo.outbox.lock().unwrap().clone();
            assert_eq!(outbox.len(), 1);
            assert_eq!(outbox[0].kind, "video.uploaded");
            assert_eq!(outbox[0].version, 2);
            assert_eq!(outbox[0].payload["size_bytes"], "250");
            assert_eq!(outbox[0].payload["sha256"], sha(&content()));
            assert_eq!(
                outbox[0].payload["object_key"],
                format!("videos/{}/original", video.id)
            );
        }

        #[tokio::test]
        async fn returns_409_while_bytes_are_missing() {
            let w = world();
            let video = w.upload().await;
            w.send(video.id, 0, 100).await.unwrap();
            let refused = w.videos.complete(&w.teacher, video.id).await;
            assert!(matches!(
                refused,
                Err(VideoError::Refused(Refusal::WrongState(_)))
            ));
            assert!(w.repo.outbox.lock().unwrap().is_empty());
        }

        #[tokio::test]
        async fn returns_422_when_the_file_is_not_the_declared_one_and_starts_again() {
            let w = world();
            let mut declared = w.declared(250, "video/mp4");
            declared.sha256 = sha(b"another file");
            let video = w.videos.create(&w.teacher, &declared).await.unwrap();
            for (from, to) in [(0, 100), (100, 200), (200, 250)] {
                w.send(video.id, from, to).await.unwrap();
            }
            let refused = w.videos.complete(&w.teacher, video.id).await;
            let after = w.videos.own(&w.teacher, video.id).await.unwrap();

            assert!(matches!(
                refused,
                Err(VideoError::Refused(Refusal::ChecksumMismatch(_)))
            ));
            assert_eq!(after.status, Status::Uploading);
            assert_eq!(after.received_bytes, 0);
            assert!(w.repo.outbox.lock().unwrap().is_empty());
            assert_eq!(w.store.size(&keys::original(video.id)).await.unwrap(), None);
        }
    }

    mod captions {
        use super::*;

        const VTT: &[u8] = b"WEBVTT\n\n00:00.000 --> 00:02.000\nHello.\n";

        fn url_parts(url: &str) -> (u64, String, String) {
            let mut parts = url.trim_start_matches("/play/").split('/');
            let expires = parts.next().unwrap().parse().unwrap();
            let signature = parts.next().unwrap().to_owned();
            (
                expires,
                signature,
                url.rsplit('/').next().unwrap().to_owned(),
            )
        }

        #[tokio::test]
        async fn the_teachers_track_is_stored_under_the_video_and_linked_for_students() {
            let w = world();
            let video = w.uploaded().await;
            let tracks = w
                .videos
                .put_captions(&w.teacher, video.id, "EN", None, Bytes::from_static(VTT))
                .await
                .unwrap();
            let student = caller(2, "student");
            w.access
                .enrolled
                .lock()
                .unwrap()
                .push((student.token.clone(), w.course));

            assert_eq!(tracks.len(), 1);
            assert_eq!(
                (tracks[0].language.as_str(), tracks[0].label.as_str()),
                ("en", "English")
            );
            assert_eq!(
                w.store
                    .get(&format!("videos/{}/captions/en.vtt", video.id))
                    .await
                    .unwrap(),
                VTT
            );
            let links = w.videos.links(&student, video.id).await.unwrap();
            let [(caption, url)] = links.captions.as_slice() else {
                panic!("{:?}", links.captions);
            };
            assert_eq!(caption.language, "en");
            let (expires, signature, file) = url_parts(url);
            assert_eq!(file, "en.vtt");
            let served = w
                .videos
                .captions_file(video.id, expires, &signature, &file)
                .await
                .unwrap();
            assert!(served.content_type.starts_with("text/vtt"));
            assert_eq!(read_all(served).await, VTT);
        }

        #[tokio::test]
        async fn the_same_language_again_replaces_the_track() {
            let w = world();
            let video = w.uploaded().await;
            let again = b"WEBVTT\n\n00:00.000 --> 00:01.000\nBonjour.\n";
            for (file, label) in [(VTT, None), (&again[..], Some("Français (cours)"))] {
                w.videos
                    .put_captions(
                        &w.teacher,
                        video.id,
                        "fr",
                        label,
                        Bytes::copy_from_slice(file),
                    )
                    .await
                    .unwrap();
            }
            let tracks = w.repo.captions(video.id).await.unwrap();
            assert_eq!(tracks.len(), 1);
            assert_eq!(tracks[0].label, "Français (cours)");
            assert_eq!(tracks[0].size_bytes, again.len() as u64);
        }

        #[tokio::test]
        async fn a_broken_file_or_language_is_refused_and_nothing_is_stored() {
            let w = world();
            let video = w.uploaded().await;
            for (language, file) in [
                ("en", &b"1\n00:00:00,000 --> 00:00:01,000\nHi\n"[..]),
                ("en", b"WEBVTT\n\nCaf\xe9\n"),
                ("../../x", VTT),
            ] {
                let refused = w
                    .videos
                    .put_captions(
                        &w.teacher,
                        video.id,
                        language,
                        None,
                        Bytes::copy_from_slice(file),
                    )
                    .await;
                assert!(
                    matches!(refused, Err(VideoError::Refused(Refusal::Invalid(_, _)))),
                    "{refused:?}"
                );
            }
            assert!(w.repo.captions(video.id).await.unwrap().is_empty());
            assert_eq!(
                w.store
                    .size(&format!("videos/{}/captions/en.vtt", video.id))
                    .await
                    .unwrap(),
                None
            );
        }

        #[tokio::test]
        async fn only_the_videos_teacher_adds_tracks() {
            let w = world();
            let video = w.uploaded().await;
            let other = caller(3, "teacher");
            let refused = w
                .videos
                .put_captions(&other, video.id, "en", None, Bytes::from_static(VTT))
                .await;
            assert!(matches!(refused, Err(VideoError::NotFound)));
        }

        #[tokio::test]
        async fn a_track_link_opens_only_tracks_until_it_expires() {
            let w = world();
            let video = w.uploaded().await;
            w.videos
                .put_captions(&w.teacher, video.id, "el", None, Bytes::from_static(VTT))
                .await
                .unwrap();
            let links = w.videos.links(&w.teacher, video.id).await.unwrap();
            let (expires, signature, _) = url_parts(&links.captions[0].1);
            for file in ["../original", "EL.vtt", "el.srt", "en.vtt", "el.vtt/x"] {
                let refused = w
                    .videos
                    .captions_file(video.id, expires, &signature, file)
                    .await;
                assert!(matches!(refused, Err(VideoError::NotFound)), "{file}");
            }
            let original_signature = url_parts(&links.original).1;
            let wrong_scope = w
                .videos
                .captions_file(video.id, expires, &original_signature, "el.vtt")
                .await;
            assert!(matches!(wrong_scope, Err(VideoError::BadSignature(_))));
            w.clock.advance(Duration::from_secs(601));
            let too_late = w
                .videos
                .captions_file(video.id, expires, &signature, "el.vtt")
                .await;
            assert!(matches!(
                too_late,
                Err(VideoError::BadSignature(SignatureError::Expired))
            ));
        }
    }

    mod playback {
        use super::*;

        fn path_parts(url: &str) -> (u64, String) {
            let mut parts = url.trim_start_matches("/play/").split('/');
            let expires = parts.next().unwrap().parse().unwrap();
            (expires, parts.next().unwrap().to_owned())
        }

        #[tokio::test]
        async fn an_enrolled_student_gets_signed_links_others_a_403() {
            let w = world();
            let video = w.uploaded().await;
            let student = caller(2, "student");
            let stranger = caller(4, "student");
            w.access
                .enrolled
                .lock()
                .unwrap()
                .push((student.token.clone(), w.course));

            let links = w.videos.links(&student, video.id).await.unwrap();
            let own = w.videos.links(&w.teacher, video.id).await;
            let refused = w.videos.links(&stranger, video.id).await;

            assert!(links.original.ends_with(&format!("{}/original", video.id)));
            assert_eq!(links.master_playlist, None, "not ready yet");
            assert!(own.is_ok());
            assert!(matches!(refused, Err(VideoError::Forbidden(_))));
        }

        #[tokio::test]
        async fn returns_409_while_uploading() {
            let w = world();
            let video = w.upload().await;
            let refused = w.videos.links(&w.teacher, video.id).await;
            assert!(matches!(
                refused,
                Err(VideoError::Refused(Refusal::WrongState(_)))
            ));
        }

        #[tokio::test]
        async fn a_link_serves_a_range_until_it_expires_and_not_when_tampered() {
            let w = world();
            let video = w.uploaded().await;
            let links = w.videos.links(&w.teacher, video.id).await.unwrap();
            let (expires, signature) = path_parts(&links.original);

            let part = w
                .videos
                .original(video.id, expires, &signature, Some("bytes=10-19"))
                .await
                .unwrap();
            assert_eq!(part.part, Some((10, 10)));
            assert_eq!(part.size, 250);
            assert_eq!(read_all(part).await, &content()[10..20]);
            let whole = w.videos.original(video.id, expires, &signature, None).await;
            assert_eq!(read_all(whole.unwrap()).await, content());
            let beyond = w
                .videos
                .original(video.id, expires, &signature, Some("bytes=250-"))
                .await;
            assert!(matches!(beyond, Err(VideoError::Unsatisfiable(250))));

            let tampered = w
                .videos
                .original(video.id, expires + 1, &signature, None)
                .await;
            assert!(matches!(
                tampered,
                Err(VideoError::BadSignature(SignatureError::Mismatch))
            ));
            w.clock.advance(Duration::from_secs(601));
            let too_late = w.videos.original(video.id, expires, &signature, None).await;
            assert!(matches!(
                too_late,
                Err(VideoError::BadSignature(SignatureError::Expired))
            ));
        }

        #[tokio::test]
        async fn a_ready_video_links_its_ladder_and_only_its_files_are_served() {
            let w = world();
            let video = w.uploaded().await;
            w.store
                .put(
                    &keys::master_playlist(video.id),
                    Bytes::from_static(b"#EXTM3U\n"),
                )
                .await
                .unwrap();
            w.repo
                .apply_outcome(
                    video.id,
                    &crate::domain::video::Outcome::Transcoded(serde_json::json!({})),
                    w.clock.now(),
                )
                .await
                .unwrap();
            let links = w.videos.links(&w.teacher, video.id).await.unwrap();
            let master = links.master_playlist.unwrap();
            let (expires, signature) = path_parts(&master);

            let served = w
                .videos
                .hls_file(video.id, expires, &signature, "master.m3u8")
                .await
                .unwrap();
            assert_eq!(served.content_type, "application/vnd.apple.mpegurl");
            assert_eq!(read_all(served).await, b"#EXTM3U\n");
            for file in ["../original", "done.json", "480p/index.m3u8"] {
                let refused = w.videos.hls_file(video.id, expires, &signature, file).await;
                assert!(matches!(refused, Err(VideoError::NotFound)), "{file}");
            }
            let original_signature = path_parts(&links.original).1;
            let wrong_scope = w
                .videos
                .hls_file(video.id, expires, &original_signature, "master.m3u8")
                .await;
            assert!(matches!(wrong_scope, Err(VideoError::BadSignature(_))));
        }
    }
}
