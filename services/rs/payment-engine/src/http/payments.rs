//! `POST /payments`, `GET /payments/{payment_id}` (the student's own) and `GET /ledger/balances`
//! (admins).

use std::sync::Arc;

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use edu_common::problem::{ApiError, FieldProblem, Problem, json_rejection_problem};
use uuid::Uuid;

use super::auth::authenticate;
use super::json::{CreatePaymentBody, LedgerBalances, PaymentJson};
use super::{PaymentApi, store_failed};
use crate::app::payments::{CreateError, Refund, RefundError};
use crate::app::ports::Created;
use crate::app::provider::ProviderError;
use crate::domain::idempotency::{IdempotencyKey, PaymentRequest};
use crate::domain::money::{Currency, Money};

pub(super) const IDEMPOTENCY_KEY: &str = "idempotency-key";
/// Set on an answer that repeats the key's first payment (as Stripe does).
pub(super) const REPLAYED: &str = "idempotent-replayed";

fn respond(result: Result<Response, Response>) -> Response {
    match result {
        Ok(response) | Err(response) => response,
    }
}

/// Starts a payment for the signed-in student, once per Idempotency-Key.
pub(super) async fn create(
    State(state): State<Arc<PaymentApi>>,
    headers: HeaderMap,
    body: Result<Json<CreatePaymentBody>, JsonRejection>,
) -> Response {
    respond(create_payment(&state, &headers, body).await)
}

async fn create_payment(
    state: &PaymentApi,
    headers: &HeaderMap,
    body: Result<Json<CreatePaymentBody>, JsonRejection>,
) -> Result<Response, Response> {
    let caller = authenticate(&state.keys, headers)
        .await
        .map_err(IntoResponse::into_response)?;
    let key = idempotency_key(headers).map_err(bad_key)?;
    let Json(body) =
        body.map_err(|rejection| json_rejection_problem(&rejection).into_response())?;
    let request = payment_request(caller.user_id, &body).map_err(|errors| {
        ApiError::InvalidInput {
            detail: "Some values in the body are not valid.".into(),
            errors,
        }
        .into_response()
    })?;
    let card_token = card_token(&body).map_err(|errors| {
        ApiError::InvalidInput {
            detail: "Some values in the body are not valid.".into(),
            errors,
        }
        .into_response()
    })?;
    match state.payments.create(key, request, card_token).await {
        Ok(Created::Made(payment)) => {
            let mut response =
                (StatusCode::CREATED, Json(PaymentJson::from(&payment))).into_response();
            if let Ok(location) = HeaderValue::from_str(&format!("/payments/{}", payment.id)) {
                response.headers_mut().insert(header::LOCATION, location);
            }
            Ok(response)
        }
        Ok(Created::Replayed(payment)) => {
            let mut response = (StatusCode::OK, Json(PaymentJson::from(&payment))).into_response();
            response
                .headers_mut()
                .insert(REPLAYED, HeaderValue::from_static("true"));
            Ok(response)
        }
        Ok(Created::Mismatch) => Err(ApiError::InvalidInput {
            detail: "This Idempotency-Key was already used for a different payment request; \
                     use a new key for a new payment."
                .into(),
            errors: vec![FieldProblem::new(
                "header.Idempotency-Key",
                "already used with another course, amount or currency",
            )],
        }
        .into_response()),
        Err(CreateError::Store(error)) => Err(store_failed(error).into_response()),
        Err(CreateError::CardRefused { payment_id, why }) => Err(card_refused(payment_id, &why)),
    }
}

fn card_token(body: &CreatePaymentBody) -> Result<Option<String>, Vec<FieldProblem>> {
    match &body.card_token {
        Some(token)
            if token.is_empty()
                || token.len() > 255
                || !token.bytes().all(|b| b.is_ascii_graphic()) =>
        {
            Err(vec![FieldProblem::new(
                "body.card_token",
                "1 to 255 visible ASCII characters",
            )])
        }
        token => Ok(token.clone()),
    }
}

/// The provider refused the card itself: the payment failed (`payment.failed` says why).
fn card_refused(payment_id: Uuid, why: &str) -> Response {
    ApiError::InvalidInput {
        detail: format!(
            "The payment provider refused the card: {why}. Payment {payment_id} failed and \
             nothing was charged; start a new payment (new Idempotency-Key) with another card."
        ),
        errors: vec![FieldProblem::new("body.card_token", why.to_owned())],
    }
    .into_response()
}

/// Asks the provider to refund a succeeded payment in full (admins); `payment.refunded`
/// follows the provider's confirmation.
pub(super) async fn refund(
    State(state): State<Arc<PaymentApi>>,
    Path(payment_id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let caller = match authenticate(&state.keys, &headers).await {
        Ok(caller) => caller,
        Err(error) => return error.into_response(),
    };
    if !caller.is_admin() {
        return ApiError::PermissionDenied("Refunds are for admins only.".into()).into_response();
    }
    let not_found =
        || ApiError::NotFound(format!("There is no payment {payment_id}.")).into_response();
    let Ok(id) = Uuid::parse_str(&payment_id) else {
        return not_found();
    };
    match state.payments.refund(id).await {
        Ok(Refund::Requested(payment)) => {
            (StatusCode::ACCEPTED, Json(PaymentJson::from(&payment))).into_response()
        }
        Ok(Refund::AlreadyRefunded(payment)) => Json(PaymentJson::from(&payment)).into_response(),
        Ok(Refund::NotRefundable(payment)) => ApiError::Conflict(format!(
            "Only a succeeded payment can be refunded; this one is {}.",
            payment.status.as_str()
        ))
        .into_response(),
        Ok(Refund::NotFound) => not_found(),
        Err(RefundError::Store(error)) => store_failed(error).into_response(),
        Err(RefundError::Provider(ProviderError::Unavailable(cause))) => {
            tracing::warn!(%id, %cause, "the payment provider did not answer a refund");
            ApiError::Unavailable {
                detail: "The payment provider could not be reached; nothing was refunded. \
                         Ask again shortly: the refund is made once."
                    .into(),
                retry_after: 2,
            }
            .into_response()
        }
        Err(RefundError::Provider(ProviderError::Refused(why))) => {
            ApiError::Conflict(format!("The payment provider refused the refund: {why}."))
                .into_response()
        }
    }
}

fn idempotency_key(headers: &HeaderMap) -> Result<IdempotencyKey, String> {
    let value = headers
        .get(IDEMPOTENCY_KEY)
        .ok_or_else(|| "missing".to_owned())?
        .to_str()
        .map_err(|_| "only visible ASCII characters are accepted".to_owned())?;
    IdempotencyKey::parse(value).map_err(|error| error.to_string())
}

fn bad_key(message: String) -> Response {
    Problem::new(
        StatusCode::BAD_REQUEST,
        "Send an Idempotency-Key header: a key of your choosing, the same for every retry of \
         one intended payment.",
    )
    .with_errors(vec![FieldProblem::new("header.Idempotency-Key", message)])
    .into_response()
}

fn payment_request(
    student_id: Uuid,
    body: &CreatePaymentBody,
) -> Result<PaymentRequest, Vec<FieldProblem>> {
    let mut errors = Vec::new();
    let mut field = |name: &str, message: String| errors.push(FieldProblem::new(name, message));
    let course_id = Uuid::parse_str(&body.course_id)
        .map_err(|_| field("body.course_id", "not a UUID".into()))
        .ok();
    let amount = match Currency::parse(&body.amount.currency_code) {
        Ok(currency) => Money::new(currency, body.amount.amount_minor)
            .map_err(|e| field("body.amount.amount_minor", e.to_string()))
            .ok(),
        Err(e) => {
            field("body.amount.currency_code", e.to_string());
            None
        }
    };
    match (course_id, amount) {
        (Some(course_id), Some(amount)) => Ok(PaymentRequest {
            student_id,
            course_id,
            amount,
        }),
        _ => Err(errors),
    }
}

/// One of the signed-in student's payments, with its current status.
pub(super) async fn show(
    State(state): State<Arc<PaymentApi>>,
    headers: HeaderMap,
    Path(payment_id): Path<String>,
) -> Response {
    let caller = match authenticate(&state.keys, &headers).await {
        Ok(caller) => caller,
        Err(error) => return error.into_response(),
    };
    let not_found =
        || ApiError::NotFound(format!("You have no payment {payment_id}.")).into_response();
    let Ok(id) = Uuid::parse_str(&payment_id) else {
        return not_found();
    };
    match state.payments.of_student(caller.user_id, id).await {
        Ok(Some(payment)) => Json(PaymentJson::from(&payment)).into_response(),
        Ok(None) => not_found(),
        Err(error) => store_failed(error).into_response(),
    }
}

/// The ledger's balances per account and currency (admins).
pub(super) async fn balances(State(state): State<Arc<PaymentApi>>, headers: HeaderMap) -> Response {
    let caller = match authenticate(&state.keys, &headers).await {
        Ok(caller) => caller,
        Err(error) => return error.into_response(),
    };
    if !caller.is_admin() {
        return ApiError::PermissionDenied("The ledger is for admins only.".into()).into_response();
    }
    match state.payments.balances().await {
        Ok(lines) => Json(LedgerBalances::of(&lines)).into_response(),
        Err(error) => store_failed(error).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::json::MoneyJson;

    fn body(course: &str, currency: &str, minor: i64) -> CreatePaymentBody {
        CreatePaymentBody {
            course_id: course.into(),
            amount: MoneyJson {
                currency_code: currency.into(),
                amount_minor: minor,
            },
            card_token: None,
        }
    }

    #[test]
    fn every_bad_field_is_named() {
        let errors = payment_request(Uuid::nil(), &body("c1", "eur", 0)).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["body.course_id", "body.amount.currency_code"]);
        let errors = payment_request(
            Uuid::nil(),
            &body("00000000-0000-4000-8000-000000000001", "EUR", 0),
        )
        .unwrap_err();
        assert_eq!(errors[0].field, "body.amount.amount_minor");
        let request = payment_request(
            Uuid::from_u128(7),
            &body("00000000-0000-4000-8000-000000000001", "JPY", 500),
        )
        .unwrap();
        assert_eq!(request.student_id, Uuid::from_u128(7));
        assert_eq!(request.amount.to_string(), "500 JPY");
    }

    #[test]
    fn the_idempotency_key_header_is_required_and_checked() {
        let mut headers = HeaderMap::new();
        assert_eq!(idempotency_key(&headers).unwrap_err(), "missing");
        headers.insert(IDEMPOTENCY_KEY, HeaderValue::from_static("has space"));
        assert!(
            idempotency_key(&headers)
                .unwrap_err()
                .contains("visible ASCII")
        );
        assert_eq!(bad_key("missing".into()).status(), StatusCode::BAD_REQUEST);
        headers.insert(IDEMPOTENCY_KEY, HeaderValue::from_static("checkout-1"));
        assert_eq!(idempotency_key(&headers).unwrap().as_str(), "checkout-1");
    }
}
