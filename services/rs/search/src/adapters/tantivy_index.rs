//! The index in tantivy: one document per course (its record as stored JSON; when listed, its
//! title, summary, tags and lesson titles as text under our analyser) and one per popularity
//! mark (its key only, so a mark counts once across restarts). The records and mark keys are
//! also held in memory, loaded when the index opens: the indexer's checks (version, mark seen)
//! see every write at once, queries see it after the commit.
//!
//! Text is split on anything not a letter or digit, lower-cased and ASCII-folded, like
//! [`crate::domain::query::words`]. A query word matches a field exactly (BM25), within its
//! typo budget (a transposition is one edit), or, for the last word, as a prefix; fuzzy and
//! prefix matches score a constant below an exact one.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use tantivy::collector::{DocSetCollector, TopDocs};
use tantivy::directory::MmapDirectory;
use tantivy::query::{AllQuery, BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, Query, TermQuery};
use tantivy::schema::{
    Field, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions, Value,
};
use tantivy::tokenizer::{AsciiFoldingFilter, LowerCaser, SimpleTokenizer, TextAnalyzer};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

use crate::app::ports::{IndexError, SearchIndex};
use crate::domain::catalogue::{CourseRecord, PopularityMark};
use crate::domain::query::typo_budget;

const ANALYSER: &str = "edu_text";
const LISTED: &str = "yes";
/// The writer's memory before it flushes a segment (tantivy's minimum is 15 MB).
const WRITER_BYTES: usize = 20_000_000;
/// A fuzzy or prefix match scores this part of the field's boost (exact matches score BM25).
const LOOSE_MATCH: f32 = 0.5;

#[derive(Debug, Clone, Copy)]
struct Fields {
    course_id: Field,
    mark_key: Field,
    listed: Field,
    record: Field,
    /// Text fields and their boosts.
    text: [(Field, f32); 4],
}

fn schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let text = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(ANALYSER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let fields = Fields {
        course_id: builder.add_text_field("course_id", STRING | STORED),
        mark_key: builder.add_text_field("mark_key", STRING | STORED),
        listed: builder.add_text_field("listed", STRING),
        record: builder.add_text_field("record", STORED),
        text: [
            (builder.add_text_field("title", text.clone()), 3.0),
            (builder.add_text_field("tags", text.clone()), 2.0),
            (builder.add_text_field("lessons", text.clone()), 1.5),
            (builder.add_text_field("summary", text), 1.0),
        ],
    };
    (builder.build(), fields)
}

#[derive(Debug, Default)]
struct Known {
    records: HashMap<String, CourseRecord>,
    marks: HashSet<String>,
}

pub struct TantivyIndex {
    index: Index,
    fields: Fields,
    writer: Mutex<IndexWriter<TantivyDocument>>,
    reader: IndexReader,
    known: Mutex<Known>,
}

impl std::fmt::Debug for TantivyIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TantivyIndex").finish_non_exhaustive()
    }
}

fn failed(what: &str) -> impl FnOnce(tantivy::TantivyError) -> IndexError + '_ {
    move |error| IndexError(format!("{what}: {error}"))
}

impl TantivyIndex {
    /// Opens the index in `directory` (created when missing), or a new one in memory.
    pub fn open(directory: Option<&Path>) -> Result<Self, IndexError> {
        let (schema, fields) = schema();
        let index = match directory {
            Some(path) => {
                std::fs::create_dir_all(path)
                    .map_err(|e| IndexError(format!("{}: {e}", path.display())))?;
                let mmap = MmapDirectory::open(path)
                    .map_err(|e| IndexError(format!("{}: {e}", path.display())))?;
                Index::open_or_create(mmap, schema).map_err(failed("opening the index"))?
            }
            None => Index::create_in_ram(schema),
        };
        index.tokenizers().register(
            ANALYSER,
            TextAnalyzer::builder(SimpleTokenizer::default())
                .filter(LowerCaser)
                .filter(AsciiFoldingFilter)
                .build(),
        );
        let writer = index
            .writer_with_num_threads(1, WRITER_BYTES)
            .map_err(failed(
                "taking the index's writer (is another process using it?)",
            ))?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(failed("opening the index's reader"))?;
        let opened = Self {
            index,
            fields,
            writer: Mutex::new(writer),
            reader,
            known: Mutex::new(Known::default()),
        };
        *opened.known() = opened.load()?;
        Ok(opened)
    }

    fn known(&self) -> MutexGuard<'_, Known> {
        self.known
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Every record and mark key stored (committed) so far.
    fn load(&self) -> Result<Known, IndexError> {
        let searcher = self.reader.searcher();
        let all = searcher
            .search(&AllQuery, &DocSetCollector)
            .map_err(failed("reading the index"))?;
        let mut known = Known::default();
        for address in all {
            let doc: TantivyDocument = searcher
                .doc(address)
                .map_err(failed("reading a document"))?;
            if let Some(key) = doc.get_first(self.fields.mark_key).and_then(|v| v.as_str()) {
                known.marks.insert(key.to_owned());
            } else if let Some(json) = doc.get_first(self.fields.record).and_then(|v| v.as_str()) {
                let record: CourseRecord = serde_json::from_str(json)
                    .map_err(|e| IndexError(format!("a stored record is not readable: {e}")))?;
                known.records.insert(record.course_id.clone(), record);
            }
        }
        Ok(known)
    }

    fn course_document(&self, record: &CourseRecord) -> Result<TantivyDocument, IndexError> {
        let fields = &self.fields;
        let json = serde_json::to_string(record)
            .map_err(|e| IndexError(format!("a record cannot be written: {e}")))?;
        let mut doc = TantivyDocument::default();
        doc.add_text(fields.course_id, &record.course_id);
        doc.add_text(fields.record, &json);
        if let Some(listing) = &record.listing {
            let [title, tags, lessons, summary] = fields.text;
            doc.add_text(fields.listed, LISTED);
            doc.add_text(title.0, &listing.title);
            doc.add_text(summary.0, &listing.summary);
            for tag in &listing.tags {
                doc.add_text(tags.0, tag);
            }
            for lesson in &listing.lessons {
                doc.add_text(lessons.0, lesson);
            }
        }
        Ok(doc)
    }

    /// A query word as the analyser indexes it (lower-cased, ASCII-folded).
    fn analysed(&self, word: &str) -> Result<Vec<String>, IndexError> {
        let mut analyser = self
            .index
            .tokenizer_for_field(self.fields.text[0].0)
            .map_err(failed("the text analyser"))?;
        let mut tokens = Vec::new();
        analyser
            .token_stream(word)
            .process(&mut |token| tokens.push(token.text.clone()));
        Ok(tokens)
    }

    fn query(&self, words: &[String]) -> Result<Box<dyn Query>, IndexError> {
        let listed = Term::from_field_text(self.fields.listed, LISTED);
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(
            Occur::Must,
            Box::new(TermQuery::new(listed, IndexRecordOption::Basic)),
        )];
        for (i, word) in words.iter().enumerate() {
            let last = i + 1 == words.len();
            let budget = typo_budget(word);
            for token in self.analysed(word)? {
                let mut either: Vec<Box<dyn Query>> = Vec::new();
                for (field, boost) in self.fields.text {
                    let term = Term::from_field_text(field, &token);
                    either.push(Box::new(BoostQuery::new(
                        Box::new(TermQuery::new(term.clone(), IndexRecordOption::WithFreqs)),
                        boost,
                    )));
                    if budget > 0 {
                        either.push(Box::new(BoostQuery::new(
                            Box::new(FuzzyTermQuery::new(term.clone(), budget, true)),
                            boost * LOOSE_MATCH,
                        )));
                    }
                    if last {
                        either.push(Box::new(BoostQuery::new(
                            Box::new(FuzzyTermQuery::new_prefix(term, 0, true)),
                            boost * LOOSE_MATCH,
                        )));
                    }
                }
                clauses.push((Occur::Must, Box::new(BooleanQuery::union(either))));
            }
        }
        Ok(Box::new(BooleanQuery::new(clauses)))
    }
}

impl SearchIndex for TantivyIndex {
    fn record(&self, course_id: &str) -> Result<Option<CourseRecord>, IndexError> {
        Ok(self.known().records.get(course_id).cloned())
    }

    fn has_mark(&self, key: &str) -> Result<bool, IndexError> {
        Ok(self.known().marks.contains(key))
    }

    fn store(
        &self,
        record: &CourseRecord,
        mark: Option<&PopularityMark>,
    ) -> Result<(), IndexError> {
        let doc = self.course_document(record)?;
        let writer = self
            .writer
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        writer.delete_term(Term::from_field_text(
            self.fields.course_id,
            &record.course_id,
        ));
        writer
            .add_document(doc)
            .map_err(failed("adding a course"))?;
        if let Some(mark) = mark {
            let mut doc = TantivyDocument::default();
            doc.add_text(self.fields.mark_key, mark.key());
            writer.add_document(doc).map_err(failed("adding a mark"))?;
        }
        drop(writer);
        let mut known = self.known();
        if let Some(mark) = mark {
            known.marks.insert(mark.key());
        }
        known
            .records
            .insert(record.course_id.clone(), record.clone());
        Ok(())
    }

    fn commit(&self) -> Result<(), IndexError> {
        self.writer
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .commit()
            .map_err(failed("committing"))?;
        self.reader.reload().map_err(failed("reloading the reader"))
    }

    fn matching(&self, words: &[String]) -> Result<Vec<(f64, CourseRecord)>, IndexError> {
        let query = self.query(words)?;
        let searcher = self.reader.searcher();
        let everything = usize::try_from(searcher.num_docs())
            .unwrap_or(usize::MAX)
            .max(1);
        let found = searcher
            .search(&query, &TopDocs::with_limit(everything).order_by_score())
            .map_err(failed("searching"))?;
        let known = self.known();
        let mut matches = Vec::with_capacity(found.len());
        for (score, address) in found {
            let doc: TantivyDocument = searcher.doc(address).map_err(failed("reading a hit"))?;
            let record = doc
                .get_first(self.fields.course_id)
                .and_then(|v| v.as_str())
                .and_then(|id| known.records.get(id));
            if let Some(record) = record.filter(|r| r.is_listed()) {
                matches.push((f64::from(score), record.clone()));
            }
        }
        Ok(matches)
    }

    fn is_fresh(&self) -> Result<bool, IndexError> {
        let known = self.known();
        Ok(known.records.is_empty() && known.marks.is_empty())
    }
}

#[cfg(test)]
mod tests;
