//! The feed as web reads it from Redis (`<prefix>feed:v1:<student id>`): one JSON document per
//! student, replaced whole. `contracts/feeds/feed-v1.json` is an example both sides test
//! against: this writer produces it exactly, web's reader (edu.web.clients.feed) reads it.
//! A change that is not additive needs a new key (`feed:v2:`) and web reading both meanwhile.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::Serialize;

use crate::domain::feed::{ContinueItem, Feed};
use crate::domain::recommend::Recommendation;

/// The document's `schema`, and the part of the key after the prefix.
pub const SCHEMA: &str = "edu.feed.v1";

#[derive(Debug, Serialize)]
struct Document<'a> {
    schema: &'static str,
    student_id: &'a str,
    built_at: String,
    continue_learning: Vec<ContinueJson<'a>>,
    recommended: Vec<RecommendationJson<'a>>,
}

#[derive(Debug, Serialize)]
struct ContinueJson<'a> {
    course_id: &'a str,
    title: Option<&'a str>,
    progress_percent: u32,
    last_activity_at: Option<String>,
    next_lesson_id: Option<&'a str>,
}

#[derive(Debug, Serialize)]
struct RecommendationJson<'a> {
    course_id: &'a str,
    title: &'a str,
    students: u32,
    because_course_id: &'a str,
    because_title: Option<&'a str>,
    reason: &'a str,
}

/// `time` as the protobuf JSON mapping writes it (`2026-12-05T12:00:00.123Z`).
pub fn rfc3339(time: SystemTime) -> String {
    prost_types::Timestamp::from(time).to_string()
}

fn at_millis(ms: i64) -> Option<String> {
    let ms = u64::try_from(ms).ok().filter(|ms| *ms > 0)?;
    Some(rfc3339(UNIX_EPOCH + Duration::from_millis(ms)))
}

fn continue_json(item: &ContinueItem) -> ContinueJson<'_> {
    ContinueJson {
        course_id: &item.course_id,
        title: item.title.as_deref(),
        progress_percent: item.progress_percent,
        last_activity_at: at_millis(item.last_activity_ms),
        next_lesson_id: item.next_lesson_id.as_deref(),
    }
}

fn recommendation_json(item: &Recommendation) -> RecommendationJson<'_> {
    RecommendationJson {
        course_id: &item.course_id,
        title: &item.title,
        students: item.students,
        because_course_id: &item.because_course_id,
        because_title: item.because_title.as_deref(),
        reason: &item.reason,
    }
}

/// The document for `feed`, built at `built_at`.
pub fn to_json(feed: &Feed, built_at: SystemTime) -> Vec<u8> {
    let document = Document {
        schema: SCHEMA,
        student_id: &feed.student_id,
        built_at: rfc3339(built_at),
        continue_learning: feed.continue_learning.iter().map(continue_json).collect(),
        recommended: feed.recommended.iter().map(recommendation_json).collect(),
    };
    // Plain strings and numbers: serialising cannot fail.
    serde_json::to_vec(&document).unwrap_or_default()
}

#[cfg(test)]
mod tests;
