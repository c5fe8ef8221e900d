//! The index in Meilisearch (used when `EDU_MEILISEARCH_URL` is set; tantivy is the default).
//!
//! Index `<EDU_MEILISEARCH_INDEX>` (default `courses`) holds one document per course: its
//! record (stored, not searched), `listed`, and while listed its `title`, `tags`, `lessons` and
//! `summary`, searchable in that order of importance (Meilisearch's `attribute` rule stands in
//! for tantivy's field boosts). Index `<index>-marks` holds one document per popularity mark.
//! Document ids are the course id or mark key in hex: Meilisearch allows only `[A-Za-z0-9_-]`.
//!
//! As in the tantivy adapter, records and mark keys are held in memory (loaded when the index
//! opens), so the indexer's checks see every write at once; writes are buffered and sent on
//! [`SearchIndex::commit`], which waits for Meilisearch's tasks: after it, queries see them.
//! A failed commit keeps its writes and sends them again with the next one (a replace by id).
//!
//! Query semantics as close to ours as Meilisearch allows (ADR 0025): every word must match
//! (`matchingStrategy: all`), typos from 4 and 8 characters (`minWordSizeForTypos`), the last
//! word as a prefix (Meilisearch's default). The text score is `_rankingScore` (0..1), which
//! [`crate::app::searching`] normalises and blends exactly as it does tantivy's BM25.

mod client;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt::Write as _;
use std::sync::{Mutex, MutexGuard};

use reqwest::Method;
use serde_json::{Value, json};

use self::client::Client;
pub use self::client::{MeilisearchConfig, MeilisearchError, health};
use crate::app::ports::{IndexError, SearchIndex};
use crate::domain::catalogue::{CourseRecord, PopularityMark};
use crate::domain::query::typo_budget;

/// Documents read per `GET /indexes/{uid}/documents` page when the index opens.
const PAGE: usize = 1_000;
/// `pagination.maxTotalHits`: a query must be able to return every listed course.
const MAX_TOTAL_HITS: usize = 1_000_000;

#[derive(Debug, Default)]
struct Known {
    records: HashMap<String, CourseRecord>,
    marks: HashSet<String>,
}

#[derive(Debug, Default)]
struct Pending {
    courses: BTreeMap<String, Value>,
    marks: BTreeSet<String>,
}

#[derive(Debug)]
pub struct MeilisearchIndex {
    client: Client,
    known: Mutex<Known>,
    pending: Mutex<Pending>,
}

/// A Meilisearch document id for any string: its UTF-8 bytes in hex.
pub fn document_id(key: &str) -> String {
    key.bytes().fold(String::new(), |mut id, byte| {
        let _ = write!(id, "{byte:02x}");
        id
    })
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The settings that make Meilisearch's matching ours (ADR 0025 decision 3).
pub fn index_settings() -> Value {
    let one_typo = (1..64).find(|n| typo_budget(&"a".repeat(*n)) >= 1);
    let two_typos = (1..64).find(|n| typo_budget(&"a".repeat(*n)) >= 2);
    json!({
        "searchableAttributes": ["title", "tags", "lessons", "summary"],
        "filterableAttributes": ["listed"],
        "stopWords": [],
        "typoTolerance": {
            "enabled": true,
            "minWordSizeForTypos": {"oneTypo": one_typo, "twoTypos": two_typos},
        },
        "pagination": {"maxTotalHits": MAX_TOTAL_HITS},
    })
}

fn course_document(record: &CourseRecord) -> Value {
    let listing = record.listing.as_ref();
    json!({
        "id": document_id(&record.course_id),
        "listed": listing.is_some(),
        "title": listing.map(|l| l.title.as_str()),
        "tags": listing.map(|l| l.tags.as_slice()),
        "lessons": listing.map(|l| l.lessons.as_slice()),
        "summary": listing.map(|l| l.summary.as_str()),
        "record": record,
    })
}

impl MeilisearchIndex {
    /// Creates both indexes when missing, applies the settings, and loads what they hold.
    pub fn open(config: MeilisearchConfig) -> Result<Self, IndexError> {
        let client = Client::new(config)?;
        let courses = client.config().index.clone();
        let marks = format!("{courses}-marks");
        for uid in [&courses, &marks] {
            match client.write(
                Method::POST,
                "/indexes",
                Some(json!({"uid": uid, "primaryKey": "id"})),
            ) {
                Ok(_) => {}
                Err(MeilisearchError::TaskFailed { code, .. })
                    if code == "index_already_exists" => {}
                Err(error) => return Err(error.into()),
            }
        }
        client.write(
            Method::PATCH,
            &format!("/indexes/{courses}/settings"),
            Some(index_settings()),
        )?;
        let mut known = Known::default();
        for document in all_documents(&client, &courses)? {
            let record: CourseRecord = serde_json::from_value(document["record"].clone())
                .map_err(|e| IndexError(format!("a stored record is not readable: {e}")))?;
            known.records.insert(record.course_id.clone(), record);
        }
        for document in all_documents(&client, &marks)? {
            if let Some(key) = document["key"].as_str() {
                known.marks.insert(key.to_owned());
            }
        }
        Ok(Self {
            client,
            known: Mutex::new(known),
            pending: Mutex::new(Pending::default()),
        })
    }

    fn courses(&self) -> &str {
        &self.client.config().index
    }

    /// Deletes both indexes (tests; a rebuild in Meilisearch starts from none).
    pub fn delete_indexes(&self) -> Result<(), IndexError> {
        let courses = self.courses();
        for uid in [courses.to_owned(), format!("{courses}-marks")] {
            self.client
                .write(Method::DELETE, &format!("/indexes/{uid}"), None)?;
        }
        Ok(())
    }
}

fn all_documents(client: &Client, uid: &str) -> Result<Vec<Value>, IndexError> {
    let mut documents = Vec::new();
    loop {
        let path = format!(
            "/indexes/{uid}/documents?limit={PAGE}&offset={}",
            documents.len()
        );
        let page = client.send(Method::GET, &path, None)?;
        let results = page["results"]
            .as_array()
            .ok_or_else(|| IndexError(format!("GET {path}: no results in the answer")))?;
        let last = results.len() < PAGE;
        documents.extend(results.iter().cloned());
        if last {
            return Ok(documents);
        }
    }
}

impl SearchIndex for MeilisearchIndex {
    fn record(&self, course_id: &str) -> Result<Option<CourseRecord>, IndexError> {
        Ok(lock(&self.known).records.get(course_id).cloned())
    }

    fn has_mark(&self, key: &str) -> Result<bool, IndexError> {
        Ok(lock(&self.known).marks.contains(key))
    }

    fn store(
        &self,
        record: &CourseRecord,
        mark: Option<&PopularityMark>,
    ) -> Result<(), IndexError> {
        let mut pending = lock(&self.pending);
        pending
            .courses
            .insert(record.course_id.clone(), course_document(record));
        if let Some(mark) = mark {
            pending.marks.insert(mark.key());
        }
        drop(pending);
        let mut known = lock(&self.known);
        if let Some(mark) = mark {
            known.marks.insert(mark.key());
        }
        known
            .records
            .insert(record.course_id.clone(), record.clone());
        Ok(())
    }

    fn commit(&self) -> Result<(), IndexError> {
        let (courses, marks) = {
            let pending = lock(&self.pending);
            let courses: Vec<Value> = pending.courses.values().cloned().collect();
            let marks: Vec<Value> = pending
                .marks
                .iter()
                .map(|key| json!({"id": document_id(key), "key": key}))
                .collect();
            (courses, marks)
        };
        let uid = self.courses();
        if !courses.is_empty() {
            let path = format!("/indexes/{uid}/documents");
            self.client
                .write(Method::POST, &path, Some(json!(courses)))?;
        }
        if !marks.is_empty() {
            let path = format!("/indexes/{uid}-marks/documents");
            self.client.write(Method::POST, &path, Some(json!(marks)))?;
        }
        // Only what was sent: a store made meanwhile waits for the next commit.
        let mut pending = lock(&self.pending);
        for document in &courses {
            if let Some(record) = document["record"]["course_id"].as_str()
                && pending.courses.get(record) == Some(document)
            {
                pending.courses.remove(record);
            }
        }
        for mark in &marks {
            if let Some(key) = mark["key"].as_str() {
                pending.marks.remove(key);
            }
        }
        Ok(())
    }

    fn matching(&self, words: &[String]) -> Result<Vec<(f64, CourseRecord)>, IndexError> {
        let listed = lock(&self.known)
            .records
            .values()
            .filter(|r| r.is_listed())
            .count();
        let path = format!("/indexes/{}/search", self.courses());
        let answer = self.client.send(
            Method::POST,
            &path,
            Some(json!({
                "q": words.join(" "),
                "filter": "listed = true",
                "matchingStrategy": "all",
                "limit": listed.max(1),
                "offset": 0,
                "attributesToRetrieve": ["record"],
                "showRankingScore": true,
            })),
        )?;
        let hits = answer["hits"]
            .as_array()
            .ok_or_else(|| IndexError(format!("POST {path}: no hits in the answer")))?;
        let known = lock(&self.known);
        let mut matches = Vec::with_capacity(hits.len());
        for hit in hits {
            let score = hit["_rankingScore"].as_f64().ok_or_else(|| {
                IndexError(format!(
                    "POST {path}: a hit without _rankingScore (Meilisearch 1.3 or later needed)"
                ))
            })?;
            // The record as the indexer last stored it, as tantivy's adapter answers.
            let record = hit["record"]["course_id"]
                .as_str()
                .and_then(|id| known.records.get(id));
            if let Some(record) = record.filter(|r| r.is_listed()) {
                matches.push((score, record.clone()));
            }
        }
        Ok(matches)
    }

    fn is_fresh(&self) -> Result<bool, IndexError> {
        let known = lock(&self.known);
        Ok(known.records.is_empty() && known.marks.is_empty())
    }
}
