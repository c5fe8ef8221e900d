//! `POST /v1/charges`, `POST /v1/refunds` (both under an `Idempotency-Key`), `GET /v1/stats`,
//! `/health`, `/ready`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use edu_common::problem::{Problem, json_rejection_problem};
use serde::Deserialize;
use serde_json::{Value, json};
use uuid::Uuid;

use super::delivery::Deliveries;
use super::{Card, SandboxSettings, card};

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Amount {
    currency_code: String,
    amount_minor: i64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ChargeBody {
    payment_id: String,
    amount: Amount,
    card_token: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RefundBody {
    payment_id: String,
    amount: Amount,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Processing,
    Succeeded,
    Failed,
    Refunded,
}

#[derive(Debug, Clone)]
struct Charge {
    amount: Amount,
    outcome: Outcome,
}

#[derive(Debug, Default)]
struct Books {
    /// Idempotency key -> (what was asked, the answer given).
    answers: HashMap<String, (String, Value)>,
    charges: HashMap<Uuid, Charge>,
}

#[derive(Debug)]
struct Sandbox {
    books: Mutex<Books>,
    deliveries: Arc<Deliveries>,
}

impl Sandbox {
    fn books(&self) -> std::sync::MutexGuard<'_, Books> {
        self.books
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

pub fn router(settings: SandboxSettings) -> Router {
    let state = Arc::new(Sandbox {
        books: Mutex::default(),
        deliveries: Arc::new(Deliveries::new(settings)),
    });
    Router::new()
        .route("/v1/charges", post(charge))
        .route("/v1/refunds", post(refund))
        .route("/v1/stats", get(stats))
        .route("/health", get(|| async { Json(json!({"status": "ok"})) }))
        .route("/ready", get(|| async { Json(json!({"status": "ready"})) }))
        .with_state(state)
}

fn problem(status: StatusCode, detail: impl Into<String>) -> Response {
    Problem::new(status, detail.into()).into_response()
}

fn event(kind: &str, payment_id: Uuid, amount: &Amount, reason: Option<&str>) -> Value {
    let mut event = json!({"id": format!("evt_{}", Uuid::new_v4().simple()), "type": kind,
        "payment_id": payment_id.to_string(),
        "amount": {"currency_code": amount.currency_code, "amount_minor": amount.amount_minor}});
    if let Some(reason) = reason {
        event["reason"] = json!(reason);
    }
    event
}

/// The key's earlier answer (200, `Idempotent-Replayed`), a 422 for a key reused with another
/// request, or `None` for a new key.
fn replayed(books: &Books, key: &str, asked: &str) -> Option<Response> {
    let (first, answer) = books.answers.get(key)?;
    if first != asked {
        return Some(problem(
            StatusCode::UNPROCESSABLE_ENTITY,
            "This Idempotency-Key was used for another request.",
        ));
    }
    let mut response = Json(answer.clone()).into_response();
    response
        .headers_mut()
        .insert("idempotent-replayed", HeaderValue::from_static("true"));
    Some(response)
}

fn key_of(headers: &HeaderMap) -> Option<String> {
    headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .filter(|k| !k.is_empty())
        .map(str::to_owned)
}

fn no_key() -> Response {
    problem(StatusCode::BAD_REQUEST, "Send an Idempotency-Key header.")
}

/// Takes a charge: answered at once, its outcome sent by webhook.
async fn charge(
    State(sandbox): State<Arc<Sandbox>>,
    headers: HeaderMap,
    body: Result<Json<ChargeBody>, JsonRejection>,
) -> Response {
    let Some(key) = key_of(&headers) else {
        return no_key();
    };
    let Json(body) = match body {
        Ok(body) => body,
        Err(rejection) => return json_rejection_problem(&rejection).into_response(),
    };
    let Ok(payment_id) = Uuid::parse_str(&body.payment_id) else {
        return problem(StatusCode::BAD_REQUEST, "payment_id is not a UUID.");
    };
    let Some(card) = card(&body.card_token) else {
        return problem(
            StatusCode::BAD_REQUEST,
            format!(
                "{} is not a test card (tok_visa, tok_mastercard, tok_decline, \
                 tok_insufficient_funds, tok_timeout)",
                body.card_token
            ),
        );
    };
    let asked = format!("charge {payment_id} {:?} {}", body.amount, body.card_token);
    let mut books = sandbox.books();
    if let Some(response) = replayed(&books, &key, &asked) {
        sandbox.deliveries.record(|s| s.replayed_requests += 1);
        return response;
    }
    if books.charges.contains_key(&payment_id) {
        return problem(
            StatusCode::CONFLICT,
            "This payment was charged under another Idempotency-Key.",
        );
    }
    let (outcome, news) = match card {
        Card::Succeeds => (
            Outcome::Succeeded,
            Some(event("payment.succeeded", payment_id, &body.amount, None)),
        ),
        Card::Declined(reason) => (
            Outcome::Failed,
            Some(event(
                "payment.failed",
                payment_id,
                &body.amount,
                Some(reason),
            )),
        ),
        Card::NeverAnswers => (Outcome::Processing, None),
    };
    let answer = json!({"id": format!("ch_{}", payment_id.simple()),
        "payment_id": payment_id.to_string(), "status": "processing"});
    books.answers.insert(key, (asked, answer.clone()));
    books.charges.insert(
        payment_id,
        Charge {
            amount: body.amount,
            outcome,
        },
    );
    drop(books);
    sandbox.deliveries.record(|s| s.charges += 1);
    if let Some(news) = news {
        sandbox.deliveries.schedule(&news);
    }
    (StatusCode::ACCEPTED, Json(answer)).into_response()
}

/// Takes a full refund of a succeeded charge; confirmed by webhook.
async fn refund(
    State(sandbox): State<Arc<Sandbox>>,
    headers: HeaderMap,
    body: Result<Json<RefundBody>, JsonRejection>,
) -> Response {
    let Some(key) = key_of(&headers) else {
        return no_key();
    };
    let Json(body) = match body {
        Ok(body) => body,
        Err(rejection) => return json_rejection_problem(&rejection).into_response(),
    };
    let Ok(payment_id) = Uuid::parse_str(&body.payment_id) else {
        return problem(StatusCode::BAD_REQUEST, "payment_id is not a UUID.");
    };
    let asked = format!("refund {payment_id} {:?}", body.amount);
    let mut books = sandbox.books();
    if let Some(response) = replayed(&books, &key, &asked) {
        sandbox.deliveries.record(|s| s.replayed_requests += 1);
        return response;
    }
    let Some(charge) = books.charges.get_mut(&payment_id) else {
        return problem(StatusCode::NOT_FOUND, "No charge for this payment.");
    };
    if charge.outcome != Outcome::Succeeded {
        return problem(
            StatusCode::CONFLICT,
            format!(
                "Only a succeeded charge is refunded; this one is {:?}.",
                charge.outcome
            ),
        );
    }
    if charge.amount != body.amount {
        return problem(StatusCode::BAD_REQUEST, "Only full refunds are taken.");
    }
    charge.outcome = Outcome::Refunded;
    let answer = json!({"id": format!("re_{}", payment_id.simple()),
        "payment_id": payment_id.to_string(), "status": "processing"});
    books.answers.insert(key, (asked, answer.clone()));
    drop(books);
    sandbox.deliveries.record(|s| s.refunds += 1);
    sandbox
        .deliveries
        .schedule(&event("payment.refunded", payment_id, &body.amount, None));
    (StatusCode::ACCEPTED, Json(answer)).into_response()
}

async fn stats(State(sandbox): State<Arc<Sandbox>>) -> Response {
    let stats = sandbox
        .deliveries
        .stats
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .clone();
    Json(stats).into_response()
}
