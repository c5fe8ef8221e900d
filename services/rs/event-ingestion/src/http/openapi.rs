//! event-ingestion's OpenAPI document, generated from its code with utoipa and committed as
//! `contracts/openapi/event-ingestion.json` (`just openapi` writes it:
//! `event-ingestion --print-openapi`); a unit test fails when the committed file is stale.

use edu_common::health::{Liveness, Readiness};
use edu_common::problem::{FieldProblem, Problem};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::domain::outcome::{Rejected, Report};
use crate::http::json_mapping::{
    EventBatch, LearningEventJson, LessonFinished, LessonHeartbeat, LessonOpened, SearchPerformed,
    VideoPosition, VideoSeeked,
};

/// Record a batch of learning events for the signed-in user.
///
/// The body is JSON (`{"events": [...]}`, each event in the protobuf JSON mapping) or
/// `application/x-protobuf` (`edu.events.v1.LearningEventBatch`). Each event is checked on its
/// own; the answer is 202 only once every accepted event is durably stored, and lists the ids
/// stored, the ids already stored before (a retried batch) and the events refused with why.
#[utoipa::path(post, path = "/v1/events", operation_id = "record_learning_events", tag = "events",
    request_body(description = "At most 1,000 events and the configured number of bytes.",
        content(
            (EventBatch = "application/json"),
            (Vec<u8> = "application/x-protobuf"),
        )),
    security(("HTTPBearer" = [])),
    responses(
        (status = 202, description = "Every accepted event is stored; the rest are listed with why.", body = Report),
        (status = 400, description = "The body is not a batch.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid access token.", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body or the batch is larger than accepted (refused before the body is read when its length is declared).", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Neither JSON nor protobuf.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No event of the batch can be accepted; `errors` names each (`events[i]`).", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The events could not be stored now (the event store is down or slow, or too many events are in flight); nothing counts as recorded: send again after Retry-After.", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u32, description = "Seconds to wait."))),
    ))]
#[allow(dead_code, reason = "documents crate::http's handler")]
fn record_learning_events() {}

/// Liveness: answers while the process serves requests (no dependency checked).
#[utoipa::path(get, path = "/health", operation_id = "health", tag = "events",
    responses((status = 200, description = "The process serves requests.", body = Liveness)))]
#[allow(dead_code, reason = "documents edu_common::health's handler")]
fn health() {}

/// Readiness: NATS answers with the stream in place and identity's signing keys are loaded.
#[utoipa::path(get, path = "/ready", operation_id = "ready", tag = "events",
    responses(
        (status = 200, description = "Ready.", body = Readiness),
        (status = 503, description = "Not ready; the detail names what is missing.", body = Problem,
            content_type = "application/problem+json"),
    ))]
#[allow(dead_code, reason = "documents edu_common::health's handler")]
fn ready() {}

struct BearerScheme;

impl Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let mut scheme = Http::new(HttpAuthScheme::Bearer);
        scheme.description = Some("An access token from identity.".into());
        components.add_security_scheme("HTTPBearer", SecurityScheme::Http(scheme));
    }
}

#[derive(Debug, OpenApi)]
#[openapi(
    info(
        title = "eduplatform event-ingestion",
        description = "The collector of learning events (what students do in lessons): batches checked event by event, stored in JetStream, acknowledged only once stored."
    ),
    paths(record_learning_events, health, ready),
    components(schemas(
        EventBatch, LearningEventJson, LessonOpened, LessonHeartbeat, LessonFinished,
        SearchPerformed, VideoPosition, VideoSeeked, Report, Rejected, Problem, FieldProblem,
        Liveness, Readiness
    )),
    modifiers(&BearerScheme)
)]
pub struct IngestionApi;

/// The document as committed: pretty JSON with a final newline.
pub fn document() -> String {
    edu_common::service::committed_form(&IngestionApi::openapi())
}

#[cfg(test)]
mod tests {
    use super::*;

    const COMMITTED: &str = include_str!("../../../../../contracts/openapi/event-ingestion.json");

    #[test]
    fn the_committed_spec_is_what_the_code_generates() {
        edu_common::service::assert_committed_is_fresh(
            &document(),
            COMMITTED,
            "contracts/openapi/event-ingestion.json",
        );
    }

    #[test]
    fn the_batch_endpoint_documents_both_bodies_and_its_problems() {
        let generated: serde_json::Value = serde_json::from_str(&document()).unwrap();
        let post = &generated["paths"]["/v1/events"]["post"];
        let content = &post["requestBody"]["content"];
        assert!(content["application/json"].is_object());
        assert!(content["application/x-protobuf"].is_object());
        for status in ["202", "401", "413", "422", "503"] {
            assert!(post["responses"][status].is_object(), "{status}");
        }
        let event = &generated["components"]["schemas"]["LearningEvent"]["properties"];
        for field in ["id", "type", "user_id", "occurred_at", "lesson_heartbeat"] {
            assert!(event[field].is_object(), "LearningEvent.{field}");
        }
    }
}
