//! The response bodies, as the OpenAPI document shows them.

use std::collections::BTreeMap;

use serde::Serialize;
use utoipa::ToSchema;

use crate::app::searching::{Hit, SearchResults};
use crate::domain::query::SearchRequest;
use crate::domain::ranking::ScoreParts;

/// One page of search results.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchResponse {
    /// Best first.
    pub hits: Vec<SearchHit>,
    /// Matching courses over all pages (with the filters applied).
    pub total: usize,
    pub limit: usize,
    pub offset: usize,
    pub facets: Facets,
}

/// A course that matched.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchHit {
    pub course_id: String,
    /// The ranking score: the sum of `score_parts`.
    pub score: f64,
    pub title: String,
    /// `beginner`, `intermediate` or `advanced`.
    pub level: String,
    pub tags: Vec<String>,
    /// Field (`title`, `summary`, `lesson`, `tag`) -> its text, HTML-escaped, with the matched
    /// words in `<b>…</b>`; only the fields that matched, none when browsing without `q`.
    pub highlights: BTreeMap<String, String>,
    pub score_parts: ScorePartsOut,
}

/// The weighted parts of a hit's score (the weights are the `EDU_SEARCH_WEIGHT_*` settings).
#[derive(Debug, Serialize, ToSchema)]
pub struct ScorePartsOut {
    /// Text relevance, relative to the best match.
    pub text: f64,
    /// Enrolments and completions.
    pub popularity: f64,
    /// Time since the first publication.
    pub freshness: f64,
}

/// Counts per value. Each facet applies the other facet's filter but not its own, so a
/// client can show what choosing another value would find.
#[derive(Debug, Serialize, ToSchema)]
pub struct Facets {
    /// Level -> matching courses.
    pub level: BTreeMap<String, u64>,
    /// Tag -> matching courses.
    pub tag: BTreeMap<String, u64>,
}

impl From<ScoreParts> for ScorePartsOut {
    fn from(parts: ScoreParts) -> Self {
        Self {
            text: parts.text,
            popularity: parts.popularity,
            freshness: parts.freshness,
        }
    }
}

impl From<Hit> for SearchHit {
    fn from(hit: Hit) -> Self {
        Self {
            course_id: hit.course_id,
            score: hit.parts.total(),
            title: hit.title,
            level: hit.level,
            tags: hit.tags,
            highlights: hit.highlights,
            score_parts: hit.parts.into(),
        }
    }
}

impl SearchResponse {
    pub fn from_results(results: SearchResults, request: &SearchRequest) -> Self {
        Self {
            hits: results.hits.into_iter().map(SearchHit::from).collect(),
            total: results.total,
            limit: request.limit,
            offset: request.offset,
            facets: Facets {
                level: results.facets.level,
                tag: results.facets.tag,
            },
        }
    }
}
