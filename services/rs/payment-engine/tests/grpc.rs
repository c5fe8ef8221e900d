//! The `PaymentsService` over gRPC with a tonic client, against the real database: the same use
//! cases as HTTP, and status codes that say what went wrong.

mod support;

use edu_proto_gen::edu::payments::v1::payments_service_client::PaymentsServiceClient;
use edu_proto_gen::edu::payments::v1::{
    CreatePaymentRequest, GetPaymentRequest, Money, PaymentStatus,
};
use serde_json::Value;
use support::{COURSE, event, money, service, token};
use tonic::Code;
use tonic::transport::Channel;
use uuid::Uuid;

fn create(key: &str, student: Uuid, minor: i64) -> CreatePaymentRequest {
    CreatePaymentRequest {
        idempotency_key: key.into(),
        student_id: student.to_string(),
        course_id: COURSE.into(),
        amount: Some(Money {
            currency_code: "EUR".into(),
            amount_minor: minor,
        }),
    }
}

async fn client(url: String) -> PaymentsServiceClient<Channel> {
    PaymentsServiceClient::connect(url).await.unwrap()
}

#[tokio::test]
async fn create_replays_by_key_refuses_a_changed_request_and_get_shows_the_same_payment() {
    let mut service = service().await;
    let mut grpc = client(service.start_grpc().await).await;
    let student = Uuid::new_v4();

    let first = grpc
        .create_payment(create("grpc-1", student, 4_900))
        .await
        .unwrap();
    let again = grpc
        .create_payment(create("grpc-1", student, 4_900))
        .await
        .unwrap();
    let changed = grpc
        .create_payment(create("grpc-1", student, 5_000))
        .await
        .unwrap_err();

    assert!(first.metadata().get("idempotent-replayed").is_none());
    assert_eq!(again.metadata().get("idempotent-replayed").unwrap(), "true");
    let made = first.into_inner().payment.unwrap();
    assert_eq!(again.into_inner().payment.unwrap(), made);
    assert_eq!(made.status, PaymentStatus::Pending as i32);
    assert_eq!(made.amount.as_ref().unwrap().amount_minor, 4_900);
    assert_eq!(changed.code(), Code::AlreadyExists);
    assert!(changed.message().contains("idempotency_key"), "{changed:?}");
    let got = grpc
        .get_payment(GetPaymentRequest {
            payment_id: made.id.clone(),
        })
        .await
        .unwrap()
        .into_inner()
        .payment
        .unwrap();
    assert_eq!(got, made);
    // The same payment over HTTP, for the student named in the request.
    let shown: Value = service
        .http
        .get(service.app.url(&format!("/payments/{}", made.id)))
        .bearer_auth(token(student, &["student"]))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(shown["id"], made.id);
    assert_eq!(shown["created_at"], made.created_at.unwrap().to_string());
}

#[tokio::test]
async fn a_confirmed_payment_reads_as_succeeded() {
    let mut service = service().await;
    let mut grpc = client(service.start_grpc().await).await;
    let made = grpc
        .create_payment(create("grpc-2", Uuid::new_v4(), 1_200))
        .await
        .unwrap()
        .into_inner()
        .payment
        .unwrap();
    let id: Uuid = made.id.parse().unwrap();
    let confirm = event("evt_grpc", "payment.succeeded", id, &money("EUR", 1_200));
    assert_eq!(service.deliver(&confirm).await.status(), 200);

    let got = grpc
        .get_payment(GetPaymentRequest {
            payment_id: made.id,
        })
        .await
        .unwrap()
        .into_inner()
        .payment
        .unwrap();

    assert_eq!(got.status, PaymentStatus::Succeeded as i32);
}

#[tokio::test]
async fn bad_input_is_invalid_argument_naming_the_field_and_an_unknown_id_not_found() {
    let mut service = service().await;
    let mut grpc = client(service.start_grpc().await).await;
    let mut no_amount = create("grpc-3", Uuid::new_v4(), 1);
    no_amount.amount = None;
    no_amount.student_id = "someone".into();

    let invalid = grpc.create_payment(no_amount).await.unwrap_err();
    let zero = grpc
        .create_payment(create("grpc-4", Uuid::new_v4(), 0))
        .await
        .unwrap_err();
    let unknown = grpc
        .get_payment(GetPaymentRequest {
            payment_id: Uuid::new_v4().to_string(),
        })
        .await
        .unwrap_err();
    let malformed = grpc
        .get_payment(GetPaymentRequest {
            payment_id: "p-1".into(),
        })
        .await
        .unwrap_err();

    assert_eq!(invalid.code(), Code::InvalidArgument);
    assert!(invalid.message().contains("student_id"), "{invalid:?}");
    assert!(
        invalid.message().contains("amount: required"),
        "{invalid:?}"
    );
    assert_eq!(zero.code(), Code::InvalidArgument);
    assert!(zero.message().contains("amount.amount_minor"), "{zero:?}");
    assert_eq!(unknown.code(), Code::NotFound);
    assert_eq!(malformed.code(), Code::InvalidArgument);
    assert_eq!(service.count("SELECT count(*) FROM payments").await, 0);
}
