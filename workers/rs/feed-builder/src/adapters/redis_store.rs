//! The feed store in Redis: the facts (who is enrolled where, progress, course snapshots,
//! co-enrolment counts) in plain keys changed by Lua scripts, one atomic script per event, and
//! each student's feed as one JSON document (`feed_document`) that web reads.
//!
//! Keys, all under the prefix (`EDU_FEED_KEY_PREFIX`, `fb:`):
//!
//! | key | type | what |
//! |---|---|---|
//! | `student:<s>:courses` | set | the courses `s` is enrolled in (the guard of the counts) |
//! | `students:<c>` | set | the students of `c` (whose feeds a change of `c` touches) |
//! | `enrolment:<s>:<c>` | hash | `last` (ms), `progress`, `progress_version`, `completed` |
//! | `done:<s>:<c>` | set | the lessons `s` completed in `c` |
//! | `course:<c>` | hash | `version`, `title`, `published`, `lessons` (JSON) |
//! | `co:<c>` | sorted set | other course -> students who took both |
//! | `dirty`, `dirty:generation`, `dirty:next` | sorted set, hash, counter | courses whose students' feeds are rebuilt by the next refresh |
//! | `feed:v1:<s>` | string | the feed document |
//! | `consumer:<durable>` | string | set once the durable consumer reads into this store |

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::time::Duration;

use edu_common::clock::Clock;
use redis::Script;
use redis::aio::ConnectionManager;
use serde_json::Value;

use crate::adapters::feed_document;
use crate::app::ports::{DirtyMark, FeedStore, Recorded, StoreError, StoreFuture};
use crate::domain::events::{FeedEvent, Step};
use crate::domain::feed::{CourseInfo, Enrolment, Feed, StudentView};

const RECORD_PROGRESS: &str = include_str!("redis_store/record_progress.lua");
const RECORD_COURSE: &str = include_str!("redis_store/record_course.lua");
const VIEW: &str = include_str!("redis_store/view.lua");
const DIRTY: &str = include_str!("redis_store/dirty.lua");
const SETTLE: &str = include_str!("redis_store/settle.lua");

#[derive(Clone)]
pub struct RedisStore {
    connection: ConnectionManager,
    prefix: String,
    timeout: Duration,
    clock: Arc<dyn Clock>,
    record_progress: Arc<Script>,
    record_course: Arc<Script>,
    view: Arc<Script>,
    dirty: Arc<Script>,
    settle: Arc<Script>,
}

impl std::fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisStore")
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

fn failed(error: impl std::fmt::Display) -> StoreError {
    StoreError(error.to_string())
}

impl RedisStore {
    /// Connects (the manager reconnects by itself after Redis comes back).
    pub async fn connect(
        url: &str,
        prefix: &str,
        timeout: Duration,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, String> {
        let client = redis::Client::open(url).map_err(|e| format!("{url}: {e}"))?;
        let config = redis::aio::ConnectionManagerConfig::new()
            .set_connection_timeout(Some(timeout))
            .set_response_timeout(Some(timeout))
            .set_number_of_retries(1);
        let connection = tokio::time::timeout(
            timeout * 4,
            ConnectionManager::new_with_config(client, config),
        )
        .await
        .map_err(|_| {
            format!(
                "{url}: no connection within {} ms",
                (timeout * 4).as_millis()
            )
        })?
        .map_err(|e| format!("{url}: {e}"))?;
        Ok(Self {
            connection,
            prefix: prefix.to_owned(),
            timeout,
            clock,
            record_progress: Arc::new(Script::new(RECORD_PROGRESS)),
            record_course: Arc::new(Script::new(RECORD_COURSE)),
            view: Arc::new(Script::new(VIEW)),
            dirty: Arc::new(Script::new(DIRTY)),
            settle: Arc::new(Script::new(SETTLE)),
        })
    }

    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The key of a student's feed document (what web reads).
    pub fn feed_key(&self, student_id: &str) -> String {
        format!("{}feed:v1:{student_id}", self.prefix)
    }

    async fn within<T>(
        &self,
        call: impl Future<Output = redis::RedisResult<T>>,
    ) -> Result<T, StoreError> {
        match tokio::time::timeout(self.timeout, call).await {
            Ok(result) => result.map_err(failed),
            Err(_) => Err(StoreError(format!(
                "Redis gave no answer within {} ms",
                self.timeout.as_millis()
            ))),
        }
    }

    async fn command<T: redis::FromRedisValue>(
        &self,
        command: redis::Cmd,
    ) -> Result<T, StoreError> {
        let mut connection = self.connection.clone();
        self.within(command.query_async::<T>(&mut connection)).await
    }

    async fn run<T: redis::FromRedisValue>(
        &self,
        script: &Script,
        args: &[&str],
    ) -> Result<T, StoreError> {
        let mut connection = self.connection.clone();
        let mut invocation = script.prepare_invoke();
        invocation.arg(&self.prefix);
        for arg in args {
            invocation.arg(*arg);
        }
        self.within(invocation.invoke_async::<T>(&mut connection))
            .await
    }

    async fn record_event(&self, event: &FeedEvent) -> Result<Recorded, StoreError> {
        let outcome: i64 = match event {
            FeedEvent::Progress(p) => {
                let (kind, lesson, percent) = match &p.step {
                    Step::Enrolled => ("enrolled", "", 0),
                    Step::LessonCompleted {
                        lesson_id,
                        progress_percent,
                    } => ("lesson", lesson_id.as_str(), *progress_percent),
                    Step::CourseCompleted => ("completed", "", 0),
                };
                let (at, version, percent) = (
                    p.at_ms.to_string(),
                    p.version.to_string(),
                    percent.to_string(),
                );
                let args = [
                    p.student_id.as_str(),
                    &p.course_id,
                    &at,
                    &version,
                    kind,
                    lesson,
                    &percent,
                ];
                self.run(&self.record_progress, &args).await?
            }
            FeedEvent::Course(c) => {
                let lessons = serde_json::to_string(&c.lesson_ids).map_err(failed)?;
                let version = c.version.to_string();
                let published = if c.published { "1" } else { "0" };
                let args = [
                    c.course_id.as_str(),
                    &version,
                    published,
                    &c.title,
                    &lessons,
                ];
                let stored: i64 = self.run(&self.record_course, &args).await?;
                stored
            }
            FeedEvent::Other => return Ok(Recorded::Ignored),
        };
        Ok(match outcome {
            2 => Recorded::NewEnrolment,
            1 => Recorded::Changed,
            _ => Recorded::Unchanged,
        })
    }

    async fn read_view(&self, student_id: &str, limit: usize) -> Result<StudentView, StoreError> {
        let limit = limit.to_string();
        let json: String = self.run(&self.view, &[student_id, &limit]).await?;
        parse_view(student_id, &json)
    }

    async fn write_feed(&self, feed: &Feed) -> Result<(), StoreError> {
        let document = feed_document::to_json(feed, self.clock.now());
        let mut set = redis::cmd("SET");
        set.arg(self.feed_key(&feed.student_id)).arg(document);
        self.command(set).await
    }

    async fn read_dirty(&self, limit: usize) -> Result<Vec<DirtyMark>, StoreError> {
        let limit = limit.to_string();
        let flat: Vec<String> = self.run(&self.dirty, &[&limit]).await?;
        Ok(flat
            .chunks_exact(2)
            .map(|pair| DirtyMark {
                course_id: pair[0].clone(),
                generation: pair[1].parse().unwrap_or(0),
            })
            .collect())
    }

    async fn read_students(&self, course_id: &str) -> Result<Vec<String>, StoreError> {
        let mut members = redis::cmd("SMEMBERS");
        members.arg(format!("{}students:{course_id}", self.prefix));
        self.command(members).await
    }

    async fn settle_mark(&self, mark: &DirtyMark) -> Result<(), StoreError> {
        let generation = mark.generation.to_string();
        let _: i64 = self
            .run(&self.settle, &[&mark.course_id, &generation])
            .await?;
        Ok(())
    }

    /// Whether `key` (under the prefix) exists, and sets it when asked: the marker that this
    /// store holds what the durable consumer acknowledged (README: a Redis that lost its data
    /// is refilled from the stream's start).
    pub async fn marker(&self, key: &str, set: bool) -> Result<bool, StoreError> {
        let key = format!("{}{key}", self.prefix);
        if set {
            let mut call = redis::cmd("SET");
            call.arg(&key).arg("1");
            self.command::<()>(call).await?;
            return Ok(true);
        }
        let mut call = redis::cmd("EXISTS");
        call.arg(&key);
        Ok(self.command::<i64>(call).await? == 1)
    }

    /// Whether Redis answers.
    pub async fn ping(&self) -> Result<(), StoreError> {
        self.command::<String>(redis::cmd("PING")).await.map(|_| ())
    }
}

impl FeedStore for RedisStore {
    fn record(&self, event: &FeedEvent) -> StoreFuture<'_, Recorded> {
        let event = event.clone();
        Box::pin(async move { self.record_event(&event).await })
    }

    fn view(&self, student_id: &str, neighbours: usize) -> StoreFuture<'_, StudentView> {
        let student_id = student_id.to_owned();
        Box::pin(async move { self.read_view(&student_id, neighbours).await })
    }

    fn write(&self, feed: &Feed) -> StoreFuture<'_, ()> {
        let feed = feed.clone();
        Box::pin(async move { self.write_feed(&feed).await })
    }

    fn dirty(&self, limit: usize) -> StoreFuture<'_, Vec<DirtyMark>> {
        Box::pin(async move { self.read_dirty(limit).await })
    }

    fn students_of(&self, course_id: &str) -> StoreFuture<'_, Vec<String>> {
        let course_id = course_id.to_owned();
        Box::pin(async move { self.read_students(&course_id).await })
    }

    fn settle(&self, mark: &DirtyMark) -> StoreFuture<'_, ()> {
        let mark = mark.clone();
        Box::pin(async move { self.settle_mark(&mark).await })
    }
}

/// A list as cjson writes it: an array, or `{}` when empty.
fn list(value: &Value) -> &[Value] {
    value.as_array().map_or(&[], Vec::as_slice)
}

fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => String::new(),
    }
}

fn number<T: std::str::FromStr + Default>(value: &Value) -> T {
    text(value).parse().unwrap_or_default()
}

/// The view script's JSON into the domain's [`StudentView`].
fn parse_view(student_id: &str, json: &str) -> Result<StudentView, StoreError> {
    let all: Value = serde_json::from_str(json).map_err(failed)?;
    let mut view = StudentView {
        student_id: student_id.to_owned(),
        ..StudentView::default()
    };
    for row in list(&all["enrolments"]) {
        let row = list(row);
        let [course, last, progress, completed, done] = row else {
            return Err(StoreError(format!(
                "an enrolment row of {} fields",
                row.len()
            )));
        };
        view.enrolments.push(Enrolment {
            course_id: text(course),
            last_activity_ms: number(last),
            progress_percent: number(progress),
            completed: text(completed) == "1",
            done_lessons: list(done).iter().map(text).collect::<BTreeSet<_>>(),
        });
    }
    for row in list(&all["neighbours"]) {
        let row = list(row);
        let [course, links] = row else {
            return Err(StoreError(format!(
                "a neighbours row of {} fields",
                row.len()
            )));
        };
        let links = list(links)
            .chunks_exact(2)
            // Scores come back as text; counts are whole numbers ("3"), as ZINCRBY by 1 leaves them.
            .map(|pair| (text(&pair[0]), number::<u32>(&pair[1])))
            .collect();
        view.neighbours.insert(text(course), links);
    }
    let mut courses = HashMap::new();
    for row in list(&all["courses"]) {
        let row = list(row);
        let [course, title, published, lessons] = row else {
            return Err(StoreError(format!("a course row of {} fields", row.len())));
        };
        let lesson_ids: Vec<String> = serde_json::from_str(&text(lessons)).unwrap_or_default();
        courses.insert(
            text(course),
            CourseInfo {
                title: text(title),
                published: text(published) == "1",
                lesson_ids,
            },
        );
    }
    view.courses = courses;
    Ok(view)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_view_with_empty_lists_written_as_objects_is_read() {
        let json =
            r#"{"enrolments":[["c-1","1500","40","0",{}]],"neighbours":[["c-1",{}]],"courses":{}}"#;
        let view = parse_view("s-1", json).unwrap();
        assert_eq!(view.enrolments[0].last_activity_ms, 1500);
        assert_eq!(view.enrolments[0].progress_percent, 40);
        assert!(view.neighbours["c-1"].is_empty());
        assert!(view.courses.is_empty());
    }

    #[test]
    fn links_courses_and_lessons_are_read() {
        let json = r#"{"enrolments":[["c-1","0","0","1",["l-1"]]],
            "neighbours":[["c-1",["c-2","3","c-3","1"]]],
            "courses":[["c-2","SQL","1","[\"l-9\"]"]]}"#;
        let view = parse_view("s-1", json).unwrap();
        assert!(view.enrolments[0].completed);
        assert!(view.enrolments[0].done_lessons.contains("l-1"));
        assert_eq!(
            view.neighbours["c-1"],
            [("c-2".to_owned(), 3), ("c-3".to_owned(), 1)]
        );
        assert_eq!(view.courses["c-2"].lesson_ids, ["l-9"]);
        assert!(view.courses["c-2"].published);
    }

    #[test]
    fn a_row_of_the_wrong_shape_is_an_error_not_a_guess() {
        assert!(parse_view("s", r#"{"enrolments":[["c-1"]]}"#).is_err());
        assert!(parse_view("s", "not json").is_err());
    }
}
