use std::sync::Arc;

use super::*;
use crate::domain::catalogue::CourseRecord;
use crate::domain::query::{RawSearch, SearchRequest};
use crate::testing::{FakeIndex, FixedClock, listing};

const NOW: u64 = 1_800_000_000;

fn course(id: &str, title: &str, level: &str, tags: &[&str], enrolments: u64) -> CourseRecord {
    let mut listing = listing(title, 1_790_000_000);
    listing.level = level.into();
    listing.tags = tags.iter().map(|t| (*t).to_owned()).collect();
    listing.summary = format!("Learn {title} step by step.");
    CourseRecord {
        course_id: id.into(),
        version: 1,
        listing: Some(listing),
        enrolments,
        completions: 0,
    }
}

fn search_over(records: Vec<CourseRecord>) -> Search {
    let index = Arc::new(FakeIndex::default());
    for record in records {
        index.put(record);
    }
    Search::new(index, Arc::new(FixedClock(NOW)), RankingWeights::default())
}

fn request(q: &str, level: Option<&str>, tag: Option<&str>) -> SearchRequest {
    SearchRequest::parse(&RawSearch {
        q: Some(q),
        level,
        tag,
        ..RawSearch::default()
    })
    .unwrap()
}

fn ids(results: &SearchResults) -> Vec<&str> {
    results.hits.iter().map(|h| h.course_id.as_str()).collect()
}

fn catalogue() -> Search {
    search_over(vec![
        course(
            "py",
            "Python basics",
            "beginner",
            &["python", "programming"],
            10,
        ),
        course(
            "pyml",
            "Machine learning with Python",
            "advanced",
            &["python", "ml"],
            300,
        ),
        course(
            "rs",
            "Rust for engineers",
            "intermediate",
            &["rust", "programming"],
            5,
        ),
    ])
}

#[test]
fn a_typo_finds_the_course_and_highlights_the_real_word() {
    let results = catalogue()
        .search(&request("pyhton basics", None, None))
        .unwrap();
    assert_eq!(ids(&results), ["py"]);
    assert_eq!(
        results.hits[0].highlights["title"],
        "<b>Python</b> <b>basics</b>"
    );
}

#[test]
fn popularity_breaks_an_equal_text_match() {
    let results = catalogue().search(&request("python", None, None)).unwrap();
    assert_eq!(ids(&results)[0], "pyml", "300 enrolments against 10");
    assert!(results.hits[0].parts.popularity > results.hits[1].parts.popularity);
}

#[test]
fn filters_narrow_the_hits_and_facets_stay_disjunctive() {
    let results = catalogue()
        .search(&request("", Some("beginner"), None))
        .unwrap();
    assert_eq!(ids(&results), ["py"]);
    assert_eq!(results.total, 1);
    let levels: Vec<(&str, u64)> = results
        .facets
        .level
        .iter()
        .map(|(k, v)| (k.as_str(), *v))
        .collect();
    assert_eq!(
        levels,
        [("advanced", 1), ("beginner", 1), ("intermediate", 1)]
    );
    assert_eq!(
        results.facets.tag.get("programming"),
        Some(&1),
        "tags counted within the level"
    );
    assert_eq!(results.facets.tag.get("rust"), None);
}

#[test]
fn a_tag_filter_counts_levels_within_the_tag() {
    let results = catalogue()
        .search(&request("", None, Some("programming")))
        .unwrap();
    assert_eq!(results.total, 2);
    assert_eq!(results.facets.level.get("advanced"), None);
    assert_eq!(
        results.facets.tag.get("ml"),
        Some(&1),
        "the tag facet ignores the tag filter"
    );
}

#[test]
fn pages_follow_the_ranking_and_total_counts_every_page() {
    let search = catalogue();
    let mut paged = request("", None, None);
    paged.limit = 1;
    paged.offset = 1;
    let all = search.search(&request("", None, None)).unwrap();
    let page = search.search(&paged).unwrap();
    assert_eq!(page.total, 3);
    assert_eq!(ids(&page), [ids(&all)[1]]);
}

#[test]
fn unlisted_courses_are_never_returned() {
    let mut hidden = course("gone", "Python archive", "beginner", &[], 1_000);
    hidden.listing = None;
    let search = search_over(vec![
        hidden,
        course("py", "Python basics", "beginner", &[], 0),
    ]);
    let results = search.search(&request("python", None, None)).unwrap();
    assert_eq!(ids(&results), ["py"]);
}

#[test]
fn browsing_has_no_highlights_and_no_text_part() {
    let results = catalogue().search(&request("", None, None)).unwrap();
    assert!(
        results
            .hits
            .iter()
            .all(|h| h.highlights.is_empty() && h.parts.text == 0.0)
    );
}

#[test]
fn a_prefix_of_the_last_word_matches() {
    let results = catalogue()
        .search(&request("machine lear", None, None))
        .unwrap();
    assert_eq!(ids(&results), ["pyml"]);
    assert_eq!(
        results.hits[0].highlights["title"],
        "<b>Machine</b> <b>learning</b> with Python"
    );
}
