//! HTTP: `GET /search`, `/health`, `/ready`, `/openapi.json`. Every parameter problem is a 422
//! naming the parameter (a malformed query string too), an index failure a 503.

pub mod openapi;
pub mod responses;

use axum::Router;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use edu_common::health::Check;
use edu_common::problem::{ApiError, FieldProblem};

use crate::app::searching::Search;
use crate::domain::query::{RawSearch, SearchRequest};
use crate::http::responses::SearchResponse;

const PARAMETERS: [&str; 5] = ["q", "level", "tag", "limit", "offset"];

pub fn router(search: Search, checks: Vec<Box<dyn Check>>) -> Router {
    let api = Router::new()
        .route(
            "/search",
            get(search_courses).fallback(edu_common::problem::method_not_allowed),
        )
        .with_state(search);
    edu_common::service::router(api, checks, openapi::document)
}

fn invalid(errors: Vec<FieldProblem>) -> Response {
    ApiError::InvalidInput {
        detail: "The search parameters have invalid values.".into(),
        errors,
    }
    .into_response()
}

/// Searches the published courses.
async fn search_courses(
    State(search): State<Search>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Response {
    let Ok(Query(pairs)) = query else {
        return invalid(vec![FieldProblem::new(
            "query",
            "the query string is not valid URL encoding",
        )]);
    };
    let mut errors = Vec::new();
    let value = |name: &'static str, errors: &mut Vec<FieldProblem>| {
        let mut values = pairs
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str());
        let first = values.next();
        if values.next().is_some() {
            errors.push(FieldProblem::new(name, "give it once"));
        }
        first
    };
    let raw = RawSearch {
        q: value(PARAMETERS[0], &mut errors),
        level: value(PARAMETERS[1], &mut errors),
        tag: value(PARAMETERS[2], &mut errors),
        limit: value(PARAMETERS[3], &mut errors),
        offset: value(PARAMETERS[4], &mut errors),
    };
    let request = SearchRequest::parse(&raw);
    if let Err(problems) = &request {
        errors.extend(
            problems
                .iter()
                .map(|p| FieldProblem::new(p.parameter, p.message.clone())),
        );
    }
    let request = match request {
        Ok(request) if errors.is_empty() => request,
        _ => return invalid(errors),
    };
    let answer = tokio::task::spawn_blocking(move || {
        let results = search.search(&request);
        (request, results)
    })
    .await;
    match answer {
        Ok((request, Ok(results))) => {
            axum::Json(SearchResponse::from_results(results, &request)).into_response()
        }
        Ok((_, Err(error))) => {
            tracing::error!(%error, "a search failed");
            ApiError::Unavailable {
                detail: "The search index cannot be read right now; try again shortly.".into(),
                retry_after: 2,
            }
            .into_response()
        }
        Err(error) => ApiError::Internal(error.to_string()).into_response(),
    }
}
