//! gRPC: `edu.payments.v1.PaymentsService` (`CreatePayment`, `GetPayment`) on `EDU_GRPC_PORT`,
//! the same use cases as HTTP. Its callers are the platform's services (the student is named in
//! the request; nothing authenticates services to each other yet, as for the other internal gRPC
//! API, course's), so it listens where the HTTP API does and is not routed by the gateway.
//!
//! Status codes: a malformed field is `INVALID_ARGUMENT` naming it; an idempotency key used for
//! another request is `ALREADY_EXISTS`; an unknown payment `NOT_FOUND`; the database or the
//! provider not answering `UNAVAILABLE` (retry with the same key). A replay answers the first
//! payment with the metadata `idempotent-replayed: true`.

use std::future::Future;

use edu_proto_gen::edu::payments::v1::payments_service_server::{
    PaymentsService, PaymentsServiceServer,
};
use edu_proto_gen::edu::payments::v1::{
    CreatePaymentRequest, CreatePaymentResponse, GetPaymentRequest, GetPaymentResponse,
    Money as MoneyMessage, Payment as PaymentMessage, PaymentStatus,
};
use tokio::net::TcpListener;
use tonic::{Request, Response, Status};
use uuid::Uuid;

use crate::app::payments::{CreateError, Payments};
use crate::app::ports::{Created, StoreError};
use crate::domain::idempotency::{IdempotencyKey, PaymentRequest};
use crate::domain::money::{Currency, Money};
use crate::domain::payment::{Payment, Status as PaymentState};

#[derive(Debug, Clone)]
pub struct PaymentsGrpc {
    payments: Payments,
}

impl PaymentsGrpc {
    pub fn new(payments: Payments) -> Self {
        Self { payments }
    }
}

/// The payment as the proto has it.
pub fn to_message(payment: &Payment) -> PaymentMessage {
    let status = match payment.status {
        PaymentState::Pending => PaymentStatus::Pending,
        PaymentState::Succeeded => PaymentStatus::Succeeded,
        PaymentState::Failed => PaymentStatus::Failed,
        PaymentState::Refunded => PaymentStatus::Refunded,
    };
    PaymentMessage {
        id: payment.id.to_string(),
        student_id: payment.student_id.to_string(),
        course_id: payment.course_id.to_string(),
        amount: Some(MoneyMessage {
            currency_code: payment.amount.currency().code().to_owned(),
            amount_minor: payment.amount.amount_minor(),
        }),
        status: status as i32,
        created_at: Some(prost_types::Timestamp::from(payment.created_at)),
    }
}

fn uuid_field(value: &str, field: &str) -> Result<Uuid, String> {
    Uuid::parse_str(value).map_err(|_| format!("{field}: not a UUID ({value:?})"))
}

/// The request's key and payment request, or every problem with its fields.
pub fn read_create(
    request: &CreatePaymentRequest,
) -> Result<(IdempotencyKey, PaymentRequest), Status> {
    let mut problems = Vec::new();
    let key = IdempotencyKey::parse(&request.idempotency_key)
        .map_err(|e| problems.push(format!("idempotency_key: {e}")))
        .ok();
    let student_id = uuid_field(&request.student_id, "student_id")
        .map_err(|e| problems.push(e))
        .ok();
    let course_id = uuid_field(&request.course_id, "course_id")
        .map_err(|e| problems.push(e))
        .ok();
    let amount = match &request.amount {
        None => {
            problems.push("amount: required".to_owned());
            None
        }
        Some(money) => Currency::parse(&money.currency_code)
            .map_err(|e| format!("amount.currency_code: {e}"))
            .and_then(|currency| {
                Money::new(currency, money.amount_minor)
                    .map_err(|e| format!("amount.amount_minor: {e}"))
            })
            .map_err(|e| problems.push(e))
            .ok(),
    };
    match (key, student_id, course_id, amount) {
        (Some(key), Some(student_id), Some(course_id), Some(amount)) if problems.is_empty() => {
            Ok((
                key,
                PaymentRequest {
                    student_id,
                    course_id,
                    amount,
                },
            ))
        }
        _ => Err(Status::invalid_argument(problems.join("; "))),
    }
}

fn store_status(error: &StoreError) -> Status {
    match error {
        StoreError::Unavailable(_) => Status::unavailable(
            "payments cannot be stored or read right now; nothing was changed: retry with the \
             same idempotency_key",
        ),
        StoreError::Corrupt(cause) => Status::internal(format!("a stored row: {cause}")),
    }
}

#[tonic::async_trait]
impl PaymentsService for PaymentsGrpc {
    async fn create_payment(
        &self,
        request: Request<CreatePaymentRequest>,
    ) -> Result<Response<CreatePaymentResponse>, Status> {
        let (key, payment_request) = read_create(request.get_ref())?;
        let created = self
            .payments
            .create(key, payment_request, None)
            .await
            .map_err(|error| match error {
                CreateError::Store(error) => store_status(&error),
                CreateError::CardRefused { payment_id, why } => Status::failed_precondition(
                    format!("payment {payment_id} failed: the provider refused the card: {why}"),
                ),
            })?;
        let (payment, replayed) = match created {
            Created::Made(payment) => (payment, false),
            Created::Replayed(payment) => (payment, true),
            Created::Mismatch => {
                return Err(Status::already_exists(
                    "idempotency_key was already used for another payment request (another \
                     student, course, amount or currency); use a new key for a new payment",
                ));
            }
        };
        let mut response = Response::new(CreatePaymentResponse {
            payment: Some(to_message(&payment)),
        });
        if replayed {
            response.metadata_mut().insert(
                "idempotent-replayed",
                tonic::metadata::MetadataValue::from_static("true"),
            );
        }
        Ok(response)
    }

    async fn get_payment(
        &self,
        request: Request<GetPaymentRequest>,
    ) -> Result<Response<GetPaymentResponse>, Status> {
        let id = uuid_field(&request.get_ref().payment_id, "payment_id")
            .map_err(Status::invalid_argument)?;
        match self.payments.get(id).await {
            Ok(Some(payment)) => Ok(Response::new(GetPaymentResponse {
                payment: Some(to_message(&payment)),
            })),
            Ok(None) => Err(Status::not_found(format!("no payment has the id {id}"))),
            Err(error) => Err(store_status(&error)),
        }
    }
}

/// Serves the `PaymentsService` on `listener` until `stop` resolves.
pub async fn serve(
    listener: TcpListener,
    payments: Payments,
    stop: impl Future<Output = ()> + Send,
) -> Result<(), tonic::transport::Error> {
    // One service: served directly, without tonic's router (its `router` feature and axum).
    tonic::transport::Server::builder()
        .serve_with_incoming_shutdown(
            PaymentsServiceServer::new(PaymentsGrpc::new(payments)),
            tonic::transport::server::TcpIncoming::from(listener),
            stop,
        )
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(key: &str, student: &str, minor: i64) -> CreatePaymentRequest {
        CreatePaymentRequest {
            idempotency_key: key.into(),
            student_id: student.into(),
            course_id: "00000000-0000-4000-8000-000000000002".into(),
            amount: Some(MoneyMessage {
                currency_code: "EUR".into(),
                amount_minor: minor,
            }),
        }
    }

    #[test]
    fn every_bad_field_is_named_in_one_invalid_argument() {
        let status = read_create(&request("", "nope", 0)).unwrap_err();

        assert_eq!(status.code(), tonic::Code::InvalidArgument);
        for field in ["idempotency_key", "student_id", "amount.amount_minor"] {
            assert!(status.message().contains(field), "{}", status.message());
        }
    }

    #[test]
    fn a_good_request_reads_as_the_domains() {
        let (key, read) = read_create(&request(
            "k-1",
            "00000000-0000-4000-8000-000000000001",
            4_900,
        ))
        .unwrap();

        assert_eq!(key.as_str(), "k-1");
        assert_eq!(read.amount.amount_minor(), 4_900);
    }

    #[test]
    fn statuses_map_to_the_protos_enum() {
        let mut payment = Payment::new(
            Uuid::from_u128(1),
            Uuid::from_u128(2),
            Uuid::from_u128(3),
            Money::new(Currency::parse("JPY").unwrap(), 500).unwrap(),
            std::time::UNIX_EPOCH,
        );
        payment.status = PaymentState::Refunded;

        let message = to_message(&payment);

        assert_eq!(message.status, PaymentStatus::Refunded as i32);
        assert_eq!(message.amount.unwrap().amount_minor, 500);
    }
}
