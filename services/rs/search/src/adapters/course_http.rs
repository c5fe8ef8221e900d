//! The course service's public catalogue over HTTP: `GET /courses/{id}` answers a published
//! course (summary, level, tags, lesson outline, version) and 404 once it is not published.

use std::str::FromStr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::Deserialize;

use crate::app::ports::{CourseDirectory, CourseSnapshot, DirectoryError, SnapshotFuture};
use crate::domain::catalogue::Listing;

#[derive(Debug, Clone)]
pub struct HttpCourseDirectory {
    base: String,
    client: reqwest::Client,
}

#[derive(Debug, Deserialize)]
struct PublishedCourse {
    teacher_id: String,
    title: String,
    #[serde(default)]
    summary: String,
    level: String,
    #[serde(default)]
    tags: Vec<String>,
    version: u32,
    #[serde(default)]
    published_at: Option<String>,
    #[serde(default)]
    lessons: Vec<LessonOutline>,
}

#[derive(Debug, Deserialize)]
struct LessonOutline {
    title: String,
}

impl HttpCourseDirectory {
    pub fn new(base_url: &str, timeout: Duration) -> Result<Self, DirectoryError> {
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .build()
            .map_err(|e| DirectoryError(format!("an HTTP client: {e}")))?;
        Ok(Self {
            base: base_url.trim_end_matches('/').to_owned(),
            client,
        })
    }

    async fn fetch(&self, course_id: &str) -> Result<Option<CourseSnapshot>, DirectoryError> {
        // Course ids are UUIDs; anything else cannot be a published course (nor go in a path).
        if course_id.is_empty()
            || !course_id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            return Ok(None);
        }
        let url = format!("{}/courses/{course_id}", self.base);
        let response = self
            .client
            .get(&url)
            .send()
            .await
            .map_err(|e| DirectoryError(format!("{url}: {e}")))?;
        let status = response.status();
        // 404: not published (any more); 422: not a course id at all (never published).
        if status == reqwest::StatusCode::NOT_FOUND || status.as_u16() == 422 {
            return Ok(None);
        }
        if !status.is_success() {
            return Err(DirectoryError(format!("{url}: {status}")));
        }
        let course: PublishedCourse = response
            .json()
            .await
            .map_err(|e| DirectoryError(format!("{url}: an unreadable course: {e}")))?;
        Ok(Some(CourseSnapshot {
            version: course.version,
            listing: Listing {
                title: course.title,
                summary: course.summary,
                level: course.level,
                tags: course.tags,
                teacher_id: course.teacher_id,
                lessons: course.lessons.into_iter().map(|l| l.title).collect(),
                published_at: course
                    .published_at
                    .as_deref()
                    .and_then(|at| prost_types::Timestamp::from_str(at).ok())
                    .map_or_else(now_seconds, |at| at.seconds),
            },
        }))
    }
}

fn now_seconds() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

impl CourseDirectory for HttpCourseDirectory {
    fn published(&self, course_id: &str) -> SnapshotFuture<'_> {
        let course_id = course_id.to_owned();
        Box::pin(async move { self.fetch(&course_id).await })
    }
}
