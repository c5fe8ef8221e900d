//! The videos in PostgreSQL (tokio-postgres, the schema of `migrations/video`) and the outbox's
//! side of the relay (as payment-engine's: edu.db's rules, ADR 0003).

mod outbox;
mod pool;

use std::sync::Arc;
use std::time::SystemTime;

use tokio::sync::Notify;
use tokio_postgres::Row;
use uuid::Uuid;

pub use pool::PgPool;

use crate::app::ports::{OutboxRecord, RepoError, RepoFuture, VideoRepository};
use crate::domain::captions::Caption;
use crate::domain::video::{Outcome, Status, Video, apply};

pub(crate) fn unavailable(error: &tokio_postgres::Error) -> RepoError {
    RepoError::Unavailable(error.to_string())
}

#[derive(Debug)]
pub struct PostgresVideoRepository {
    pool: PgPool,
    /// Notified after each commit that wrote an outbox row (the relay's wake-up).
    written: Arc<Notify>,
}

const COLUMNS: &str = "id, course_id, lesson_id, teacher_id, content_type, size_bytes, sha256, \
    received_bytes, status, progress_percent, failure_reason, ladder, version, created_at, \
    updated_at";

fn unsigned(value: i64, what: &str) -> Result<u64, RepoError> {
    u64::try_from(value).map_err(|_| RepoError::Corrupt(format!("{what} {value}")))
}

fn signed(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

fn video_of(row: &Row) -> Result<Video, RepoError> {
    let status: String = row.get(8);
    let progress: i16 = row.get(9);
    let version: i32 = row.get(12);
    Ok(Video {
        id: row.get(0),
        course_id: row.get(1),
        lesson_id: row.get(2),
        teacher_id: row.get(3),
        content_type: row.get(4),
        size_bytes: unsigned(row.get(5), "size_bytes")?,
        sha256: row.get(6),
        received_bytes: unsigned(row.get(7), "received_bytes")?,
        status: Status::parse(&status)
            .ok_or_else(|| RepoError::Corrupt(format!("status {status:?}")))?,
        progress_percent: u32::try_from(progress)
            .map_err(|_| RepoError::Corrupt(format!("progress {progress}")))?,
        failure_reason: row.get(10),
        ladder: row.get(11),
        version: u32::try_from(version)
            .map_err(|_| RepoError::Corrupt(format!("version {version}")))?,
        created_at: row.get(13),
        updated_at: row.get(14),
    })
}

impl PostgresVideoRepository {
    pub fn new(pool: PgPool) -> Self {
        Self {
            pool,
            written: Arc::new(Notify::new()),
        }
    }

    /// Notified after each commit that wrote an outbox row (the relay's wake-up).
    pub fn outbox_written(&self) -> Arc<Notify> {
        self.written.clone()
    }

    pub(crate) fn pool(&self) -> &PgPool {
        &self.pool
    }

    async fn insert_(&self, video: &Video) -> Result<(), RepoError> {
        let mut connection = self.pool.get().await?;
        connection
            .client()
            .execute(
                "INSERT INTO videos (id, course_id, lesson_id, teacher_id, content_type, \
                 size_bytes, sha256, received_bytes, status, version, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, 0, 'uploading', 1, $8, $8)",
                &[
                    &video.id,
                    &video.course_id,
                    &video.lesson_id,
                    &video.teacher_id,
                    &video.content_type,
                    &signed(video.size_bytes),
                    &video.sha256,
                    &video.created_at,
                ],
            )
            .await
            .map_err(|e| unavailable(&e))?;
        Ok(())
    }

    async fn get_(&self, id: Uuid) -> Result<Option<Video>, RepoError> {
        let mut connection = self.pool.get().await?;
        let row = connection
            .client()
            .query_opt(
                &format!("SELECT {COLUMNS} FROM videos WHERE id = $1"),
                &[&id],
            )
            .await
            .map_err(|e| unavailable(&e))?;
        row.as_ref().map(video_of).transpose()
    }

    async fn advance_(
        &self,
        id: Uuid,
        from: u64,
        to: u64,
        now: SystemTime,
    ) -> Result<bool, RepoError> {
        let mut connection = self.pool.get().await?;
        let moved = connection
            .client()
            .execute(
                "UPDATE videos SET received_bytes = $3, updated_at = $4 \
                 WHERE id = $1 AND received_bytes = $2 AND status = 'uploading'",
                &[&id, &signed(from), &signed(to), &now],
            )
            .await
            .map_err(|e| unavailable(&e))?;
        Ok(moved == 1)
    }

    async fn restart_(&self, id: Uuid, now: SystemTime) -> Result<bool, RepoError> {
        let mut connection = self.pool.get().await?;
        let moved = connection
            .client()
            .execute(
                "UPDATE videos SET received_bytes = 0, updated_at = $2 \
                 WHERE id = $1 AND status = 'uploading'",
                &[&id, &now],
            )
            .await
            .map_err(|e| unavailable(&e))?;
        Ok(moved == 1)
    }

    async fn mark_uploaded_(
        &self,
        id: Uuid,
        event: OutboxRecord,
        now: SystemTime,
    ) -> Result<bool, RepoError> {
        let mut connection = self.pool.get().await?;
        let tx = connection
            .client()
            .transaction()
            .await
            .map_err(|e| unavailable(&e))?;
        let moved = tx
            .execute(
                "UPDATE videos SET status = 'processing', version = version + 1, updated_at = $2 \
                 WHERE id = $1 AND status = 'uploading' AND received_bytes = size_bytes \
                 AND version + 1 = $3",
                &[&id, &now, &event.version],
            )
            .await
            .map_err(|e| unavailable(&e))?;
        if moved != 1 {
            return Ok(false); // rolled back on drop
        }
        tx.execute(
            "INSERT INTO outbox (id, type, aggregate, aggregate_id, version, occurred_at, payload) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            &[
                &event.id,
                &event.kind,
                &event.aggregate,
                &event.aggregate_id,
                &event.version,
                &event.occurred_at,
                &event.payload,
            ],
        )
        .await
        .map_err(|e| unavailable(&e))?;
        tx.commit().await.map_err(|e| unavailable(&e))?;
        self.written.notify_one();
        Ok(true)
    }

    async fn apply_outcome_(
        &self,
        id: Uuid,
        outcome: &Outcome,
        now: SystemTime,
    ) -> Result<bool, RepoError> {
        let mut connection = self.pool.get().await?;
        let tx = connection
            .client()
            .transaction()
            .await
            .map_err(|e| unavailable(&e))?;
        let Some(row) = tx
            .query_opt(
                "SELECT status, progress_percent FROM videos WHERE id = $1 FOR UPDATE",
                &[&id],
            )
            .await
            .map_err(|e| unavailable(&e))?
        else {
            return Ok(false);
        };
        let status: String = row.get(0);
        let status = Status::parse(&status)
            .ok_or_else(|| RepoError::Corrupt(format!("status {status:?}")))?;
        let progress: i16 = row.get(1);
        let progress = u32::try_from(progress).unwrap_or(0);
        let Some((next, percent)) = apply(status, progress, outcome) else {
            return Ok(false);
        };
        let percent = i16::try_from(percent).unwrap_or(100);
        let (reason, ladder) = match outcome {
            Outcome::Failed(reason) => (Some(reason.clone()), None),
            Outcome::Transcoded(ladder) => (None, Some(ladder.clone())),
            Outcome::Progressed(_) => (None, None),
        };
        let bump = i32::from(next != status);
        tx.execute(
            "UPDATE videos SET status = $2, progress_percent = $3, failure_reason = $4, \
             ladder = $5, version = version + $6, updated_at = $7 WHERE id = $1",
            &[&id, &next.as_str(), &percent, &reason, &ladder, &bump, &now],
        )
        .await
        .map_err(|e| unavailable(&e))?;
        tx.commit().await.map_err(|e| unavailable(&e))?;
        Ok(true)
    }
}

impl PostgresVideoRepository {
    async fn put_caption_(
        &self,
        id: Uuid,
        caption: &Caption,
        now: SystemTime,
    ) -> Result<(), RepoError> {
        let mut connection = self.pool.get().await?;
        connection
            .client()
            .execute(
                "INSERT INTO captions (video_id, language, label, size_bytes, updated_at) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (video_id, language) DO UPDATE \
                 SET label = EXCLUDED.label, size_bytes = EXCLUDED.size_bytes, \
                 updated_at = EXCLUDED.updated_at",
                &[
                    &id,
                    &caption.language,
                    &caption.label,
                    &signed(caption.size_bytes),
                    &now,
                ],
            )
            .await
            .map_err(|e| unavailable(&e))?;
        Ok(())
    }

    async fn captions_(&self, id: Uuid) -> Result<Vec<Caption>, RepoError> {
        let mut connection = self.pool.get().await?;
        let rows = connection
            .client()
            .query(
                "SELECT language, label, size_bytes FROM captions WHERE video_id = $1 \
                 ORDER BY language",
                &[&id],
            )
            .await
            .map_err(|e| unavailable(&e))?;
        rows.iter()
            .map(|row| {
                Ok(Caption {
                    language: row.get(0),
                    label: row.get(1),
                    size_bytes: unsigned(row.get(2), "captions.size_bytes")?,
                })
            })
            .collect()
    }
}

impl VideoRepository for PostgresVideoRepository {
    fn insert<'a>(&'a self, video: &'a Video) -> RepoFuture<'a, ()> {
        Box::pin(self.insert_(video))
    }

    fn get(&self, id: Uuid) -> RepoFuture<'_, Option<Video>> {
        Box::pin(self.get_(id))
    }

    fn advance(&self, id: Uuid, from: u64, to: u64, now: SystemTime) -> RepoFuture<'_, bool> {
        Box::pin(self.advance_(id, from, to, now))
    }

    fn restart(&self, id: Uuid, now: SystemTime) -> RepoFuture<'_, bool> {
        Box::pin(self.restart_(id, now))
    }

    fn mark_uploaded(
        &self,
        id: Uuid,
        event: OutboxRecord,
        now: SystemTime,
    ) -> RepoFuture<'_, bool> {
        Box::pin(self.mark_uploaded_(id, event, now))
    }

    fn apply_outcome<'a>(
        &'a self,
        id: Uuid,
        outcome: &'a Outcome,
        now: SystemTime,
    ) -> RepoFuture<'a, bool> {
        Box::pin(self.apply_outcome_(id, outcome, now))
    }

    fn put_caption<'a>(
        &'a self,
        id: Uuid,
        caption: &'a Caption,
        now: SystemTime,
    ) -> RepoFuture<'a, ()> {
        Box::pin(self.put_caption_(id, caption, now))
    }

    fn captions(&self, id: Uuid) -> RepoFuture<'_, Vec<Caption>> {
        Box::pin(self.captions_(id))
    }

    fn ready(&self) -> RepoFuture<'_, ()> {
        Box::pin(async move {
            let mut connection = self.pool.get().await?;
            connection
                .client()
                .simple_query("SELECT 1")
                .await
                .map_err(|e| unavailable(&e))?;
            Ok(())
        })
    }
}
