use std::sync::Arc;

use super::*;
use crate::domain::catalogue::MarkKind;
use crate::testing::{FakeDirectory, FakeIndex, listing};

const COURSE: &str = "c1";

fn setup() -> (Arc<FakeIndex>, Arc<FakeDirectory>, Indexer) {
    let index = Arc::new(FakeIndex::default());
    let directory = Arc::new(FakeDirectory::default());
    let indexer = Indexer::new(index.clone(), directory.clone());
    (index, directory, indexer)
}

fn listed(version: u32) -> CatalogueEvent {
    CatalogueEvent::CourseListed {
        course_id: COURSE.into(),
        version,
    }
}

fn delisted(version: u32) -> CatalogueEvent {
    CatalogueEvent::CourseDelisted {
        course_id: COURSE.into(),
        version,
    }
}

fn enrolled(enrollment: &str) -> CatalogueEvent {
    CatalogueEvent::Popularity(PopularityMark {
        kind: MarkKind::Enrolment,
        course_id: COURSE.into(),
        enrollment_id: enrollment.into(),
    })
}

fn title(index: &FakeIndex) -> Option<String> {
    index.get(COURSE)?.listing.map(|l| l.title)
}

#[tokio::test]
async fn a_published_course_is_stored_with_the_course_services_snapshot() {
    let (index, directory, indexer) = setup();
    directory.publish(COURSE, 1, listing("Python", 10));
    assert_eq!(indexer.apply(listed(1)).await.unwrap(), Outcome::Applied);
    assert_eq!(title(&index).as_deref(), Some("Python"));
    assert_eq!(index.get(COURSE).unwrap().version, 1);
}

#[tokio::test]
async fn a_redelivered_event_changes_nothing_and_asks_nobody() {
    let (index, directory, indexer) = setup();
    directory.publish(COURSE, 1, listing("Python", 10));
    indexer.apply(listed(1)).await.unwrap();
    assert_eq!(indexer.apply(listed(1)).await.unwrap(), Outcome::Stale);
    assert_eq!(directory.asked.lock().unwrap().len(), 1);
    assert_eq!(index.stored.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn a_stale_unpublish_arriving_after_a_newer_update_is_ignored() {
    let (index, directory, indexer) = setup();
    directory.publish(COURSE, 3, listing("Python 3", 10));
    indexer.apply(listed(3)).await.unwrap();
    assert_eq!(indexer.apply(delisted(2)).await.unwrap(), Outcome::Stale);
    assert_eq!(title(&index).as_deref(), Some("Python 3"));
}

#[tokio::test]
async fn a_newer_snapshot_makes_the_events_in_between_stale() {
    let (index, directory, indexer) = setup();
    directory.publish(COURSE, 4, listing("Python 4", 10));
    indexer.apply(listed(1)).await.unwrap();
    assert_eq!(index.get(COURSE).unwrap().version, 4);
    assert_eq!(indexer.apply(listed(2)).await.unwrap(), Outcome::Stale);
    assert_eq!(indexer.apply(listed(4)).await.unwrap(), Outcome::Stale);
}

#[tokio::test]
async fn unpublishing_delists_the_course() {
    let (index, directory, indexer) = setup();
    directory.publish(COURSE, 1, listing("Python", 10));
    indexer.apply(listed(1)).await.unwrap();
    assert_eq!(indexer.apply(delisted(2)).await.unwrap(), Outcome::Applied);
    assert_eq!(title(&index), None);
    assert_eq!(index.get(COURSE).unwrap().version, 2);
}

#[tokio::test]
async fn a_publication_the_course_service_no_longer_shows_delists() {
    let (index, directory, indexer) = setup();
    directory.publish(COURSE, 1, listing("Python", 10));
    indexer.apply(listed(1)).await.unwrap();
    directory.unpublish(COURSE);
    assert_eq!(indexer.apply(listed(2)).await.unwrap(), Outcome::Applied);
    assert_eq!(title(&index), None);
}

#[tokio::test]
async fn the_course_service_down_is_an_error_to_retry_and_stores_nothing() {
    let (index, directory, indexer) = setup();
    *directory.down.lock().unwrap() = true;
    let error = indexer.apply(listed(1)).await.unwrap_err();
    assert!(matches!(error, ApplyError::Directory(_)));
    assert!(index.stored.lock().unwrap().is_empty());
}

#[tokio::test]
async fn enrolments_count_once_per_enrollment() {
    let (index, directory, indexer) = setup();
    directory.publish(COURSE, 1, listing("Python", 10));
    indexer.apply(listed(1)).await.unwrap();
    assert_eq!(
        indexer.apply(enrolled("e1")).await.unwrap(),
        Outcome::Applied
    );
    assert_eq!(
        indexer.apply(enrolled("e1")).await.unwrap(),
        Outcome::Duplicate
    );
    indexer.apply(enrolled("e2")).await.unwrap();
    assert_eq!(index.get(COURSE).unwrap().enrolments, 2);
}

#[tokio::test]
async fn popularity_seen_before_the_course_is_kept_when_it_is_published() {
    let (index, directory, indexer) = setup();
    indexer.apply(enrolled("e1")).await.unwrap();
    directory.publish(COURSE, 1, listing("Python", 10));
    indexer.apply(listed(1)).await.unwrap();
    let record = index.get(COURSE).unwrap();
    assert_eq!((record.enrolments, record.is_listed()), (1, true));
}

#[tokio::test]
async fn any_order_of_the_same_events_leaves_the_same_record() {
    let events = [
        listed(1),
        enrolled("e1"),
        listed(2),
        delisted(3),
        enrolled("e2"),
        listed(4),
    ];
    let mut finals = Vec::new();
    for order in [[0, 1, 2, 3, 4, 5], [5, 4, 3, 2, 1, 0], [3, 0, 5, 1, 2, 4]] {
        let (index, directory, indexer) = setup();
        directory.publish(COURSE, 4, listing("Python 4", 10));
        for &i in &order {
            indexer.apply(events[i].clone()).await.unwrap();
            indexer.apply(events[i].clone()).await.unwrap(); // and each redelivered
        }
        finals.push(index.get(COURSE).unwrap());
    }
    assert!(finals.windows(2).all(|w| w[0] == w[1]), "{finals:#?}");
    assert_eq!((finals[0].version, finals[0].enrolments), (4, 2));
}

#[tokio::test]
async fn other_events_are_ignored() {
    let (index, _, indexer) = setup();
    assert_eq!(
        indexer.apply(CatalogueEvent::Other).await.unwrap(),
        Outcome::Ignored
    );
    assert!(index.stored.lock().unwrap().is_empty());
}
