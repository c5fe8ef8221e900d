//! HTTP: `POST /v1/events` (JSON or protobuf batches), `/health`, `/ready`, `/openapi.json`.
//! A declared body over the limit is refused before it is read; the caller's access token is
//! checked against identity's keys before the body is read too.

pub mod json_mapping;
pub mod openapi;

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use edu_common::health::{Check, CheckFuture, FnCheck};
use edu_common::problem::{ApiError, FieldProblem, Problem};
use edu_jwt::KeyCache;
use edu_proto_gen::edu::events::v1::LearningEventBatch;
use http_body_util::{BodyExt, Limited};
use prost::Message;

use crate::app::ingest::{Candidate, IngestError, Ingestion};
use crate::app::ports::PublishError;

pub const PROTOBUF: &str = "application/x-protobuf";

/// What the handlers share.
#[derive(Debug)]
pub struct Ingest {
    pub ingestion: Ingestion,
    pub keys: KeyCache,
    pub max_body_bytes: usize,
}

pub fn router(state: &Arc<Ingest>) -> Router {
    let nats = state.clone();
    let keys = state.clone();
    let checks: Vec<Box<dyn Check>> = vec![
        Box::new(FnCheck::new("nats", move || -> CheckFuture {
            let state = nats.clone();
            Box::pin(async move { state.ingestion.publisher().ready().await })
        })),
        Box::new(FnCheck::new("signing keys", move || -> CheckFuture {
            let state = keys.clone();
            Box::pin(async move {
                if state.keys.ensure_keys().await {
                    Ok(())
                } else {
                    Err("identity's JWKS has not been fetched yet".into())
                }
            })
        })),
    ];
    let events = Router::new()
        .route(
            "/v1/events",
            post(ingest).fallback(edu_common::problem::method_not_allowed),
        )
        .with_state(state.clone());
    edu_common::service::router(events, checks, openapi::document)
}

/// Accepts a batch of learning events; 202 once JetStream acknowledged every accepted one.
async fn ingest(State(state): State<Arc<Ingest>>, request: Request) -> Response {
    match accept(&state, request).await {
        Ok(response) | Err(response) => response,
    }
}

async fn accept(state: &Ingest, request: Request) -> Result<Response, Response> {
    let (parts, body) = request.into_parts();
    let declared = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > state.max_body_bytes as u64) {
        return Err(too_large(state.max_body_bytes));
    }
    let user_id = authenticate(state, &parts.headers).await?;
    let protobuf = match media_type(&parts.headers).as_deref() {
        Some("application/json") => false,
        Some(PROTOBUF | "application/protobuf") => true,
        _ => {
            return Err(Problem::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "Send the batch as application/json ({\"events\": [...]}) or as \
                 application/x-protobuf (edu.events.v1.LearningEventBatch).",
            )
            .into_response());
        }
    };
    let bytes = read_body(body, state.max_body_bytes).await?;
    let candidates = if protobuf {
        LearningEventBatch::decode(bytes)
            .map(|batch| batch.events.into_iter().map(Candidate::Read).collect())
            .map_err(|e| format!("the body is not a LearningEventBatch: {e}"))
    } else {
        json_mapping::candidates(&bytes).map_err(|e| format!("the body is not a batch: {e}"))
    };
    let candidates = candidates
        .map_err(|detail| Problem::new(StatusCode::BAD_REQUEST, detail).into_response())?;
    match state.ingestion.ingest(candidates, &user_id).await {
        Ok(report) => Ok((StatusCode::ACCEPTED, axum::Json(report)).into_response()),
        Err(error) => Err(refused(error, state)),
    }
}

fn media_type(headers: &axum::http::HeaderMap) -> Option<String> {
    let value = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    let essence = value.split(';').next()?.trim().to_ascii_lowercase();
    Some(essence)
}

async fn authenticate(state: &Ingest, headers: &axum::http::HeaderMap) -> Result<String, Response> {
    let unauthenticated =
        |detail: &str| ApiError::Unauthenticated(detail.to_owned()).into_response();
    let value = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| unauthenticated("Sign in: events are recorded for the signed-in user."))?;
    let token = value.strip_prefix("Bearer ").ok_or_else(|| {
        unauthenticated("The Authorization header must read `Bearer <access token>`.")
    })?;
    state
        .keys
        .verify(token.trim())
        .await
        .map(|principal| principal.user_id)
        .map_err(|why| unauthenticated(&format!("The access token is not valid: {why}.")))
}

fn too_large(limit: usize) -> Response {
    Problem::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        format!(
            "The request body is larger than the {limit} bytes accepted; send smaller batches."
        ),
    )
    .into_response()
}

/// Reads the body up to the limit; a body without a declared length is cut off there.
async fn read_body(body: Body, limit: usize) -> Result<bytes::Bytes, Response> {
    match Limited::new(body, limit).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(error) if error.is::<http_body_util::LengthLimitError>() => Err(too_large(limit)),
        Err(_) => Err(Problem::new(
            StatusCode::BAD_REQUEST,
            "The request body could not be read.",
        )
        .into_response()),
    }
}

fn refused(error: IngestError, state: &Ingest) -> Response {
    match error {
        IngestError::Empty => ApiError::InvalidInput {
            detail: "The batch holds no event.".into(),
            errors: vec![FieldProblem::new("events", "at least one event is needed")],
        }
        .into_response(),
        IngestError::TooMany { count, max } => Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("The batch holds {count} events; at most {max} are accepted at once."),
        )
        .into_response(),
        IngestError::AllRejected(rejected) => ApiError::InvalidInput {
            detail: "No event of the batch can be accepted; nothing was recorded.".into(),
            errors: rejected
                .into_iter()
                .map(|r| FieldProblem::new(format!("events[{}]", r.index), r.reason))
                .collect(),
        }
        .into_response(),
        IngestError::Busy => ApiError::Unavailable {
            detail: format!(
                "Too many events are being recorded right now (at most {} at once); nothing \
                 was recorded. Send the batch again shortly.",
                state.ingestion.limits().max_in_flight_events
            ),
            retry_after: 1,
        }
        .into_response(),
        IngestError::Publish(error) => {
            tracing::warn!(%error, "a batch was not acknowledged; answered 503");
            let retry_after = match error {
                PublishError::TimedOut(_) => 2,
                PublishError::Unavailable(_) => 5,
            };
            ApiError::Unavailable {
                detail: "The events could not be stored right now; none of them counts as \
                         recorded. Send the same batch again (events already stored are \
                         recognised by their ids)."
                    .into(),
                retry_after,
            }
            .into_response()
        }
    }
}
