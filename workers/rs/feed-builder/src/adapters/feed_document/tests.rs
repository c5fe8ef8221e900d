use serde_json::Value;

use super::*;

/// The example web's reader is tested against (edu.web.clients.feed).
const CONTRACT: &str = include_str!("../../../../../../contracts/feeds/feed-v1.json");

fn example() -> Feed {
    Feed {
        student_id: "5b1f0000-0000-4000-8000-000000000001".into(),
        continue_learning: vec![
            ContinueItem {
                course_id: "c0000000-0000-4000-8000-000000000001".into(),
                title: Some("Rust for beginners".into()),
                progress_percent: 40,
                last_activity_ms: 1_796_406_307_123,
                next_lesson_id: Some("1e550000-0000-4000-8000-000000000003".into()),
            },
            ContinueItem {
                course_id: "c0000000-0000-4000-8000-000000000002".into(),
                title: None,
                progress_percent: 0,
                last_activity_ms: 0,
                next_lesson_id: None,
            },
        ],
        recommended: vec![Recommendation {
            course_id: "c0000000-0000-4000-8000-000000000003".into(),
            title: "SQL in practice".into(),
            students: 3,
            because_course_id: "c0000000-0000-4000-8000-000000000001".into(),
            because_title: Some("Rust for beginners".into()),
            reason: "3 students who took Rust for beginners also took this".into(),
        }],
    }
}

#[test]
fn the_writer_produces_the_committed_example_web_reads() {
    let built_at = UNIX_EPOCH + Duration::from_secs(1_796_406_400);
    let written: Value = serde_json::from_slice(&to_json(&example(), built_at)).unwrap();
    let committed: Value = serde_json::from_str(CONTRACT).unwrap();
    assert_eq!(
        written,
        committed,
        "the feed document changed: update contracts/feeds/feed-v1.json and web's reader \
         together (additive only; otherwise a feed:v2 key):\n{}",
        serde_json::to_string_pretty(&written).unwrap()
    );
}

#[test]
fn unknown_times_are_null_not_the_epoch() {
    assert_eq!(at_millis(0), None);
    assert_eq!(at_millis(-5), None);
    assert_eq!(at_millis(1500).as_deref(), Some("1970-01-01T00:00:01.500Z"));
}
