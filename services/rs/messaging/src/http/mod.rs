//! HTTP: `POST /qa/courses/{course_id}/questions`,
//! `POST /qa/courses/{course_id}/questions/{question_id}/answers`,
//! `GET /qa/courses/{course_id}/posts?after=|before=&limit=`, the WebSocket `GET /ws`
//! ([`ws`]), `/health`, `/ready`, `/openapi.json`. Every problem is problem+json: 401 without
//! a valid token, 403 for someone neither enrolled nor teaching, 404 for an unknown question,
//! 422 naming each bad field or parameter, 503 while the database does not answer.

pub mod auth;
pub mod json;
pub mod openapi;
pub mod ws;

use std::sync::Arc;

use axum::Router;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use edu_common::health::Check;
use edu_common::problem::{ApiError, FieldProblem, JsonBody};
use edu_common::shutdown::Shutdown;
use edu_jwt::KeyCache;
use uuid::Uuid;

use crate::app::fanout::Hub;
use crate::app::ports::{Page, StoreError};
use crate::app::qa::{History, Qa, QaError};
use crate::domain::posts::{Post, Shown};
use crate::http::auth::{Caller, bearer, verify};
use crate::http::json::{HistoryJson, PostBody, PostJson};
use crate::settings::SocketSettings;

/// A history page's size when not asked, and at most.
pub const DEFAULT_LIMIT: u32 = 50;
pub const MAX_LIMIT: u32 = 100;

/// What the handlers share.
#[derive(Debug, Clone)]
pub struct MessagingApi {
    pub qa: Qa,
    pub keys: KeyCache,
    pub hub: Hub,
    pub socket: SocketSettings,
    /// Triggered when the process stops: every WebSocket closes with 1001 (going away).
    pub stopping: Shutdown,
}

pub fn router(api: Arc<MessagingApi>, checks: Vec<Box<dyn Check>>) -> Router {
    let not_allowed = edu_common::problem::method_not_allowed;
    let routes = Router::new()
        .route(
            "/qa/courses/{course_id}/questions",
            post(ask).fallback(not_allowed),
        )
        .route(
            "/qa/courses/{course_id}/questions/{question_id}/answers",
            post(answer).fallback(not_allowed),
        )
        .route(
            "/qa/courses/{course_id}/posts",
            get(history).fallback(not_allowed),
        )
        .route("/ws", get(ws::upgrade).fallback(not_allowed))
        .with_state(api);
    edu_common::service::router(routes, checks, openapi::document)
}

async fn caller(api: &MessagingApi, headers: &HeaderMap) -> Result<Caller, ApiError> {
    verify(&api.keys, bearer(headers)?).await
}

pub(crate) fn store_failed(error: &StoreError) -> ApiError {
    tracing::error!(%error, "the database failed a request");
    ApiError::Unavailable {
        detail: "The Q&A cannot be read or written right now; try again shortly.".into(),
        retry_after: 2,
    }
}

pub(crate) fn qa_failed(error: QaError) -> ApiError {
    match error {
        QaError::NotMember => ApiError::PermissionDenied(
            "A course's Q&A is for its enrolled students and its teacher only.".into(),
        ),
        QaError::NoQuestion(id) => {
            ApiError::NotFound(format!("There is no question {id} in this course."))
        }
        QaError::Body(why) => ApiError::InvalidInput {
            detail: "Some values in the body are not valid.".into(),
            errors: vec![FieldProblem::new("body.body", why.to_string())],
        },
        QaError::Store(error) => store_failed(&error),
    }
}

fn path_id(text: &str, what: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(text).map_err(|_| ApiError::NotFound(format!("There is no {what} {text}.")))
}

fn created(post: &Post) -> Response {
    let mut response = (
        StatusCode::CREATED,
        axum::Json(PostJson::of(post, Shown::Pending)),
    )
        .into_response();
    let location = match post.question_id {
        None => format!("/qa/courses/{}/questions/{}", post.course_id, post.id),
        Some(question) => format!(
            "/qa/courses/{}/questions/{question}/answers/{}",
            post.course_id, post.id
        ),
    };
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// Asks a question in a course's Q&A: stored pending, shown to others once moderation allows.
async fn ask(
    State(api): State<Arc<MessagingApi>>,
    Path(course_id): Path<String>,
    headers: HeaderMap,
    body: Result<JsonBody<PostBody>, edu_common::problem::Problem>,
) -> Result<Response, Response> {
    let caller = caller(&api, &headers)
        .await
        .map_err(IntoResponse::into_response)?;
    let course = path_id(&course_id, "course").map_err(IntoResponse::into_response)?;
    let JsonBody(body) = body.map_err(IntoResponse::into_response)?;
    let post = api
        .qa
        .ask(caller.user_id, course, &body.body)
        .await
        .map_err(|e| qa_failed(e).into_response())?;
    Ok(created(&post))
}

/// Answers a question of a course's Q&A.
async fn answer(
    State(api): State<Arc<MessagingApi>>,
    Path((course_id, question_id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Result<JsonBody<PostBody>, edu_common::problem::Problem>,
) -> Result<Response, Response> {
    let caller = caller(&api, &headers)
        .await
        .map_err(IntoResponse::into_response)?;
    let course = path_id(&course_id, "course").map_err(IntoResponse::into_response)?;
    let question = path_id(&question_id, "question").map_err(IntoResponse::into_response)?;
    let JsonBody(body) = body.map_err(IntoResponse::into_response)?;
    let post = api
        .qa
        .answer(caller.user_id, course, question, &body.body)
        .await
        .map_err(|e| qa_failed(e).into_response())?;
    Ok(created(&post))
}

/// The query parameters of a history page, each given once.
pub(crate) fn single<'a>(
    pairs: &'a [(String, String)],
    name: &'static str,
    errors: &mut Vec<FieldProblem>,
) -> Option<&'a str> {
    let mut values = pairs
        .iter()
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v.as_str());
    let first = values.next();
    if values.next().is_some() {
        errors.push(FieldProblem::new(name, "give it once"));
    }
    first
}

/// A place (`after`, `before`): a whole number from 0.
pub(crate) fn place(
    value: Option<&str>,
    name: &'static str,
    errors: &mut Vec<FieldProblem>,
) -> Option<i64> {
    let value = value?;
    match value.parse::<i64>() {
        Ok(n) if n >= 0 => Some(n),
        _ => {
            errors.push(FieldProblem::new(name, "a whole number from 0"));
            None
        }
    }
}

fn page_of(pairs: &[(String, String)]) -> Result<(Page, u32), Vec<FieldProblem>> {
    let mut errors = Vec::new();
    let after = single(pairs, "after", &mut errors);
    let before = single(pairs, "before", &mut errors);
    let limit = single(pairs, "limit", &mut errors);
    let after = place(after, "after", &mut errors);
    let before = place(before, "before", &mut errors);
    let limit = match limit.map(str::parse::<u32>) {
        None => DEFAULT_LIMIT,
        Some(Ok(n)) if (1..=MAX_LIMIT).contains(&n) => n,
        Some(_) => {
            errors.push(FieldProblem::new("limit", "a whole number from 1 to 100"));
            DEFAULT_LIMIT
        }
    };
    let page = match (after, before) {
        (Some(_), Some(_)) => {
            errors.push(FieldProblem::new(
                "before",
                "give after or before, not both",
            ));
            Page::After(0)
        }
        (Some(after), None) => Page::After(after),
        (None, Some(before)) => Page::Before(before),
        (None, None) => Page::Before(i64::MAX),
    };
    if errors.is_empty() {
        Ok((page, limit))
    } else {
        Err(errors)
    }
}

fn history_json(history: &History) -> HistoryJson {
    HistoryJson {
        posts: history
            .posts
            .iter()
            .map(|p| PostJson::of(p, Shown::Visible))
            .collect(),
        more: history.more,
        unpublished: history
            .unpublished
            .iter()
            .map(|(p, shown)| PostJson::of(p, *shown))
            .collect(),
    }
}

/// A page of a course's Q&A.
async fn history(
    State(api): State<Arc<MessagingApi>>,
    Path(course_id): Path<String>,
    headers: HeaderMap,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Response, Response> {
    let caller = caller(&api, &headers)
        .await
        .map_err(IntoResponse::into_response)?;
    let course = path_id(&course_id, "course").map_err(IntoResponse::into_response)?;
    let Ok(Query(pairs)) = query else {
        return Err(invalid(vec![FieldProblem::new(
            "query",
            "the query string is not valid URL encoding",
        )]));
    };
    let (page, limit) = page_of(&pairs).map_err(invalid)?;
    let history = api
        .qa
        .history(caller.user_id, course, page, limit)
        .await
        .map_err(|e| qa_failed(e).into_response())?;
    Ok(axum::Json(history_json(&history)).into_response())
}

pub(crate) fn invalid(errors: Vec<FieldProblem>) -> Response {
    ApiError::InvalidInput {
        detail: "Some query parameters are not valid.".into(),
        errors,
    }
    .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(query: &[(&str, &str)]) -> Vec<(String, String)> {
        query
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn a_page_is_after_or_before_a_place_and_the_latest_by_default() {
        assert_eq!(page_of(&pairs(&[])), Ok((Page::Before(i64::MAX), 50)));
        assert_eq!(
            page_of(&pairs(&[("after", "7"), ("limit", "100")])),
            Ok((Page::After(7), 100))
        );
        assert_eq!(
            page_of(&pairs(&[("before", "3")])),
            Ok((Page::Before(3), 50))
        );
    }

    #[test]
    fn every_bad_parameter_is_named() {
        let errors = page_of(&pairs(&[
            ("after", "-1"),
            ("limit", "0"),
            ("before", "x"),
            ("before", "2"),
        ]))
        .unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["before", "after", "before", "limit"]);
        let both = page_of(&pairs(&[("after", "1"), ("before", "2")])).unwrap_err();
        assert_eq!(both[0].message, "give after or before, not both");
    }
}
