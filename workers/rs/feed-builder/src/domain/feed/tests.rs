use super::*;

fn enrolment(course: &str, at: i64) -> Enrolment {
    Enrolment {
        course_id: course.into(),
        last_activity_ms: at,
        ..Enrolment::default()
    }
}

fn course(title: &str, lessons: &[&str]) -> CourseInfo {
    CourseInfo {
        title: title.into(),
        published: true,
        lesson_ids: lessons.iter().map(|l| (*l).to_owned()).collect(),
    }
}

fn view(enrolments: Vec<Enrolment>) -> StudentView {
    StudentView {
        student_id: "s-1".into(),
        enrolments,
        ..StudentView::default()
    }
}

#[test]
fn the_most_recent_activity_comes_first() {
    let feed = continue_learning(
        &view(vec![
            enrolment("c-old", 100),
            enrolment("c-new", 300),
            enrolment("c-mid", 200),
        ]),
        20,
    );
    let order: Vec<&str> = feed.iter().map(|i| i.course_id.as_str()).collect();
    assert_eq!(order, ["c-new", "c-mid", "c-old"]);
}

#[test]
fn completed_courses_are_not_continued() {
    let mut done = enrolment("c-done", 500);
    done.completed = true;
    let feed = continue_learning(&view(vec![done, enrolment("c-open", 100)]), 20);
    assert_eq!(feed.len(), 1);
    assert_eq!(feed[0].course_id, "c-open");
}

#[test]
fn the_next_lesson_is_the_first_in_course_order_not_done() {
    let mut started = enrolment("c-1", 100);
    started.done_lessons = ["l-1", "l-3"].iter().map(|l| (*l).to_owned()).collect();
    let mut student = view(vec![started]);
    student
        .courses
        .insert("c-1".into(), course("Rust", &["l-1", "l-2", "l-3"]));
    let [item] = continue_learning(&student, 20).try_into().unwrap();
    assert_eq!(item.next_lesson_id.as_deref(), Some("l-2"));
    assert_eq!(item.title.as_deref(), Some("Rust"));
}

#[test]
fn without_the_courses_lessons_there_is_no_next_lesson_and_no_title() {
    let [item] = continue_learning(&view(vec![enrolment("c-1", 1)]), 20)
        .try_into()
        .unwrap();
    assert_eq!(item.next_lesson_id, None);
    assert_eq!(item.title, None);
}

#[test]
fn every_lesson_done_means_no_next_lesson() {
    let done: BTreeSet<String> = ["l-1".to_owned()].into();
    assert_eq!(next_lesson(&["l-1".to_owned()], &done), None);
}

#[test]
fn the_list_is_bounded() {
    let many = (0..50)
        .map(|i| enrolment(&format!("c-{i:02}"), i))
        .collect();
    let feed = continue_learning(&view(many), 20);
    assert_eq!(feed.len(), 20);
    assert_eq!(feed[0].course_id, "c-49", "the newest are kept");
}

#[test]
fn equal_activity_is_ordered_by_course_so_the_feed_is_stable() {
    let feed = continue_learning(&view(vec![enrolment("c-b", 1), enrolment("c-a", 1)]), 20);
    assert_eq!(feed[0].course_id, "c-a");
}

#[test]
fn progress_is_never_shown_above_100() {
    let mut odd = enrolment("c-1", 1);
    odd.progress_percent = 140;
    assert_eq!(
        continue_learning(&view(vec![odd]), 20)[0].progress_percent,
        100
    );
}
