//! `POST /provider/webhooks`: the provider's news about a payment, signed.
//!
//! 200 for a delivery handled (applied, unchanged, or a duplicate of one handled before): the
//! provider stops delivering it. 409 with Retry-After when it cannot be applied yet (a payment
//! not stored yet, a refund before its success): the provider delivers it again. 422 when it
//! never can (an amount that is not the payment's, a transition that cannot happen). 400 for an
//! unsigned request or a body that is not an event, 401 for a signature that does not verify or
//! is outside the 5 minutes' tolerance.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use edu_common::problem::{ApiError, FieldProblem, Problem};

use super::json::WebhookReceipt;
use super::{PaymentApi, store_failed};
use crate::app::webhooks::WebhookError;
use crate::domain::decisions::WebhookDecision;
use crate::domain::webhook::{SIGNATURE_HEADER, SignatureError};

/// How long the provider should wait before delivering a retryable refusal again.
const RETRY_AFTER_SECONDS: &str = "5";

/// Receives one delivery of a provider event.
pub(super) async fn receive(
    State(state): State<Arc<PaymentApi>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let body = match body {
        Ok(body) => body,
        Err(rejection) => {
            return Problem::new(rejection.status(), rejection.body_text()).into_response();
        }
    };
    let signature = headers.get(SIGNATURE_HEADER).and_then(|v| v.to_str().ok());
    match state.webhooks.receive(signature, &body).await {
        Ok(decision) => answer(&decision),
        Err(error) => refused(error),
    }
}

fn receipt(result: &str) -> Response {
    Json(WebhookReceipt {
        result: result.into(),
    })
    .into_response()
}

fn answer(decision: &WebhookDecision) -> Response {
    match *decision {
        WebhookDecision::Apply { .. } => receipt("applied"),
        WebhookDecision::Unchanged => receipt("unchanged"),
        WebhookDecision::Duplicate => receipt("duplicate"),
        WebhookDecision::UnknownPayment => retry_later("No payment has this id (yet)."),
        WebhookDecision::NotYet => {
            retry_later("The payment has not succeeded yet, so it cannot be refunded yet.")
        }
        WebhookDecision::AmountMismatch => {
            tracing::error!("a provider event's amount is not its payment's; refused for good");
            ApiError::InvalidInput {
                detail: "The event's amount is not the payment's; it is refused for good.".into(),
                errors: vec![FieldProblem::new("body.amount", "not the payment's amount")],
            }
            .into_response()
        }
        WebhookDecision::Illegal { from, to } => {
            tracing::warn!(
                from = from.as_str(),
                to = to.as_str(),
                "an illegal transition refused"
            );
            ApiError::InvalidInput {
                detail: format!(
                    "A {} payment can never become {}; the event is refused for good.",
                    from.as_str(),
                    to.as_str()
                ),
                errors: vec![FieldProblem::new("body.type", "an illegal transition")],
            }
            .into_response()
        }
    }
}

fn retry_later(detail: &str) -> Response {
    Problem::new(
        StatusCode::CONFLICT,
        format!("{detail} Nothing was recorded; deliver the event again later."),
    )
    .with_header(header::RETRY_AFTER, RETRY_AFTER_SECONDS)
    .into_response()
}

fn refused(error: WebhookError) -> Response {
    match error {
        WebhookError::Unsigned => Problem::new(
            StatusCode::BAD_REQUEST,
            "The request has no Edu-Provider-Signature header.",
        )
        .into_response(),
        WebhookError::Signature(SignatureError::Malformed) => Problem::new(
            StatusCode::BAD_REQUEST,
            SignatureError::Malformed.to_string(),
        )
        .into_response(),
        WebhookError::Signature(
            why @ (SignatureError::Mismatch | SignatureError::OutsideTolerance(_)),
        ) => {
            // Not ApiError::Unauthenticated: it would ask for a bearer token.
            Problem::new(StatusCode::UNAUTHORIZED, why.to_string()).into_response()
        }
        WebhookError::Body(why) => Problem::new(StatusCode::BAD_REQUEST, why).into_response(),
        WebhookError::Store(error) => store_failed(error).into_response(),
    }
}
