//! Answering a search: the index finds the listed courses matching the words; here they are
//! filtered (level, tag), counted per facet, ranked by the configured blend and paged, and the
//! page's hits get their highlights.
//!
//! Facets are disjunctive: the level counts apply the tag filter but not the level one (and
//! the other way round), so a client can show the other levels a search would find.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::UNIX_EPOCH;

use edu_common::clock::Clock;

use crate::app::ports::{IndexError, SearchIndex};
use crate::domain::catalogue::{CourseRecord, Listing};
use crate::domain::highlight::{Matcher, snippet};
use crate::domain::query::SearchRequest;
use crate::domain::ranking::{RankingWeights, ScoreParts, Signals, blend, rank};

/// Characters of a summary snippet; titles and lesson titles are shown whole.
const SNIPPET_CHARS: usize = 160;

#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub course_id: String,
    pub title: String,
    pub level: String,
    pub tags: Vec<String>,
    pub parts: ScoreParts,
    /// Field name (`title`, `summary`, `lesson`) -> its text with the matched words marked.
    pub highlights: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facets {
    pub level: BTreeMap<String, u64>,
    pub tag: BTreeMap<String, u64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SearchResults {
    pub hits: Vec<Hit>,
    /// Matching courses over all pages.
    pub total: usize,
    pub facets: Facets,
}

#[derive(Debug, Clone)]
pub struct Search {
    index: Arc<dyn SearchIndex>,
    clock: Arc<dyn Clock>,
    weights: RankingWeights,
}

impl Search {
    pub fn new(
        index: Arc<dyn SearchIndex>,
        clock: Arc<dyn Clock>,
        weights: RankingWeights,
    ) -> Self {
        Self {
            index,
            clock,
            weights,
        }
    }

    pub fn index(&self) -> &Arc<dyn SearchIndex> {
        &self.index
    }

    /// One page of the listed courses matching `request`, best first, with facet counts.
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResults, IndexError> {
        let candidates: Vec<(f64, CourseRecord, Listing)> = self
            .index
            .matching(&request.words)?
            .into_iter()
            .filter_map(|(score, record)| {
                let listing = record.listing.clone()?;
                Some((score, record, listing))
            })
            .collect();
        let level_ok = |l: &Listing| request.level.as_ref().is_none_or(|want| &l.level == want);
        let tag_ok = |l: &Listing| {
            request
                .tag
                .as_ref()
                .is_none_or(|want| l.tags.contains(want))
        };
        let mut facets = Facets::default();
        for (_, _, listing) in &candidates {
            if tag_ok(listing) {
                *facets.level.entry(listing.level.clone()).or_default() += 1;
            }
            if level_ok(listing) {
                for tag in &listing.tags {
                    *facets.tag.entry(tag.clone()).or_default() += 1;
                }
            }
        }
        let best_text = candidates.iter().map(|m| m.0).fold(0.0, f64::max);
        let now = self
            .clock
            .now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let now = i64::try_from(now).unwrap_or(i64::MAX);
        let scored: Vec<(ScoreParts, String, (CourseRecord, Listing))> = candidates
            .into_iter()
            .filter(|(_, _, listing)| level_ok(listing) && tag_ok(listing))
            .map(|(text, record, listing)| {
                let signals = Signals {
                    text,
                    enrolments: record.enrolments,
                    completions: record.completions,
                    age_seconds: now.saturating_sub(listing.published_at),
                };
                let parts = blend(&self.weights, &signals, best_text);
                (parts, record.course_id.clone(), (record, listing))
            })
            .collect();
        let total = scored.len();
        let matcher = Matcher::new(&request.words);
        let hits = rank(scored)
            .into_iter()
            .skip(request.offset)
            .take(request.limit)
            .map(|(parts, course_id, (_, listing))| Hit {
                highlights: highlights(&listing, &matcher, !request.words.is_empty()),
                course_id,
                title: listing.title,
                level: listing.level,
                tags: listing.tags,
                parts,
            })
            .collect();
        Ok(SearchResults {
            hits,
            total,
            facets,
        })
    }
}

fn highlights(listing: &Listing, matcher: &Matcher, searched: bool) -> BTreeMap<String, String> {
    let mut found = BTreeMap::new();
    if !searched {
        return found;
    }
    let whole = |text: &str| snippet(text, matcher, usize::MAX);
    if let Some(title) = whole(&listing.title) {
        found.insert("title".to_owned(), title);
    }
    if let Some(summary) = snippet(&listing.summary, matcher, SNIPPET_CHARS) {
        found.insert("summary".to_owned(), summary);
    }
    if let Some(lesson) = listing.lessons.iter().find_map(|l| whole(l)) {
        found.insert("lesson".to_owned(), lesson);
    }
    if let Some(tag) = listing.tags.iter().find_map(|t| whole(t)) {
        found.insert("tag".to_owned(), tag);
    }
    found
}

#[cfg(test)]
mod tests;
