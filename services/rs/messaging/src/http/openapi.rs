//! messaging's OpenAPI document, generated from its code with utoipa and committed as
//! `contracts/openapi/messaging.json` (`just openapi` writes it: `messaging --print-openapi`);
//! a unit test fails when the committed file is stale. OpenAPI 3.1 has no WebSocket operations: `GET
//! /ws` is described as the handshake it is (its parameters, 101 and the refusals), with the
//! messages either way as the `ServerMessage` and `ClientMessage` schemas.

use edu_common::health::{Liveness, Readiness};
use edu_common::problem::{FieldProblem, Problem};
use utoipa::OpenApi;

use crate::http::json::{ClientMessage, HistoryJson, PostBody, PostJson, ServerMessage};

/// Ask a question in a course's Q&A.
///
/// The caller must be enrolled in the course or teach it. The question is stored `pending`
/// and announced to moderation (`qa.question_posted`); others see it once moderation allows it.
#[utoipa::path(post, path = "/qa/courses/{course_id}/questions", operation_id = "ask_question", tag = "qa",
    params(("course_id" = String, Path, format = "uuid", description = "The course.")),
    request_body = PostBody,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Stored, pending moderation.", body = PostJson,
            headers(("Location" = String, description = "The question's address."))),
        (status = 400, description = "The body is not JSON.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid access token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither enrolled in the course nor its teacher.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "The course id is not a UUID.", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not sent as JSON.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The text is empty or longer than 10,000 characters.", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The database does not answer.", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u32, description = "Seconds to wait."))),
    ))]
#[allow(dead_code, reason = "documents crate::http's handler")]
fn ask_question() {}

/// Answer a question in a course's Q&A.
///
/// The question must be one the caller sees (visible, or their own). The answer is stored
/// `pending` and announced to moderation (`qa.answer_posted`).
#[utoipa::path(post, path = "/qa/courses/{course_id}/questions/{question_id}/answers", operation_id = "answer_question", tag = "qa",
    params(
        ("course_id" = String, Path, format = "uuid", description = "The course."),
        ("question_id" = String, Path, format = "uuid", description = "The question answered."),
    ),
    request_body = PostBody,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Stored, pending moderation.", body = PostJson,
            headers(("Location" = String, description = "The answer's address."))),
        (status = 400, description = "The body is not JSON.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid access token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither enrolled in the course nor its teacher.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such question that the caller sees in this course.", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not sent as JSON.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The text is empty or longer than 10,000 characters.", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The database does not answer.", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u32, description = "Seconds to wait."))),
    ))]
#[allow(dead_code, reason = "documents crate::http's handler")]
fn answer_question() {}

/// A page of a course's Q&A history.
///
/// Visible posts ascending by `seq`: the first `limit` after `after`, the last `limit` before
/// `before`, or the latest `limit` with neither. The caller's own posts others do not see come
/// beside them in `unpublished`.
#[utoipa::path(get, path = "/qa/courses/{course_id}/posts", operation_id = "course_posts", tag = "qa",
    params(
        ("course_id" = String, Path, format = "uuid", description = "The course."),
        ("after" = Option<i64>, Query, description = "Posts after this place.", minimum = 0),
        ("before" = Option<i64>, Query, description = "Posts before this place (not with after).", minimum = 0),
        ("limit" = Option<u32>, Query, description = "Posts per page (50).", minimum = 1, maximum = 100),
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "One page.", body = HistoryJson),
        (status = 401, description = "No valid access token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither enrolled in the course nor its teacher.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "The course id is not a UUID.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A parameter is not valid; `errors` names each.", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The database does not answer.", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u32, description = "Seconds to wait."))),
    ))]
#[allow(dead_code, reason = "documents crate::http's handler")]
fn course_posts() {}

/// A course's visible posts, live (WebSocket).
///
/// The handshake of a WebSocket (`Upgrade: websocket`); the token as the `access_token`
/// parameter or the `Sec-WebSocket-Protocol` entries `edu.qa.v1, access_token.<token>` (the
/// server then selects `edu.qa.v1`). After 101 the server sends JSON text frames
/// (`ServerMessage`): `welcome`, then every visible post after `after` in `seq` order, each
/// once, from the database then live; at most `window` unacknowledged. The client sends
/// `ClientMessage`s: `ack` (cumulative) and `auth` (a fresh token before `expires_at`). Pings
/// every 15 s; close codes: 4001 token expired, 4008 too slow (buffer overflowed), 4010 no
/// pong, 4400 a bad message, 1001 server stopping, 1011 the feed cannot be read. Reconnect
/// with `after` = the last `seq` kept: no gap, no duplicate.
#[utoipa::path(get, path = "/ws", operation_id = "course_feed_socket", tag = "qa",
    params(
        ("course_id" = String, Query, format = "uuid", description = "The course to follow."),
        ("after" = Option<i64>, Query, description = "The last place the client saw (0: from the start).", minimum = 0),
        ("access_token" = Option<String>, Query, description = "Identity's access token (or the protocol entry, or the bearer header)."),
    ),
    responses(
        (status = 101, description = "Switched to the WebSocket protocol; ServerMessage frames follow."),
        (status = 401, description = "No valid access token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither enrolled in the course nor its teacher.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A parameter is not valid; `errors` names each.", body = Problem, content_type = "application/problem+json"),
        (status = 426, description = "Not a WebSocket handshake.", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The database does not answer.", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u32, description = "Seconds to wait."))),
    ))]
#[allow(dead_code, reason = "documents crate::http::ws's handler")]
fn course_feed_socket() {}

/// Liveness: answers while the process serves requests (no dependency checked).
#[utoipa::path(get, path = "/health", operation_id = "health", tag = "qa",
    responses((status = 200, description = "The process serves requests.", body = Liveness)))]
#[allow(dead_code, reason = "documents edu_common::health's handler")]
fn health() {}

/// Readiness: the database answers, NATS is connected and the event consumer is read.
#[utoipa::path(get, path = "/ready", operation_id = "ready", tag = "qa",
    responses(
        (status = 200, description = "Ready.", body = Readiness),
        (status = 503, description = "Not ready; the detail names what is missing.", body = Problem,
            content_type = "application/problem+json"),
    ))]
#[allow(dead_code, reason = "documents edu_common::health's handler")]
fn ready() {}

#[derive(Debug)]
struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

#[derive(Debug, OpenApi)]
#[openapi(
    info(
        title = "eduplatform messaging",
        description = "Course Q&A in real time: questions and answers of a course's enrolled students and its teacher, shown to others once moderation allows them; history over HTTP, live over a WebSocket."
    ),
    paths(ask_question, answer_question, course_posts, course_feed_socket, health, ready),
    components(schemas(
        PostBody,
        PostJson,
        HistoryJson,
        ServerMessage,
        ClientMessage,
        Problem,
        FieldProblem,
        Liveness,
        Readiness
    )),
    modifiers(&BearerAuth)
)]
pub struct MessagingOpenApi;

/// The document as committed: pretty JSON with a final newline.
pub fn document() -> String {
    edu_common::service::committed_form(&MessagingOpenApi::openapi())
}

#[cfg(test)]
mod tests {
    use super::*;

    const COMMITTED: &str = include_str!("../../../../../contracts/openapi/messaging.json");

    #[test]
    fn the_committed_spec_is_what_the_code_generates() {
        edu_common::service::assert_committed_is_fresh(
            &document(),
            COMMITTED,
            "contracts/openapi/messaging.json",
        );
    }

    #[test]
    fn the_websocket_handshake_documents_its_parameters_and_refusals() {
        let generated: serde_json::Value = serde_json::from_str(&document()).unwrap();
        let get = &generated["paths"]["/ws"]["get"];
        let names: Vec<&str> = get["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|p| p["name"].as_str())
            .collect();
        assert_eq!(names, ["course_id", "after", "access_token"]);
        for status in ["101", "401", "403", "422", "426"] {
            assert!(get["responses"][status].is_object(), "{status}");
        }
        assert!(generated["components"]["schemas"]["ServerMessage"].is_object());
    }
}
