use super::*;

const COURSE: &str = "c0";

fn listing(title: &str, published_at: i64) -> Listing {
    Listing {
        title: title.into(),
        summary: String::new(),
        level: "beginner".into(),
        tags: vec![],
        teacher_id: "t1".into(),
        lessons: vec![],
        published_at,
    }
}

fn changed(applied: Applied) -> CourseRecord {
    match applied {
        Applied::Changed(record) => record,
        Applied::Unchanged => panic!("expected a change"),
    }
}

fn listed(version: u32, title: &str) -> CourseRecord {
    changed(apply_course_change(
        None,
        COURSE,
        version,
        CourseChange::Listed(listing(title, 100)),
    ))
}

#[test]
fn a_first_snapshot_lists_the_course() {
    let record = listed(1, "Python");
    assert_eq!(record.version, 1);
    assert!(record.is_listed());
}

#[test]
fn a_newer_snapshot_replaces_the_listing() {
    let record = listed(1, "Python");
    let record = changed(apply_course_change(
        Some(&record),
        COURSE,
        2,
        CourseChange::Listed(listing("Python 3", 500)),
    ));
    assert_eq!(
        record.listing.as_ref().map(|l| l.title.as_str()),
        Some("Python 3")
    );
    assert_eq!(record.version, 2);
}

#[test]
fn an_update_keeps_the_first_publication_date() {
    let record = listed(1, "Python");
    let record = changed(apply_course_change(
        Some(&record),
        COURSE,
        2,
        CourseChange::Listed(listing("Python", 500)),
    ));
    assert_eq!(record.listing.map(|l| l.published_at), Some(100));
}

#[test]
fn a_stale_snapshot_changes_nothing() {
    let record = listed(3, "Python 3");
    let stale = apply_course_change(
        Some(&record),
        COURSE,
        2,
        CourseChange::Listed(listing("Python 2", 100)),
    );
    assert_eq!(stale, Applied::Unchanged);
}

#[test]
fn a_redelivered_snapshot_changes_nothing() {
    let record = listed(3, "Python");
    let again = apply_course_change(
        Some(&record),
        COURSE,
        3,
        CourseChange::Listed(listing("Python", 100)),
    );
    assert_eq!(again, Applied::Unchanged);
}

#[test]
fn unpublishing_delists_but_keeps_version_and_popularity() {
    let mut record = listed(1, "Python");
    record.enrolments = 7;
    let record = changed(apply_course_change(
        Some(&record),
        COURSE,
        2,
        CourseChange::Delisted,
    ));
    assert!(!record.is_listed());
    assert_eq!((record.version, record.enrolments), (2, 7));
}

#[test]
fn a_stale_publication_after_unpublishing_stays_unlisted() {
    let record = listed(1, "Python");
    let record = changed(apply_course_change(
        Some(&record),
        COURSE,
        3,
        CourseChange::Delisted,
    ));
    let late = apply_course_change(
        Some(&record),
        COURSE,
        2,
        CourseChange::Listed(listing("Python", 100)),
    );
    assert_eq!(late, Applied::Unchanged);
}

#[test]
fn an_enrolment_counts_once_per_enrollment() {
    let mark = PopularityMark {
        kind: MarkKind::Enrolment,
        course_id: COURSE.into(),
        enrollment_id: "e1".into(),
    };
    let record = changed(apply_mark(None, &mark, false));
    assert_eq!((record.enrolments, record.completions), (1, 0));
    assert!(!record.is_listed(), "popularity alone lists nothing");
    assert_eq!(apply_mark(Some(&record), &mark, true), Applied::Unchanged);
}

#[test]
fn a_completion_raises_completions_only() {
    let mark = PopularityMark {
        kind: MarkKind::Completion,
        course_id: COURSE.into(),
        enrollment_id: "e1".into(),
    };
    let record = changed(apply_mark(Some(&listed(1, "Python")), &mark, false));
    assert_eq!((record.enrolments, record.completions), (0, 1));
    assert_eq!(mark.key(), "completion:e1");
}
