//! Python <-> Rust: the generated Rust types encode every events/v1 vector of
//! `proto/testdata/events_v1_vectors.json` to exactly the bytes Python's protobuf runtime wrote
//! (so Python decodes what Rust sends), and decode those bytes back to the same values (so Rust
//! reads what Python sends). The values are built here from the vector's JSON by hand, field by
//! field: a field Rust lacks, misnames or types differently fails one of the two directions.

use edu_proto_gen::edu::events::v1::{
    CertificateIssued, CourseCompleted, CoursePrice, CoursePublished, CourseUnpublished,
    CourseUpdated, EnrollmentCreated, EventEnvelope, LearningEvent, LearningEventBatch,
    LessonCompleted, LessonFinished, LessonHeartbeat, LessonOpened, ModeratedItemKind,
    ModerationDecided, ModerationOutcome, ModerationReason, PaymentFailed, PaymentRefunded,
    PaymentSucceeded, QaAnswerPosted, QaQuestionPosted, Role, SearchPerformed, UserRegistered,
    UserRoleGranted, VideoPaused, VideoPlayed, VideoRendition, VideoSeeked, VideoTranscoded,
    VideoTranscodingFailed, VideoTranscodingProgressed, VideoUploaded, event_envelope::Payload,
    learning_event::Payload as LearningPayload,
};
use prost::Message;
use serde_json::Value;

const VECTORS: &str = include_str!("../../../../proto/testdata/events_v1_vectors.json");

fn text(value: &Value, field: &str) -> String {
    value[field].as_str().unwrap_or_default().to_owned()
}

fn texts(value: &Value, field: &str) -> Vec<String> {
    value[field]
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|item| item.as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

fn number(value: &Value, field: &str) -> u32 {
    value[field]
        .as_u64()
        .map_or(0, |n| u32::try_from(n).expect("a uint32 field"))
}

/// An int64 in the protobuf JSON mapping: a decimal string.
fn minor(value: &Value, field: &str) -> i64 {
    value[field].as_str().map_or(0, |n| {
        n.parse().expect("an int64 field as a decimal string")
    })
}

/// A uint64 in the protobuf JSON mapping: a decimal string.
fn unsigned(value: &Value, field: &str) -> u64 {
    value[field].as_str().map_or(0, |n| {
        n.parse().expect("a uint64 field as a decimal string")
    })
}

fn renditions(value: &Value) -> Vec<VideoRendition> {
    value["renditions"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|item| VideoRendition {
                    height: number(item, "height"),
                    width: number(item, "width"),
                    bandwidth: number(item, "bandwidth"),
                    playlist_key: text(item, "playlist_key"),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// A course's price, when the vector has one.
fn course_price(value: &Value) -> Option<CoursePrice> {
    value.get("price").map(|price| CoursePrice {
        currency_code: text(price, "currency_code"),
        amount_minor: minor(price, "amount_minor"),
    })
}

fn moderated_item_kind(value: &Value, field: &str) -> i32 {
    ModeratedItemKind::from_str_name(
        value[field]
            .as_str()
            .unwrap_or("MODERATED_ITEM_KIND_UNSPECIFIED"),
    )
    .expect("a known item kind") as i32
}

fn moderation_outcome(value: &Value, field: &str) -> i32 {
    ModerationOutcome::from_str_name(
        value[field]
            .as_str()
            .unwrap_or("MODERATION_OUTCOME_UNSPECIFIED"),
    )
    .expect("a known outcome") as i32
}

fn moderation_reasons(value: &Value) -> Vec<ModerationReason> {
    value["reasons"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|item| ModerationReason {
                    code: text(item, "code"),
                    detail: text(item, "detail"),
                })
                .collect()
        })
        .unwrap_or_default()
}

fn moderation_decided(p: &Value) -> ModerationDecided {
    ModerationDecided {
        item_id: text(p, "item_id"),
        kind: moderated_item_kind(p, "kind"),
        subject_id: text(p, "subject_id"),
        course_id: text(p, "course_id"),
        author_id: text(p, "author_id"),
        outcome: moderation_outcome(p, "outcome"),
        reasons: moderation_reasons(p),
        reviewer_id: text(p, "reviewer_id"),
        subject_version: number(p, "subject_version"),
    }
}

fn role(value: &Value, field: &str) -> i32 {
    Role::from_str_name(value[field].as_str().unwrap_or("ROLE_UNSPECIFIED")).expect("a known role")
        as i32
}

/// RFC 3339 with up to nine fractional digits, UTC ("Z"), as the protobuf JSON mapping writes.
fn timestamp(rfc3339: &str) -> prost_types::Timestamp {
    let (date, time) = rfc3339.trim_end_matches('Z').split_once('T').unwrap();
    let mut ymd = date.split('-').map(|p| p.parse::<i64>().unwrap());
    let (year, month, day) = (
        ymd.next().unwrap(),
        ymd.next().unwrap(),
        ymd.next().unwrap(),
    );
    let (clock, fraction) = time.split_once('.').unwrap_or((time, "0"));
    let mut hms = clock.split(':').map(|p| p.parse::<i64>().unwrap());
    let (hour, minute, second) = (
        hms.next().unwrap(),
        hms.next().unwrap(),
        hms.next().unwrap(),
    );
    // Days from the civil date (Howard Hinnant's algorithm).
    let (y, m) = if month <= 2 {
        (year - 1, month + 9)
    } else {
        (year, month - 3)
    };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * m + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let nanos = format!("{fraction:0<9}")[..9].parse::<i32>().unwrap();
    prost_types::Timestamp {
        seconds: days * 86_400 + hour * 3_600 + minute * 60 + second,
        nanos,
    }
}

/// The video events' payloads (published by video-processor and video-transcoder).
fn video_payload(kind: &str, p: &Value) -> Payload {
    match kind {
        "video_uploaded" => Payload::VideoUploaded(VideoUploaded {
            video_id: text(p, "video_id"),
            course_id: text(p, "course_id"),
            lesson_id: text(p, "lesson_id"),
            teacher_id: text(p, "teacher_id"),
            content_type: text(p, "content_type"),
            size_bytes: unsigned(p, "size_bytes"),
            sha256: text(p, "sha256"),
            object_key: text(p, "object_key"),
        }),
        "video_transcoding_progressed" => {
            Payload::VideoTranscodingProgressed(VideoTranscodingProgressed {
                video_id: text(p, "video_id"),
                percent: number(p, "percent"),
            })
        }
        "video_transcoded" => Payload::VideoTranscoded(VideoTranscoded {
            video_id: text(p, "video_id"),
            renditions: renditions(p),
            master_playlist_key: text(p, "master_playlist_key"),
            poster_key: text(p, "poster_key"),
            duration_ms: unsigned(p, "duration_ms"),
            source_height: number(p, "source_height"),
        }),
        "video_transcoding_failed" => Payload::VideoTranscodingFailed(VideoTranscodingFailed {
            video_id: text(p, "video_id"),
            reason: text(p, "reason"),
        }),
        other => panic!("vector payload {other:?} has no Rust mapping in this test: add one"),
    }
}

fn payload(kind: &str, p: &Value) -> Payload {
    match kind {
        "user_registered" => Payload::UserRegistered(UserRegistered {
            user_id: text(p, "user_id"),
            email: text(p, "email"),
            role: role(p, "role"),
        }),
        "user_role_granted" => Payload::UserRoleGranted(UserRoleGranted {
            user_id: text(p, "user_id"),
            role: role(p, "role"),
        }),
        "course_published" => Payload::CoursePublished(CoursePublished {
            course_id: text(p, "course_id"),
            teacher_id: text(p, "teacher_id"),
            title: text(p, "title"),
            lesson_ids: texts(p, "lesson_ids"),
            price: course_price(p),
        }),
        "course_unpublished" => Payload::CourseUnpublished(CourseUnpublished {
            course_id: text(p, "course_id"),
            teacher_id: text(p, "teacher_id"),
            title: text(p, "title"),
            lesson_ids: texts(p, "lesson_ids"),
            price: course_price(p),
        }),
        "course_updated" => Payload::CourseUpdated(CourseUpdated {
            course_id: text(p, "course_id"),
            teacher_id: text(p, "teacher_id"),
            title: text(p, "title"),
            lesson_ids: texts(p, "lesson_ids"),
            price: course_price(p),
        }),
        "enrollment_created" => Payload::EnrollmentCreated(EnrollmentCreated {
            enrollment_id: text(p, "enrollment_id"),
            student_id: text(p, "student_id"),
            course_id: text(p, "course_id"),
        }),
        "lesson_completed" => Payload::LessonCompleted(LessonCompleted {
            enrollment_id: text(p, "enrollment_id"),
            student_id: text(p, "student_id"),
            course_id: text(p, "course_id"),
            lesson_id: text(p, "lesson_id"),
            progress_percent: number(p, "progress_percent"),
        }),
        "course_completed" => Payload::CourseCompleted(CourseCompleted {
            enrollment_id: text(p, "enrollment_id"),
            student_id: text(p, "student_id"),
            course_id: text(p, "course_id"),
        }),
        "certificate_issued" => Payload::CertificateIssued(CertificateIssued {
            certificate_id: text(p, "certificate_id"),
            enrollment_id: text(p, "enrollment_id"),
            student_id: text(p, "student_id"),
            course_id: text(p, "course_id"),
            verification_code: text(p, "verification_code"),
        }),
        "payment_succeeded" => Payload::PaymentSucceeded(PaymentSucceeded {
            payment_id: text(p, "payment_id"),
            student_id: text(p, "student_id"),
            course_id: text(p, "course_id"),
            currency_code: text(p, "currency_code"),
            amount_minor: minor(p, "amount_minor"),
        }),
        "payment_failed" => Payload::PaymentFailed(PaymentFailed {
            payment_id: text(p, "payment_id"),
            student_id: text(p, "student_id"),
            course_id: text(p, "course_id"),
            reason: text(p, "reason"),
        }),
        "payment_refunded" => Payload::PaymentRefunded(PaymentRefunded {
            payment_id: text(p, "payment_id"),
            student_id: text(p, "student_id"),
            course_id: text(p, "course_id"),
            currency_code: text(p, "currency_code"),
            amount_minor: minor(p, "amount_minor"),
        }),
        "qa_question_posted" => Payload::QaQuestionPosted(QaQuestionPosted {
            question_id: text(p, "question_id"),
            course_id: text(p, "course_id"),
            author_id: text(p, "author_id"),
            body: text(p, "body"),
        }),
        "qa_answer_posted" => Payload::QaAnswerPosted(QaAnswerPosted {
            answer_id: text(p, "answer_id"),
            question_id: text(p, "question_id"),
            course_id: text(p, "course_id"),
            author_id: text(p, "author_id"),
            body: text(p, "body"),
        }),
        "moderation_decided" => Payload::ModerationDecided(moderation_decided(p)),
        video if video.starts_with("video_") => video_payload(video, p),
        other => panic!("vector payload {other:?} has no Rust mapping in this test: add one"),
    }
}

fn envelope(name: &str, json: &Value) -> EventEnvelope {
    EventEnvelope {
        id: text(json, "id"),
        r#type: text(json, "type"),
        occurred_at: json["occurred_at"].as_str().map(timestamp),
        aggregate: text(json, "aggregate"),
        aggregate_id: text(json, "aggregate_id"),
        version: number(json, "version"),
        payload: Some(payload(name, &json[name])),
    }
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::new(), |mut text, b| {
        let _ = write!(text, "{b:02x}");
        text
    })
}

fn unhex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

fn all_vectors() -> Vec<Value> {
    serde_json::from_str::<Value>(VECTORS)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

fn vectors_of(message: &str) -> Vec<Value> {
    all_vectors()
        .into_iter()
        .filter(|vector| vector["message"] == message)
        .collect()
}

/// The envelope's vectors.
fn vectors() -> Vec<Value> {
    vectors_of("edu.events.v1.EventEnvelope")
}

fn learning_payload(case: &str, p: &Value) -> LearningPayload {
    match case {
        "lesson_opened" => LearningPayload::LessonOpened(LessonOpened {
            lesson_id: text(p, "lesson_id"),
        }),
        "lesson_heartbeat" => LearningPayload::LessonHeartbeat(LessonHeartbeat {
            lesson_id: text(p, "lesson_id"),
            position_seconds: number(p, "position_seconds"),
            duration_seconds: number(p, "duration_seconds"),
            active_seconds: number(p, "active_seconds"),
        }),
        "lesson_finished" => LearningPayload::LessonFinished(LessonFinished {
            lesson_id: text(p, "lesson_id"),
            active_seconds: number(p, "active_seconds"),
        }),
        "search_performed" => LearningPayload::SearchPerformed(SearchPerformed {
            query: text(p, "query"),
            results: number(p, "results"),
        }),
        "video_played" => LearningPayload::VideoPlayed(VideoPlayed {
            lesson_id: text(p, "lesson_id"),
            position_seconds: number(p, "position_seconds"),
        }),
        "video_paused" => LearningPayload::VideoPaused(VideoPaused {
            lesson_id: text(p, "lesson_id"),
            position_seconds: number(p, "position_seconds"),
        }),
        "video_seeked" => LearningPayload::VideoSeeked(VideoSeeked {
            lesson_id: text(p, "lesson_id"),
            from_seconds: number(p, "from_seconds"),
            to_seconds: number(p, "to_seconds"),
        }),
        other => panic!("learning payload {other:?} has no Rust mapping in this test: add one"),
    }
}

/// Exhaustive on purpose, like `case_name`: a new oneof case does not compile until mapped.
fn learning_case_name(payload: &LearningPayload) -> &'static str {
    match payload {
        LearningPayload::LessonOpened(_) => "lesson_opened",
        LearningPayload::LessonHeartbeat(_) => "lesson_heartbeat",
        LearningPayload::LessonFinished(_) => "lesson_finished",
        LearningPayload::SearchPerformed(_) => "search_performed",
        LearningPayload::VideoPlayed(_) => "video_played",
        LearningPayload::VideoPaused(_) => "video_paused",
        LearningPayload::VideoSeeked(_) => "video_seeked",
    }
}

const LEARNING_CASES: [&str; 7] = [
    "lesson_opened",
    "lesson_heartbeat",
    "lesson_finished",
    "search_performed",
    "video_played",
    "video_paused",
    "video_seeked",
];

fn learning_event(json: &Value) -> LearningEvent {
    let case = LEARNING_CASES
        .iter()
        .find(|case| json.get(**case).is_some())
        .expect("a learning event vector carries a payload");
    LearningEvent {
        id: text(json, "id"),
        r#type: text(json, "type"),
        user_id: text(json, "user_id"),
        occurred_at: json["occurred_at"].as_str().map(timestamp),
        received_at: json["received_at"].as_str().map(timestamp),
        course_id: text(json, "course_id"),
        session_id: text(json, "session_id"),
        payload: Some(learning_payload(case, &json[*case])),
    }
}

fn learning_batch(json: &Value) -> LearningEventBatch {
    LearningEventBatch {
        events: json["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(learning_event)
            .collect(),
    }
}

#[test]
fn learning_events_and_batches_encode_to_pythons_bytes_and_decode_back() {
    let events = vectors_of("edu.events.v1.LearningEvent");
    let mut cases: Vec<&str> = Vec::new();
    for vector in &events {
        let name = vector["name"].as_str().unwrap();
        let built = learning_event(&vector["json"]);
        let bytes = vector["binary_hex"].as_str().unwrap();
        assert_eq!(hex(&built.encode_to_vec()), bytes, "vector {name}");
        let decoded = LearningEvent::decode(unhex(bytes).as_slice()).unwrap();
        assert_eq!(decoded, built, "vector {name}");
        let case = learning_case_name(built.payload.as_ref().unwrap());
        assert_eq!(format!("learning_{case}"), name);
        cases.push(case);
    }
    cases.sort_unstable();
    let mut expected = LEARNING_CASES.to_vec();
    expected.sort_unstable();
    assert_eq!(cases, expected, "every learning payload has a vector");
    let batches = vectors_of("edu.events.v1.LearningEventBatch");
    assert!(!batches.is_empty(), "a LearningEventBatch vector");
    for vector in batches {
        let built = learning_batch(&vector["json"]);
        let bytes = vector["binary_hex"].as_str().unwrap();
        assert_eq!(hex(&built.encode_to_vec()), bytes);
        assert_eq!(
            LearningEventBatch::decode(unhex(bytes).as_slice()).unwrap(),
            built
        );
    }
}

#[test]
fn rust_encodes_every_vector_to_the_bytes_python_wrote() {
    for vector in vectors() {
        let name = vector["name"].as_str().unwrap();
        let built = envelope(name, &vector["json"]);
        assert_eq!(
            hex(&built.encode_to_vec()),
            vector["binary_hex"].as_str().unwrap(),
            "vector {name}: Rust's encoding differs from Python's"
        );
    }
}

#[test]
fn rust_decodes_the_bytes_python_wrote_to_the_same_values() {
    for vector in vectors() {
        let name = vector["name"].as_str().unwrap();
        let decoded =
            EventEnvelope::decode(unhex(vector["binary_hex"].as_str().unwrap()).as_slice())
                .unwrap_or_else(|error| panic!("vector {name}: {error}"));
        assert_eq!(decoded, envelope(name, &vector["json"]), "vector {name}");
    }
}

/// Exhaustive on purpose: a oneof case added to envelope.proto does not compile here until it
/// has a mapping above (and the Python test wants a vector for every case).
fn case_name(payload: &Payload) -> &'static str {
    match payload {
        Payload::UserRegistered(_) => "user_registered",
        Payload::UserRoleGranted(_) => "user_role_granted",
        Payload::CoursePublished(_) => "course_published",
        Payload::CourseUnpublished(_) => "course_unpublished",
        Payload::CourseUpdated(_) => "course_updated",
        Payload::EnrollmentCreated(_) => "enrollment_created",
        Payload::LessonCompleted(_) => "lesson_completed",
        Payload::CourseCompleted(_) => "course_completed",
        Payload::CertificateIssued(_) => "certificate_issued",
        Payload::PaymentSucceeded(_) => "payment_succeeded",
        Payload::PaymentFailed(_) => "payment_failed",
        Payload::PaymentRefunded(_) => "payment_refunded",
        Payload::QaQuestionPosted(_) => "qa_question_posted",
        Payload::QaAnswerPosted(_) => "qa_answer_posted",
        Payload::ModerationDecided(_) => "moderation_decided",
        Payload::VideoUploaded(_) => "video_uploaded",
        Payload::VideoTranscodingProgressed(_) => "video_transcoding_progressed",
        Payload::VideoTranscoded(_) => "video_transcoded",
        Payload::VideoTranscodingFailed(_) => "video_transcoding_failed",
    }
}

#[test]
fn each_vector_carries_the_payload_it_is_named_for() {
    for vector in vectors() {
        let name = vector["name"].as_str().unwrap();
        let built = envelope(name, &vector["json"]);
        assert_eq!(case_name(built.payload.as_ref().unwrap()), name);
    }
}

#[test]
fn the_timestamp_parser_agrees_with_a_known_instant() {
    let parsed = timestamp("2026-12-04T17:45:07.123456789Z");
    assert_eq!(parsed.seconds, 1_796_406_307);
    assert_eq!(parsed.nanos, 123_456_789);
}
