//! "Recommended next" from co-enrolment counts: for each course Y the student is not enrolled
//! in and that is published now, the strongest link from one of their courses X — "N students
//! who took X also took this" — is both its rank and its reason.
//!
//! Rank: the strongest single link N first, then the sum of the links from all the student's
//! courses (several weaker links beat one), then the title and the id (a stable order).

use std::collections::{HashMap, HashSet};

use crate::domain::feed::StudentView;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recommendation {
    pub course_id: String,
    pub title: String,
    /// N: the students who took `because_course_id` and this course too.
    pub students: u32,
    /// The student's own course with the strongest link to this one.
    pub because_course_id: String,
    pub because_title: Option<String>,
    /// "N students who took <course> also took this".
    pub reason: String,
}

#[derive(Debug, Default)]
struct Candidate<'a> {
    best: u32,
    because: &'a str,
    total: u64,
}

/// At most `limit` recommendations for the student of `view`.
pub fn recommend(view: &StudentView, limit: usize) -> Vec<Recommendation> {
    let own: HashSet<&str> = view
        .enrolments
        .iter()
        .map(|e| e.course_id.as_str())
        .collect();
    let mut candidates: HashMap<&str, Candidate<'_>> = HashMap::new();
    let mut sources: Vec<&String> = view.neighbours.keys().collect();
    sources.sort(); // ties between two of the student's courses go to the smaller id
    for source in sources {
        if !own.contains(source.as_str()) {
            continue;
        }
        for (course, count) in &view.neighbours[source] {
            let published = view.courses.get(course).is_some_and(|c| c.published);
            if *count == 0 || own.contains(course.as_str()) || !published {
                continue;
            }
            let candidate = candidates.entry(course.as_str()).or_default();
            candidate.total += u64::from(*count);
            if *count > candidate.best {
                candidate.best = *count;
                candidate.because = source.as_str();
            }
        }
    }
    let mut ranked: Vec<(&str, Candidate<'_>)> = candidates.into_iter().collect();
    ranked.sort_by(|(a, x), (b, y)| {
        y.best
            .cmp(&x.best)
            .then_with(|| y.total.cmp(&x.total))
            .then_with(|| view.title_of(a).cmp(&view.title_of(b)))
            .then_with(|| a.cmp(b))
    });
    ranked
        .into_iter()
        .take(limit)
        .map(|(course, candidate)| {
            let because_title = view.title_of(candidate.because).map(str::to_owned);
            Recommendation {
                course_id: course.to_owned(),
                title: view.title_of(course).unwrap_or_default().to_owned(),
                students: candidate.best,
                because_course_id: candidate.because.to_owned(),
                reason: reason(candidate.best, because_title.as_deref()),
                because_title,
            }
        })
        .collect()
}

/// "3 students who took Rust basics also took this" (one of your courses, while its title is
/// unknown).
pub fn reason(students: u32, because_title: Option<&str>) -> String {
    let who = if students == 1 {
        "1 student who".to_owned()
    } else {
        format!("{students} students who")
    };
    let course = match because_title {
        Some(title) if !title.trim().is_empty() => title,
        _ => "one of your courses",
    };
    format!("{who} took {course} also took this")
}

#[cfg(test)]
mod tests;
