//! search <- course and enrollment: the events the catalogue reads, as message pacts
//! (`contracts/pacts/search-course.json`, `search-enrollment.json`; ADR 0011, ADR 0025),
//! verified against the real producers by
//! `contracts/tests/provider/test_verify_rust_consumers.py`.
//!
//! Each example is handed to what the JetStream consumer runs on a message
//! (`adapters::envelope::decode`, then `Indexer::apply` and `commit`) over a real tantivy index
//! in memory, the course service's `GET /courses/{id}` played by the suite's HTTP fake and read
//! by the real `HttpCourseDirectory`. Only what search reads is in the pacts: the type, the
//! envelope's version (course events are applied by version) and the payload's course id, and
//! an enrolment's or completion's enrollment id (each counted once). Ids and versions are
//! matched by shape, so the producer is never asked for these values.

mod support;

use std::sync::Arc;
use std::time::Duration;

use edu_testing::pact::{Event, MessagePact, UUID, integer, regex};
use search::adapters::course_http::HttpCourseDirectory;
use search::adapters::envelope::decode;
use search::adapters::tantivy_index::TantivyIndex;
use search::app::indexing::{CatalogueEvent, Indexer, Outcome};
use search::app::ports::SearchIndex;
use serde_json::json;
use support::{Course, FakeCourseService};

const COURSE_ID: &str = "0b7e8f3a-2c4d-4e5f-8a9b-1c2d3e4f5a6b";
const ENROLLMENT_ID: &str = "7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d";

/// A course event as search reads it: type, version, the payload's course id.
fn course_event<'a>(
    description: &'a str,
    state: &'a str,
    kind: &'a str,
    version: u32,
) -> Event<'a> {
    let member = kind.replace('.', "_");
    Event {
        description,
        state,
        event_type: kind,
        content: json!({"type": kind, "version": version, member.clone(): {"course_id": COURSE_ID}}),
        rules: vec![
            ("$.version".to_owned(), integer()),
            (format!("$.{member}.course_id"), regex(UUID)),
        ],
    }
}

/// An enrolment or completion as search reads it: type, the payload's two ids.
fn enrolment_event<'a>(description: &'a str, state: &'a str, kind: &'a str) -> Event<'a> {
    let member = kind.replace('.', "_");
    Event {
        description,
        state,
        event_type: kind,
        content: json!({"type": kind, member.clone(): {
            "enrollment_id": ENROLLMENT_ID, "course_id": COURSE_ID}}),
        rules: vec![
            (format!("$.{member}.enrollment_id"), regex(UUID)),
            (format!("$.{member}.course_id"), regex(UUID)),
        ],
    }
}

/// The consumer as the JetStream feed runs it, over an in-memory index.
struct Catalogue {
    index: Arc<TantivyIndex>,
    indexer: Indexer,
    courses: FakeCourseService,
}

impl Catalogue {
    async fn new() -> Self {
        let courses = FakeCourseService::start().await;
        let directory = HttpCourseDirectory::new(&courses.app.url(""), Duration::from_secs(5))
            .expect("a course directory");
        let index = Arc::new(TantivyIndex::open(None).expect("an index in memory"));
        let indexer = Indexer::new(index.clone(), Arc::new(directory));
        Self {
            index,
            indexer,
            courses,
        }
    }

    /// What the feed does with one message: decode, apply, commit.
    async fn receive(&self, bytes: &[u8]) -> Outcome {
        let event = decode(bytes).expect("search reads the promised event");
        let outcome = self.indexer.apply(event).await.expect("the event applies");
        self.indexer.commit().expect("the index commits");
        outcome
    }

    fn found(&self, word: &str) -> Vec<String> {
        let hits = self.index.matching(&[word.to_owned()]).unwrap();
        hits.into_iter().map(|(_, r)| r.course_id).collect()
    }
}

fn course(version: u32, title: &str) -> Course {
    let mut course = Course::new(title, "beginner", &["rust"]);
    COURSE_ID.clone_into(&mut course.id);
    course.version = version;
    course
}

#[tokio::test]
async fn course_events_list_update_and_delist_the_course() {
    let catalogue = Catalogue::new().await;
    let mut pact = MessagePact::new("search", "course");

    let published = pact.expect(&course_event(
        "a course.published event",
        "a teacher has published a course with one lesson",
        "course.published",
        3,
    ));
    catalogue.courses.show(&course(3, "Rust for beginners"));
    assert_eq!(catalogue.receive(&published).await, Outcome::Applied);
    assert_eq!(
        catalogue.found("beginners"),
        [COURSE_ID],
        "published: listed"
    );

    let updated = pact.expect(&course_event(
        "a course.updated event",
        "a teacher has added a lesson to a published course",
        "course.updated",
        4,
    ));
    catalogue.courses.show(&course(4, "Rust for experts"));
    assert_eq!(catalogue.receive(&updated).await, Outcome::Applied);
    assert_eq!(
        catalogue.found("experts"),
        [COURSE_ID],
        "updated: listed anew"
    );
    assert!(
        catalogue.found("beginners").is_empty(),
        "updated: old title gone"
    );
    let record = catalogue.index.record(COURSE_ID).unwrap().unwrap();
    assert_eq!(
        record.version, 4,
        "course events apply by the envelope's version"
    );

    let unpublished = pact.expect(&course_event(
        "a course.unpublished event",
        "a teacher has unpublished a course",
        "course.unpublished",
        5,
    ));
    catalogue.courses.hide(COURSE_ID);
    assert_eq!(catalogue.receive(&unpublished).await, Outcome::Applied);
    assert!(
        catalogue.found("experts").is_empty(),
        "unpublished: delisted"
    );

    pact.finish();
}

#[tokio::test]
async fn enrolments_and_completions_count_once_each_towards_popularity() {
    let catalogue = Catalogue::new().await;
    catalogue.courses.show(&course(3, "Rust for beginners"));
    let listed = CatalogueEvent::CourseListed {
        course_id: COURSE_ID.to_owned(),
        version: 3,
    };
    catalogue.indexer.apply(listed).await.unwrap();
    let mut pact = MessagePact::new("search", "enrollment");

    let enrolled = pact.expect(&enrolment_event(
        "an enrollment.created event",
        "a student has enrolled in a course",
        "enrollment.created",
    ));
    assert_eq!(catalogue.receive(&enrolled).await, Outcome::Applied);
    assert_eq!(catalogue.receive(&enrolled).await, Outcome::Duplicate);

    let completed = pact.expect(&enrolment_event(
        "a course.completed event",
        "a student has completed every lesson of a course",
        "course.completed",
    ));
    assert_eq!(catalogue.receive(&completed).await, Outcome::Applied);
    let record = catalogue.index.record(COURSE_ID).unwrap().unwrap();
    assert_eq!((record.enrolments, record.completions), (1, 1));

    pact.finish();
}
