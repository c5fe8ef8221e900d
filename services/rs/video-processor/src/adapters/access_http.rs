//! Who may upload and watch, asked of course and enrollment over HTTP with the caller's own
//! token: course's `GET /teaching/courses/{id}` answers 200 (with the lessons) only to the
//! course's teacher, 404/403 to anyone else; enrollment's `GET /enrollments` lists the calling
//! student's enrolments (an active one in the video's course lets them watch). One request each,
//! no cache (a revoked enrolment stops the next link at once; links already given last until
//! they expire).

use std::time::Duration;

use reqwest::StatusCode;
use serde::Deserialize;
use uuid::Uuid;

use crate::app::ports::{Access, AccessError, AccessFuture};

#[derive(Debug, Clone)]
pub struct HttpAccess {
    http: reqwest::Client,
    course_url: String,
    enrollment_url: String,
}

#[derive(Debug, Deserialize)]
struct CourseJson {
    #[serde(default)]
    lessons: Vec<LessonJson>,
}

#[derive(Debug, Deserialize)]
struct LessonJson {
    id: String,
}

#[derive(Debug, Deserialize)]
struct EnrollmentJson {
    course_id: String,
    #[serde(default)]
    status: String,
}

impl HttpAccess {
    pub fn new(course_url: &str, enrollment_url: &str, timeout: Duration) -> Self {
        Self {
            http: reqwest::Client::builder()
                .timeout(timeout)
                .build()
                .unwrap_or_default(),
            course_url: course_url.trim_end_matches('/').to_owned(),
            enrollment_url: enrollment_url.trim_end_matches('/').to_owned(),
        }
    }

    async fn taught_lessons_(
        &self,
        token: &str,
        course: Uuid,
    ) -> Result<Option<Vec<Uuid>>, AccessError> {
        let url = format!("{}/teaching/courses/{course}", self.course_url);
        let response = self
            .http
            .get(&url)
            .bearer_auth(token)
            .send()
            .await
            .map_err(|e| AccessError(format!("course at {url}: {e}")))?;
        match response.status() {
            StatusCode::OK => {
                let course: CourseJson = response
                    .json()
                    .await
                    .map_err(|e| AccessError(format!("course's answer: {e}")))?;
                Ok(Some(
                    course
                        .lessons
                        .iter()
                        .filter_map(|l| Uuid::parse_str(&l.id).ok())
                        .collect(),
                ))
            }
            StatusCode::NOT_FOUND | StatusCode::FORBIDDEN | StatusCode::UNPROCESSABLE_ENTITY => {
                Ok(None)
            }
            other => Err(AccessError(format!("course answered {other}"))),
        }
    }

    async fn enrolled_(&self, token: &str, course: Uuid) -> Result<bool, AccessError> {
        let url = format!("{}/enrollments", self.enrollment_url);
        let response = self
            .http
            .get(&url)
            .bearer_auth(token)
            .send()
            .await
            .map_err(|e| AccessError(format!("enrollment at {url}: {e}")))?;
        match response.status() {
            StatusCode::OK => {
                let enrolments: Vec<EnrollmentJson> = response
                    .json()
                    .await
                    .map_err(|e| AccessError(format!("enrollment's answer: {e}")))?;
                Ok(enrolments.iter().any(|e| {
                    Uuid::parse_str(&e.course_id).ok() == Some(course) && e.status != "revoked"
                }))
            }
            // Not a student (enrollment's StudentDep answers 403): not enrolled.
            StatusCode::FORBIDDEN => Ok(false),
            other => Err(AccessError(format!("enrollment answered {other}"))),
        }
    }
}

impl Access for HttpAccess {
    fn taught_lessons<'a>(
        &'a self,
        token: &'a str,
        course: Uuid,
    ) -> AccessFuture<'a, Option<Vec<Uuid>>> {
        Box::pin(self.taught_lessons_(token, course))
    }

    fn enrolled<'a>(&'a self, token: &'a str, course: Uuid) -> AccessFuture<'a, bool> {
        Box::pin(self.enrolled_(token, course))
    }
}
