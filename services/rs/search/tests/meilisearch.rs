//! The Meilisearch adapter against a hand-written fake of the API subset it uses
//! (`fake_meilisearch`): the requests it sends, task polling, and 4xx/5xx/task failures as
//! clear errors — and the same checks against a real Meilisearch in `real_meilisearch_*`,
//! which runs when `EDU_MEILISEARCH_URL` was set at build time and is reported `ignored`
//! (with the reason) otherwise: no Meilisearch binary can be installed on our machines.

mod fake_meilisearch;

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use edu_common::settings::Secret;
use edu_testing::FakeClock;
use fake_meilisearch::FakeMeilisearch;
use search::adapters::meilisearch::{MeilisearchConfig, MeilisearchIndex, document_id};
use search::app::ports::SearchIndex;
use search::app::searching::Search;
use search::domain::catalogue::{CourseRecord, Listing, MarkKind, PopularityMark};
use search::domain::query::{RawSearch, SearchRequest};
use search::domain::ranking::RankingWeights;
use serde_json::json;

fn config(url: &str, index: &str) -> MeilisearchConfig {
    MeilisearchConfig {
        url: url.to_owned(),
        api_key: Some(Secret::new("test-master-key")),
        index: index.to_owned(),
        request_timeout: Duration::from_secs(5),
        task_timeout: Duration::from_secs(10),
    }
}

fn now() -> i64 {
    i64::try_from(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs(),
    )
    .unwrap()
}

fn course(id: &str, title: &str, summary: &str, enrolments: u64) -> CourseRecord {
    CourseRecord {
        course_id: id.to_owned(),
        version: 1,
        listing: Some(Listing {
            title: title.to_owned(),
            summary: summary.to_owned(),
            level: "beginner".into(),
            tags: vec!["programming".into()],
            teacher_id: "teacher-1".into(),
            lessons: vec!["Getting started".into()],
            published_at: now(),
        }),
        enrolments,
        completions: 0,
    }
}

fn mark(course_id: &str, enrollment: &str) -> PopularityMark {
    PopularityMark {
        kind: MarkKind::Enrolment,
        course_id: course_id.to_owned(),
        enrollment_id: enrollment.to_owned(),
    }
}

fn words(q: &str) -> Vec<String> {
    q.split_whitespace().map(str::to_owned).collect()
}

fn ids(found: &[(f64, CourseRecord)]) -> Vec<&str> {
    found.iter().map(|(_, r)| r.course_id.as_str()).collect()
}

fn search(index: Arc<dyn SearchIndex>, q: &str) -> Vec<(String, f64, f64)> {
    let weights = RankingWeights::default();
    let search = Search::new(index, Arc::new(FakeClock::new()), weights);
    let request = SearchRequest::parse(&RawSearch {
        q: Some(q),
        ..RawSearch::default()
    })
    .unwrap();
    search
        .search(&request)
        .unwrap()
        .hits
        .into_iter()
        .map(|h| (h.course_id, h.parts.text, h.parts.popularity))
        .collect()
}

#[test]
fn opening_creates_both_indexes_with_our_matching_rules_and_sends_the_key() {
    let fake = FakeMeilisearch::start();
    let index = MeilisearchIndex::open(config(&fake.url, "courses")).unwrap();
    assert!(index.is_fresh().unwrap());
    let created: Vec<_> = fake
        .requests("POST /indexes")
        .iter()
        .map(|r| r.body.clone())
        .collect();
    assert_eq!(
        created,
        [
            json!({"uid": "courses", "primaryKey": "id"}),
            json!({"uid": "courses-marks", "primaryKey": "id"})
        ]
    );
    let settings = fake.state().settings["courses"].clone();
    assert_eq!(
        settings["searchableAttributes"],
        json!(["title", "tags", "lessons", "summary"])
    );
    assert_eq!(settings["filterableAttributes"], json!(["listed"]));
    assert_eq!(
        settings["typoTolerance"]["minWordSizeForTypos"],
        json!({"oneTypo": 4, "twoTypos": 8})
    );
    let every = fake.requests("");
    assert!(
        every
            .iter()
            .all(|r| r.authorization.as_deref() == Some("Bearer test-master-key")),
        "{every:?}"
    );
}

#[test]
fn commit_sends_the_buffered_writes_and_waits_for_their_tasks() {
    let fake = FakeMeilisearch::start();
    fake.state().polls_before_done = 3;
    let index = MeilisearchIndex::open(config(&fake.url, "courses")).unwrap();
    let rust = course("c-1", "Rust in practice", "Ownership and borrowing", 0);
    index.store(&rust, Some(&mark("c-1", "e-1"))).unwrap();
    assert_eq!(
        index.record("c-1").unwrap(),
        Some(rust.clone()),
        "seen at once"
    );
    assert!(index.has_mark("enrolment:e-1").unwrap());
    assert!(
        fake.requests("POST /indexes/courses/documents").is_empty(),
        "sent on commit"
    );
    index.commit().unwrap();
    let sent = fake.requests("POST /indexes/courses/documents");
    assert_eq!(sent.len(), 1);
    let document = &sent[0].body[0];
    assert_eq!(document["id"], document_id("c-1"));
    assert_eq!(document["listed"], true);
    assert_eq!(document["title"], "Rust in practice");
    assert_eq!(document["record"]["course_id"], "c-1");
    let marks = fake.requests("POST /indexes/courses-marks/documents");
    assert_eq!(
        marks[0].body,
        json!([{"id": document_id("enrolment:e-1"), "key": "enrolment:e-1"}])
    );
    let polls = fake.requests("GET /tasks/");
    assert!(
        polls.len() >= 4 * 4,
        "each of 4 tasks polled until done: {}",
        polls.len()
    );
    let found = index.matching(&words("rust")).unwrap();
    assert_eq!(ids(&found), ["c-1"]);
    index.commit().unwrap();
    assert_eq!(
        fake.requests("POST /indexes/courses/documents").len(),
        1,
        "nothing resent"
    );
}

#[test]
fn an_existing_index_is_reused_and_what_it_holds_is_loaded() {
    let fake = FakeMeilisearch::start();
    {
        let first = MeilisearchIndex::open(config(&fake.url, "courses")).unwrap();
        first
            .store(&course("c-1", "Rust", "", 0), Some(&mark("c-1", "e-1")))
            .unwrap();
        first.commit().unwrap();
    }
    let again = MeilisearchIndex::open(config(&fake.url, "courses")).unwrap();
    assert!(!again.is_fresh().unwrap());
    assert_eq!(again.record("c-1").unwrap().unwrap().course_id, "c-1");
    assert!(again.has_mark("enrolment:e-1").unwrap());
}

#[test]
fn a_failed_task_is_an_error_naming_its_code_and_its_writes_are_sent_again() {
    let fake = FakeMeilisearch::start();
    let index = MeilisearchIndex::open(config(&fake.url, "courses")).unwrap();
    fake.state().failing_tasks = Some(("invalid_document_id".into(), "bad id".into()));
    index.store(&course("c-1", "Rust", "", 0), None).unwrap();
    let error = index.commit().unwrap_err().to_string();
    assert!(
        error.contains("failed: invalid_document_id: bad id"),
        "{error}"
    );
    fake.state().failing_tasks = None;
    index.commit().unwrap();
    assert_eq!(fake.requests("POST /indexes/courses/documents").len(), 2);
    assert_eq!(ids(&index.matching(&words("rust")).unwrap()), ["c-1"]);
}

#[test]
fn client_and_server_errors_are_clear_index_errors() {
    let fake = FakeMeilisearch::start();
    let index = MeilisearchIndex::open(config(&fake.url, "courses")).unwrap();
    fake.state().errors.push_back((
        "/search".into(),
        401,
        "invalid_api_key".into(),
        "The provided API key is invalid.".into(),
    ));
    let error = index.matching(&words("rust")).unwrap_err().to_string();
    assert_eq!(
        error,
        "the search index failed: Meilisearch refused POST /indexes/courses/search: 401 \
         invalid_api_key: The provided API key is invalid."
    );
    fake.state()
        .errors
        .push_back(("/documents".into(), 503, "internal".into(), "busy".into()));
    index.store(&course("c-1", "Rust", "", 0), None).unwrap();
    let error = index.commit().unwrap_err().to_string();
    assert!(
        error.contains("Meilisearch failed POST /indexes/courses/documents: 503"),
        "{error}"
    );
}

#[test]
fn an_unreachable_meilisearch_is_an_error_not_a_panic() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let error = MeilisearchIndex::open(config(&format!("http://{closed}"), "courses"))
        .unwrap_err()
        .to_string();
    assert!(
        error.contains(&format!("Meilisearch at http://{closed} cannot be reached")),
        "{error}"
    );
}

#[test]
fn a_task_that_does_not_finish_fails_the_commit_after_the_task_timeout() {
    let fake = FakeMeilisearch::start();
    let mut short = config(&fake.url, "courses");
    short.task_timeout = Duration::from_millis(150);
    let index = MeilisearchIndex::open(short).unwrap();
    fake.state().stalled_tasks = true;
    index.store(&course("c-1", "Rust", "", 0), None).unwrap();
    let error = index.commit().unwrap_err().to_string();
    assert!(error.contains("is still processing after"), "{error}");
}

#[test]
fn the_search_asks_for_every_listed_match_with_every_word_and_its_score() {
    let fake = FakeMeilisearch::start();
    let index = MeilisearchIndex::open(config(&fake.url, "courses")).unwrap();
    let mut unpublished = course("c-2", "Rust basics", "", 0);
    unpublished.listing = None;
    index
        .store(&course("c-1", "Rust in practice", "", 0), None)
        .unwrap();
    index.store(&unpublished, None).unwrap();
    index.commit().unwrap();
    let found = index.matching(&words("rust prac")).unwrap();
    assert_eq!(ids(&found), ["c-1"], "the unpublished course is not listed");
    let body = &fake.requests("POST /indexes/courses/search")[0].body;
    assert_eq!(body["q"], "rust prac");
    assert_eq!(body["filter"], "listed = true");
    assert_eq!(body["matchingStrategy"], "all");
    assert_eq!(body["showRankingScore"], true);
    assert_eq!(body["limit"], 1, "as many as are listed");
}

#[test]
fn the_blend_ranks_meilisearch_matches_as_it_ranks_tantivy_ones() {
    let fake = FakeMeilisearch::start();
    let index = Arc::new(MeilisearchIndex::open(config(&fake.url, "courses")).unwrap());
    // In the title (score 1.0), no enrolments; in the summary only (0.5), very popular.
    index
        .store(&course("title", "Rust in practice", "", 0), None)
        .unwrap();
    index
        .store(&course("summary", "Systems", "rust everywhere", 500), None)
        .unwrap();
    index.commit().unwrap();
    let hits = search(index, "rust");
    let weights = RankingWeights::default();
    let popularity = 500.0 / (500.0 + weights.popularity_half);
    assert_eq!(hits[0].0, "title", "{hits:?}");
    assert!((hits[0].1 - weights.text).abs() < 1e-9, "{hits:?}");
    assert_eq!(hits[1].0, "summary");
    assert!(
        (hits[1].1 - 0.5 * weights.text).abs() < 1e-9,
        "text ÷ the best text: {hits:?}"
    );
    assert!(
        (hits[1].2 - weights.popularity * popularity).abs() < 1e-9,
        "{hits:?}"
    );
}

/// A real Meilisearch (1.3 or later) at `EDU_MEILISEARCH_URL` (its key in
/// `EDU_MEILISEARCH_API_KEY`): indexes of the test's own, deleted afterwards.
#[test]
#[cfg_attr(
    not(edu_meilisearch),
    ignore = "no Meilisearch: EDU_MEILISEARCH_URL was not set when the tests were built"
)]
fn real_meilisearch_stores_finds_with_typos_and_reloads() {
    let url = std::env::var("EDU_MEILISEARCH_URL").unwrap_or_default();
    let key = std::env::var("EDU_MEILISEARCH_API_KEY").unwrap_or_default();
    let uid = format!("test-{}", edu_testing::Namespace::new().id());
    let mut real = config(&url, &uid);
    real.api_key = (!key.is_empty()).then(|| Secret::new(key));
    let index = Arc::new(MeilisearchIndex::open(real.clone()).unwrap_or_else(|e| {
        panic!("EDU_MEILISEARCH_URL={url} is set but Meilisearch cannot be used: {e}")
    }));
    index
        .store(
            &course("title", "Rust in practice", "", 0),
            Some(&mark("title", "e-1")),
        )
        .unwrap();
    index
        .store(&course("summary", "Systems", "rust everywhere", 500), None)
        .unwrap();
    index.commit().unwrap();
    let found = index.matching(&words("rsut")).unwrap();
    let mut found_ids = ids(&found);
    found_ids.sort_unstable();
    assert_eq!(found_ids, ["summary", "title"], "a swap is one typo");
    assert_eq!(
        ids(&index.matching(&words("rust pra")).unwrap()),
        ["title"],
        "prefix, every word"
    );
    let hits = search(index, "rust");
    assert_eq!(hits.len(), 2, "{hits:?}");
    let again = MeilisearchIndex::open(real.clone()).unwrap();
    assert!(again.has_mark("enrolment:e-1").unwrap());
    assert_eq!(again.record("summary").unwrap().unwrap().enrolments, 500);
    again.delete_indexes().unwrap();
}
