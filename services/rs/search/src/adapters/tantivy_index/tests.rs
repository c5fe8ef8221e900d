//! The tantivy adapter in memory (no files): matching rules, listing, marks.

use super::*;
use crate::domain::catalogue::{Listing, MarkKind};

fn record(id: &str, title: &str, summary: &str, tags: &[&str], lessons: &[&str]) -> CourseRecord {
    CourseRecord {
        course_id: id.into(),
        version: 1,
        listing: Some(Listing {
            title: title.into(),
            summary: summary.into(),
            level: "beginner".into(),
            tags: tags.iter().map(|t| (*t).to_owned()).collect(),
            teacher_id: "t".into(),
            lessons: lessons.iter().map(|l| (*l).to_owned()).collect(),
            published_at: 0,
        }),
        enrolments: 0,
        completions: 0,
    }
}

fn index_of(records: &[CourseRecord]) -> TantivyIndex {
    let index = TantivyIndex::open(None).unwrap();
    for r in records {
        index.store(r, None).unwrap();
    }
    index.commit().unwrap();
    index
}

fn found(index: &TantivyIndex, q: &str) -> Vec<String> {
    let words = crate::domain::query::words(q);
    let mut ids: Vec<(f64, String)> = index
        .matching(&words)
        .unwrap()
        .into_iter()
        .map(|(s, r)| (s, r.course_id))
        .collect();
    ids.sort_by(|a, b| b.0.total_cmp(&a.0));
    ids.into_iter().map(|(_, id)| id).collect()
}

fn catalogue() -> TantivyIndex {
    index_of(&[
        record(
            "py",
            "Python for beginners",
            "Variables and loops.",
            &["python"],
            &["Installing Python"],
        ),
        record(
            "rs",
            "Rust in practice",
            "Ownership and borrowing.",
            &["rust", "systems"],
            &["Cargo basics"],
        ),
        record(
            "k8",
            "Kubernetes operations",
            "Deploying Python services on clusters.",
            &["devops"],
            &[],
        ),
        record("cafe", "Café latte art", "Milk foam.", &["coffee"], &[]),
    ])
}

#[test]
fn a_swapped_pair_of_letters_still_finds_python() {
    assert_eq!(found(&catalogue(), "pyhton")[0], "py");
}

#[test]
fn two_typos_are_forgiven_in_long_words_only() {
    let index = catalogue();
    assert_eq!(found(&index, "kubernetis operatons"), ["k8"]);
    assert_eq!(
        found(&index, "rast cargo"),
        ["rs"],
        "4-letter words allow one edit"
    );
    assert!(
        found(&index, "rxsx").is_empty(),
        "two edits in a 4-letter word"
    );
}

#[test]
fn short_words_match_exactly_or_as_the_last_prefix() {
    let index = catalogue();
    assert_eq!(found(&index, "rus"), ["rs"], "prefix of the last word");
    assert!(
        found(&index, "rus practice").is_empty(),
        "not a prefix when not last, too short for a typo"
    );
}

#[test]
fn the_title_outweighs_the_summary() {
    assert_eq!(found(&catalogue(), "python"), ["py", "k8"]);
}

#[test]
fn lessons_and_tags_are_searched_and_accents_fold() {
    let index = catalogue();
    assert_eq!(found(&index, "cargo"), ["rs"]);
    assert_eq!(found(&index, "systems"), ["rs"]);
    assert_eq!(found(&index, "cafe"), ["cafe"]);
}

#[test]
fn every_word_must_match() {
    assert!(found(&catalogue(), "python ownership").is_empty());
}

#[test]
fn browsing_lists_every_listed_course_and_delisting_hides_one() {
    let index = catalogue();
    assert_eq!(found(&index, "").len(), 4);
    let mut gone = index.record("rs").unwrap().unwrap();
    gone.listing = None;
    gone.version = 2;
    index.store(&gone, None).unwrap();
    index.commit().unwrap();
    assert_eq!(found(&index, "").len(), 3);
    assert!(found(&index, "rust").is_empty());
    assert_eq!(
        index.record("rs").unwrap().unwrap().version,
        2,
        "the record stays"
    );
}

#[test]
fn writes_are_seen_by_the_checks_before_the_commit() {
    let index = TantivyIndex::open(None).unwrap();
    assert!(index.is_fresh().unwrap());
    let mark = PopularityMark {
        kind: MarkKind::Enrolment,
        course_id: "py".into(),
        enrollment_id: "e1".into(),
    };
    index
        .store(&record("py", "Python", "", &[], &[]), Some(&mark))
        .unwrap();
    assert!(index.has_mark("enrolment:e1").unwrap());
    assert!(index.record("py").unwrap().is_some());
    assert!(!index.is_fresh().unwrap());
    assert!(
        found(&index, "python").is_empty(),
        "searchable only after the commit"
    );
}
