use super::*;
use crate::domain::feed::{CourseInfo, Enrolment, StudentView, build_feed};

fn published(title: &str) -> CourseInfo {
    CourseInfo {
        title: title.into(),
        published: true,
        lesson_ids: Vec::new(),
    }
}

/// A student enrolled in `own`, every course of `titles` published, and the links given.
fn student(own: &[&str], links: &[(&str, &[(&str, u32)])]) -> StudentView {
    let mut view = StudentView {
        student_id: "s-1".into(),
        enrolments: own
            .iter()
            .map(|c| Enrolment {
                course_id: (*c).to_owned(),
                ..Enrolment::default()
            })
            .collect(),
        ..StudentView::default()
    };
    for (source, targets) in links {
        view.courses
            .insert((*source).to_owned(), published(&source.to_uppercase()));
        for (target, _) in *targets {
            view.courses
                .insert((*target).to_owned(), published(&target.to_uppercase()));
        }
        view.neighbours.insert(
            (*source).to_owned(),
            targets.iter().map(|(t, n)| ((*t).to_owned(), *n)).collect(),
        );
    }
    view
}

fn ids(recommended: &[Recommendation]) -> Vec<&str> {
    recommended.iter().map(|r| r.course_id.as_str()).collect()
}

#[test]
fn the_strongest_co_enrolment_comes_first_with_its_count_and_reason() {
    let view = student(&["rust"], &[("rust", &[("go", 2), ("sql", 7)])]);
    let recommended = recommend(&view, 20);
    assert_eq!(ids(&recommended), ["sql", "go"]);
    assert_eq!(recommended[0].students, 7);
    assert_eq!(recommended[0].because_course_id, "rust");
    assert_eq!(
        recommended[0].reason,
        "7 students who took RUST also took this"
    );
}

#[test]
fn the_reason_names_the_strongest_of_the_students_courses() {
    let view = student(
        &["rust", "cooking"],
        &[("rust", &[("sql", 3)]), ("cooking", &[("sql", 5)])],
    );
    let [sql] = recommend(&view, 20).try_into().unwrap();
    assert_eq!(
        (sql.students, sql.because_course_id.as_str()),
        (5, "cooking")
    );
    assert_eq!(sql.reason, "5 students who took COOKING also took this");
}

#[test]
fn several_links_beat_one_of_the_same_strength() {
    let view = student(
        &["a", "b"],
        &[("a", &[("x", 4), ("y", 4)]), ("b", &[("y", 1)])],
    );
    assert_eq!(ids(&recommend(&view, 20)), ["y", "x"]);
}

#[test]
fn the_students_own_courses_are_never_recommended() {
    let view = student(&["rust", "go"], &[("rust", &[("go", 9), ("sql", 1)])]);
    assert_eq!(ids(&recommend(&view, 20)), ["sql"]);
}

#[test]
fn unpublished_and_unknown_courses_are_never_recommended() {
    let mut view = student(&["rust"], &[("rust", &[("gone", 9), ("sql", 1)])]);
    view.courses.get_mut("gone").unwrap().published = false;
    view.neighbours
        .get_mut("rust")
        .unwrap()
        .push(("never-seen".into(), 20));
    assert_eq!(ids(&recommend(&view, 20)), ["sql"]);
}

#[test]
fn recommendations_are_bounded() {
    let many: Vec<(String, u32)> = (0..60).map(|i| (format!("c-{i:02}"), i + 1)).collect();
    let mut view = student(&["rust"], &[("rust", &[])]);
    for (course, _) in &many {
        view.courses.insert(course.clone(), published(course));
    }
    view.neighbours.insert("rust".into(), many);
    let recommended = recommend(&view, 20);
    assert_eq!(recommended.len(), 20);
    assert_eq!(recommended[0].students, 60, "the strongest are kept");
}

#[test]
fn a_student_without_co_enrolments_gets_no_recommendations() {
    let feed = build_feed(&student(&["rust"], &[]), 20);
    assert!(feed.recommended.is_empty());
    assert_eq!(feed.continue_learning.len(), 1);
}

#[test]
fn the_reason_speaks_of_one_student_and_of_an_unknown_course() {
    assert_eq!(
        reason(1, Some("Rust")),
        "1 student who took Rust also took this"
    );
    assert_eq!(
        reason(2, None),
        "2 students who took one of your courses also took this"
    );
}
