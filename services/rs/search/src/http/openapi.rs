//! search's OpenAPI document, generated from its code with utoipa and committed as
//! `contracts/openapi/search.json` (`just openapi` writes it: `search --print-openapi`); a
//! unit test fails when the committed file is stale.

use edu_common::health::{Liveness, Readiness};
use edu_common::problem::{FieldProblem, Problem};
use utoipa::OpenApi;

use crate::http::responses::{Facets, ScorePartsOut, SearchHit, SearchResponse};

/// Search the published courses.
///
/// Words match titles, tags, lesson titles and summaries with typos forgiven (one edit from 4
/// characters, two from 8; a swap of two letters is one) and the last word also as a prefix.
/// Every word must match. Ranked by text relevance blended with popularity and freshness.
#[utoipa::path(get, path = "/search", operation_id = "search_courses", tag = "search",
    params(
        ("q" = Option<String>, Query, description = "Words to search for (at most 200 characters, 12 words); absent: every published course.", max_length = 200),
        ("level" = Option<String>, Query, description = "Only courses of this level; empty as absent (what a form's unselected choice sends).", pattern = "^(beginner|intermediate|advanced)?$"),
        ("tag" = Option<String>, Query, description = "Only courses with this tag; empty as absent (what a form's unselected choice sends).", max_length = 32, pattern = "^([a-z0-9]+(-[a-z0-9]+)*)?$"),
        ("limit" = Option<u32>, Query, description = "Hits per page.", minimum = 1, maximum = 100),
        ("offset" = Option<u32>, Query, description = "Hits to skip.", minimum = 0, maximum = 10000),
    ),
    responses(
        (status = 200, description = "One page of hits, best first, with facet counts.", body = SearchResponse),
        (status = 422, description = "A parameter is not valid; `errors` names each.", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The index cannot be read now.", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u32, description = "Seconds to wait."))),
    ))]
#[allow(dead_code, reason = "documents crate::http's handler")]
fn search_courses() {}

/// Liveness: answers while the process serves requests (no dependency checked).
#[utoipa::path(get, path = "/health", operation_id = "health", tag = "search",
    responses((status = 200, description = "The process serves requests.", body = Liveness)))]
#[allow(dead_code, reason = "documents edu_common::health's handler")]
fn health() {}

/// Readiness: NATS answers and the event consumer is in place.
#[utoipa::path(get, path = "/ready", operation_id = "ready", tag = "search",
    responses(
        (status = 200, description = "Ready.", body = Readiness),
        (status = 503, description = "Not ready; the detail names what is missing.", body = Problem,
            content_type = "application/problem+json"),
    ))]
#[allow(dead_code, reason = "documents edu_common::health's handler")]
fn ready() {}

#[derive(Debug, OpenApi)]
#[openapi(
    info(
        title = "eduplatform search",
        description = "The catalogue's search: published courses kept up to date from the course and enrolment events, typo-tolerant, with facets and highlights."
    ),
    paths(search_courses, health, ready),
    components(schemas(
        SearchResponse,
        SearchHit,
        ScorePartsOut,
        Facets,
        Problem,
        FieldProblem,
        Liveness,
        Readiness
    ))
)]
pub struct SearchApi;

/// The document as committed: pretty JSON with a final newline.
pub fn document() -> String {
    edu_common::service::committed_form(&SearchApi::openapi())
}

#[cfg(test)]
mod tests {
    use super::*;

    const COMMITTED: &str = include_str!("../../../../../contracts/openapi/search.json");

    #[test]
    fn the_committed_spec_is_what_the_code_generates() {
        edu_common::service::assert_committed_is_fresh(
            &document(),
            COMMITTED,
            "contracts/openapi/search.json",
        );
    }

    #[test]
    fn the_search_endpoint_documents_its_parameters_and_problems() {
        let generated: serde_json::Value = serde_json::from_str(&document()).unwrap();
        let get = &generated["paths"]["/search"]["get"];
        let names: Vec<&str> = get["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|p| p["name"].as_str())
            .collect();
        assert_eq!(names, ["q", "level", "tag", "limit", "offset"]);
        for status in ["200", "422", "503"] {
            assert!(get["responses"][status].is_object(), "{status}");
        }
    }
}
