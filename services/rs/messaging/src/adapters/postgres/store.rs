//! The store over PostgreSQL; every change in one transaction.

use std::sync::Arc;
use std::time::SystemTime;

use tokio::sync::Notify;
use tokio_postgres::Row;
use uuid::Uuid;

use super::pool::PgPool;
use crate::app::ports::{OutboxRecord, Page, Store, StoreError, StoreFuture};
use crate::domain::access::Membership;
use crate::domain::moderation::{self, Change, Decision};
use crate::domain::posts::{Kind, Post, Status};

const POST_COLUMNS: &str = "id, course_id, kind, question_id, author_id, body, status, \
                            decision_version, seq, created_at";

#[derive(Debug)]
pub struct PostgresStore {
    pool: PgPool,
    /// Told after every commit that wrote an outbox row: the relay sends it at once.
    written: Arc<Notify>,
}

pub(super) fn unavailable(error: &tokio_postgres::Error) -> StoreError {
    StoreError::Unavailable(error.to_string())
}

fn post(row: &Row) -> Result<Post, StoreError> {
    let kind: String = row.get(2);
    let status: String = row.get(6);
    let version: i32 = row.get(7);
    Ok(Post {
        id: row.get(0),
        course_id: row.get(1),
        kind: Kind::parse(&kind).ok_or_else(|| StoreError::Corrupt(format!("kind {kind:?}")))?,
        question_id: row.get(3),
        author_id: row.get(4),
        body: row.get(5),
        status: Status::parse(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("status {status:?}")))?,
        decision_version: u32::try_from(version)
            .map_err(|_| StoreError::Corrupt(format!("decision version {version}")))?,
        seq: row.get(8),
        created_at: row.get(9),
    })
}

fn posts(rows: &[Row]) -> Result<Vec<Post>, StoreError> {
    rows.iter().map(post).collect()
}

impl PostgresStore {
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

    pub(super) fn pool(&self) -> &PgPool {
        &self.pool
    }

    async fn insert(&self, post: &Post, event: &OutboxRecord) -> Result<(), StoreError> {
        let mut connection = self.pool.get().await?;
        let tx = connection
            .client()
            .transaction()
            .await
            .map_err(|e| unavailable(&e))?;
        let version = i32::try_from(post.decision_version).unwrap_or(i32::MAX);
        tx.execute(
            "INSERT INTO posts (id, course_id, kind, question_id, author_id, body, status, \
             decision_version, seq, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            &[
                &post.id,
                &post.course_id,
                &post.kind.as_str(),
                &post.question_id,
                &post.author_id,
                &post.body,
                &post.status.as_str(),
                &version,
                &post.seq,
                &post.created_at,
            ],
        )
        .await
        .map_err(|e| unavailable(&e))?;
        tx.execute(
            "INSERT INTO outbox (id, type, aggregate, aggregate_id, version, occurred_at, \
             payload) VALUES ($1, $2, $3, $4, $5, $6, $7)",
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
        Ok(())
    }

    async fn decide(
        &self,
        decision: &Decision,
        now: SystemTime,
    ) -> Result<Option<Post>, StoreError> {
        let mut connection = self.pool.get().await?;
        let tx = connection
            .client()
            .transaction()
            .await
            .map_err(|e| unavailable(&e))?;
        let sql =
            format!("SELECT {POST_COLUMNS} FROM posts WHERE id = $1 AND course_id = $2 FOR UPDATE");
        let Some(row) = tx
            .query_opt(&sql, &[&decision.post_id, &decision.course_id])
            .await
            .map_err(|e| unavailable(&e))?
        else {
            tracing::warn!(post = %decision.post_id, "a decision about a post messaging does not have");
            return Ok(None);
        };
        let mut current = post(&row)?;
        let Change::Apply {
            status,
            takes_place,
        } = moderation::apply(&current, decision)
        else {
            return Ok(None);
        };
        if takes_place {
            // The feed's row lock orders the transactions giving places in this course.
            let head: i64 = tx
                .query_one(
                    "INSERT INTO course_feeds (course_id, head) VALUES ($1, 1) \
                     ON CONFLICT (course_id) DO UPDATE SET head = course_feeds.head + 1 \
                     RETURNING head",
                    &[&current.course_id],
                )
                .await
                .map_err(|e| unavailable(&e))?
                .get(0);
            current.seq = Some(head);
        }
        current.status = status;
        current.decision_version = decision.version;
        let version = i32::try_from(decision.version).unwrap_or(i32::MAX);
        let visible_at = takes_place.then_some(now);
        tx.execute(
            "UPDATE posts SET status = $2, decision_version = $3, \
             seq = coalesce(seq, $4), visible_at = coalesce(visible_at, $5) WHERE id = $1",
            &[
                &current.id,
                &status.as_str(),
                &version,
                &current.seq,
                &visible_at,
            ],
        )
        .await
        .map_err(|e| unavailable(&e))?;
        tx.commit().await.map_err(|e| unavailable(&e))?;
        Ok(takes_place.then_some(current))
    }

    async fn query_posts(
        &self,
        sql: &str,
        params: &[&(dyn tokio_postgres::types::ToSql + Sync)],
    ) -> Result<Vec<Post>, StoreError> {
        let mut connection = self.pool.get().await?;
        let rows = connection
            .client()
            .query(sql, params)
            .await
            .map_err(|e| unavailable(&e))?;
        posts(&rows)
    }
}

impl Store for PostgresStore {
    fn membership(&self, course: Uuid, user: Uuid) -> StoreFuture<'_, Membership> {
        Box::pin(async move {
            let mut connection = self.pool.get().await?;
            let row = connection
                .client()
                .query_one(
                    "SELECT (SELECT teacher_id FROM course_teachers WHERE course_id = $1), \
                     EXISTS (SELECT 1 FROM enrolments WHERE course_id = $1 AND student_id = $2)",
                    &[&course, &user],
                )
                .await
                .map_err(|e| unavailable(&e))?;
            Ok(Membership {
                teacher_id: row.get(0),
                enrolled: row.get(1),
            })
        })
    }

    fn post(&self, course: Uuid, id: Uuid) -> StoreFuture<'_, Option<Post>> {
        Box::pin(async move {
            let sql = format!("SELECT {POST_COLUMNS} FROM posts WHERE course_id = $1 AND id = $2");
            Ok(self
                .query_posts(&sql, &[&course, &id])
                .await?
                .into_iter()
                .next())
        })
    }

    fn insert_post(&self, post: Post, event: OutboxRecord) -> StoreFuture<'_, ()> {
        Box::pin(async move { self.insert(&post, &event).await })
    }

    fn feed(&self, course: Uuid, page: Page, limit: u32) -> StoreFuture<'_, Vec<Post>> {
        Box::pin(async move {
            let limit = i64::from(limit);
            match page {
                Page::After(after) => {
                    let sql = format!(
                        "SELECT {POST_COLUMNS} FROM posts WHERE course_id = $1 \
                         AND status = 'allowed' AND seq > $2 ORDER BY seq LIMIT $3"
                    );
                    self.query_posts(&sql, &[&course, &after, &limit]).await
                }
                Page::Before(before) => {
                    let sql = format!(
                        "SELECT * FROM (SELECT {POST_COLUMNS} FROM posts WHERE course_id = $1 \
                         AND status = 'allowed' AND seq < $2 ORDER BY seq DESC LIMIT $3) page \
                         ORDER BY seq"
                    );
                    self.query_posts(&sql, &[&course, &before, &limit]).await
                }
            }
        })
    }

    fn unpublished_of(&self, course: Uuid, author: Uuid, limit: u32) -> StoreFuture<'_, Vec<Post>> {
        Box::pin(async move {
            let sql = format!(
                "SELECT * FROM (SELECT {POST_COLUMNS} FROM posts WHERE course_id = $1 \
                 AND author_id = $2 AND status <> 'allowed' ORDER BY created_at DESC, id DESC \
                 LIMIT $3) own ORDER BY created_at, id"
            );
            self.query_posts(&sql, &[&course, &author, &i64::from(limit)])
                .await
        })
    }

    fn record_enrolment(
        &self,
        enrollment_id: Uuid,
        course: Uuid,
        student: Uuid,
    ) -> StoreFuture<'_, bool> {
        Box::pin(async move {
            let mut connection = self.pool.get().await?;
            let inserted = connection
                .client()
                .execute(
                    "INSERT INTO enrolments (enrollment_id, course_id, student_id) \
                     VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                    &[&enrollment_id, &course, &student],
                )
                .await
                .map_err(|e| unavailable(&e))?;
            Ok(inserted == 1)
        })
    }

    fn record_teacher(&self, course: Uuid, teacher: Uuid, version: u32) -> StoreFuture<'_, bool> {
        Box::pin(async move {
            let version = i32::try_from(version).unwrap_or(i32::MAX);
            let mut connection = self.pool.get().await?;
            let changed = connection
                .client()
                .execute(
                    "INSERT INTO course_teachers (course_id, teacher_id, version) \
                     VALUES ($1, $2, $3) ON CONFLICT (course_id) DO UPDATE \
                     SET teacher_id = EXCLUDED.teacher_id, version = EXCLUDED.version \
                     WHERE course_teachers.version < EXCLUDED.version",
                    &[&course, &teacher, &version],
                )
                .await
                .map_err(|e| unavailable(&e))?;
            Ok(changed == 1)
        })
    }

    fn apply_decision(&self, decision: Decision, now: SystemTime) -> StoreFuture<'_, Option<Post>> {
        Box::pin(async move { self.decide(&decision, now).await })
    }

    fn heads(&self, courses: Vec<Uuid>) -> StoreFuture<'_, Vec<(Uuid, i64)>> {
        Box::pin(async move {
            if courses.is_empty() {
                return Ok(Vec::new());
            }
            let mut connection = self.pool.get().await?;
            let rows = connection
                .client()
                .query(
                    "SELECT course_id, head FROM course_feeds WHERE course_id = ANY($1)",
                    &[&courses],
                )
                .await
                .map_err(|e| unavailable(&e))?;
            Ok(rows.iter().map(|row| (row.get(0), row.get(1))).collect())
        })
    }

    fn ready(&self) -> StoreFuture<'_, ()> {
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
