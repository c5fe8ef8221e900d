//! The payment events on the wire, as every Python service writes its own (`edu.events.codec`):
//! an `edu.events.v1.EventEnvelope` in the protobuf JSON mapping with the proto's field names,
//! `occurred_at` RFC 3339 in UTC with `Z` (0, 3, 6 or 9 fractional digits), int64 amounts as
//! decimal strings, the payload in the oneof member named after the event
//! (`"payment_succeeded": {...}`), default values left out.
//!
//! The outbox stores the payload already in that mapping ([`payload`]); [`encode`] reads it
//! back into the generated prost message (so a payload that breaks the contract is refused
//! before it leaves: [`ContractError`]) and writes the envelope from the prost message. The
//! relay and `payment-engine pact-messages` both call [`encode`].

use std::time::SystemTime;

use edu_proto_gen::edu::events::v1::event_envelope::Payload;
use edu_proto_gen::edu::events::v1::{
    EventEnvelope, PaymentFailed, PaymentRefunded, PaymentSucceeded,
};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;
use uuid::Uuid;

use crate::app::ports::OutboxRecord;
use crate::domain::decisions::PaymentEvent;
use crate::domain::payment::Payment;

/// A stored event that does not match `edu.events.v1`: it needs a fix, not a retry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind} event {id}: {reason}")]
pub struct ContractError {
    pub kind: String,
    pub id: String,
    pub reason: String,
}

/// `PaymentSucceeded` and `PaymentRefunded` share their fields.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct MovedJson {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    payment_id: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    student_id: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    course_id: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    currency_code: String,
    #[serde(
        default,
        skip_serializing_if = "is_zero",
        serialize_with = "int64_out",
        deserialize_with = "int64_in"
    )]
    amount_minor: i64,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FailedJson {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    payment_id: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    student_id: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    course_id: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    reason: String,
}

#[derive(Debug, Serialize)]
enum PayloadJson {
    #[serde(rename = "payment_succeeded")]
    Succeeded(MovedJson),
    #[serde(rename = "payment_failed")]
    Failed(FailedJson),
    #[serde(rename = "payment_refunded")]
    Refunded(MovedJson),
}

/// The envelope's fields in the proto's order (Python's `MessageToJson` writes the same).
#[derive(Debug, Serialize)]
struct EnvelopeJson {
    #[serde(skip_serializing_if = "String::is_empty")]
    id: String,
    #[serde(rename = "type", skip_serializing_if = "String::is_empty")]
    kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    occurred_at: Option<String>,
    #[serde(skip_serializing_if = "String::is_empty")]
    aggregate: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    aggregate_id: String,
    #[serde(skip_serializing_if = "is_zero_u32")]
    version: u32,
    #[serde(flatten)]
    payload: PayloadJson,
}

#[allow(
    clippy::trivially_copy_pass_by_ref,
    reason = "serde passes fields by reference"
)]
fn is_zero(value: &i64) -> bool {
    *value == 0
}

#[allow(
    clippy::trivially_copy_pass_by_ref,
    reason = "serde passes fields by reference"
)]
fn is_zero_u32(value: &u32) -> bool {
    *value == 0
}

#[allow(
    clippy::trivially_copy_pass_by_ref,
    reason = "serde passes fields by reference"
)]
fn int64_out<S: Serializer>(value: &i64, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&value.to_string())
}

/// The JSON mapping reads an int64 from a string or a number.
fn int64_in<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Either {
        Text(String),
        Number(i64),
    }
    match Either::deserialize(deserializer)? {
        Either::Number(n) => Ok(n),
        Either::Text(text) => text
            .parse()
            .map_err(|_| serde::de::Error::custom(format!("{text:?} is not an int64"))),
    }
}

/// The reason a failure without one from the provider is given.
pub const DEFAULT_FAILURE_REASON: &str = "The payment was not completed.";

/// The outbox payload of `news` about `payment` (already moved to its new status), in the
/// protobuf JSON mapping of the event's payload message; `reason` is the failure's.
pub fn payload(news: PaymentEvent, payment: &Payment, reason: Option<&str>) -> Value {
    let moved = || MovedJson {
        payment_id: payment.id.to_string(),
        student_id: payment.student_id.to_string(),
        course_id: payment.course_id.to_string(),
        currency_code: payment.amount.currency().code().to_owned(),
        amount_minor: payment.amount.amount_minor(),
    };
    let value = match news {
        PaymentEvent::Succeeded | PaymentEvent::Refunded => serde_json::to_value(moved()),
        PaymentEvent::Failed => serde_json::to_value(FailedJson {
            payment_id: payment.id.to_string(),
            student_id: payment.student_id.to_string(),
            course_id: payment.course_id.to_string(),
            reason: reason
                .filter(|r| !r.trim().is_empty())
                .unwrap_or(DEFAULT_FAILURE_REASON)
                .to_owned(),
        }),
    };
    value.unwrap_or_else(|_| unreachable!("plain strings and integers always serialize"))
}

/// The outbox row of `news` about `payment` (moved to its new status, at `version`): what the
/// store inserts and `payment-engine pact-messages` encodes.
pub fn outbox_record(
    id: Uuid,
    news: PaymentEvent,
    payment: &Payment,
    reason: Option<&str>,
    version: i32,
    occurred_at: SystemTime,
) -> OutboxRecord {
    OutboxRecord {
        position: 0,
        id,
        kind: news.name().to_owned(),
        aggregate: "payment".to_owned(),
        aggregate_id: payment.id.to_string(),
        version,
        occurred_at,
        payload: payload(news, payment, reason),
    }
}

/// The JetStream subject of an event type: `<prefix>.<type>` (`events.payment.succeeded`).
pub fn subject(prefix: &str, kind: &str) -> String {
    format!("{prefix}.{kind}")
}

/// The stored event as the generated `EventEnvelope`; refused when its payload is not its
/// type's message.
pub fn envelope(record: &OutboxRecord) -> Result<EventEnvelope, ContractError> {
    let refuse = |reason: String| ContractError {
        kind: record.kind.clone(),
        id: record.id.to_string(),
        reason,
    };
    let moved = || -> Result<MovedJson, ContractError> {
        serde_json::from_value(record.payload.clone())
            .map_err(|e| refuse(format!("its payload is not the proto's: {e}")))
    };
    let payload = match record.kind.as_str() {
        "payment.succeeded" => {
            let p = moved()?;
            Payload::PaymentSucceeded(PaymentSucceeded {
                payment_id: p.payment_id,
                student_id: p.student_id,
                course_id: p.course_id,
                currency_code: p.currency_code,
                amount_minor: p.amount_minor,
            })
        }
        "payment.refunded" => {
            let p = moved()?;
            Payload::PaymentRefunded(PaymentRefunded {
                payment_id: p.payment_id,
                student_id: p.student_id,
                course_id: p.course_id,
                currency_code: p.currency_code,
                amount_minor: p.amount_minor,
            })
        }
        "payment.failed" => {
            let p: FailedJson = serde_json::from_value(record.payload.clone())
                .map_err(|e| refuse(format!("its payload is not the proto's: {e}")))?;
            Payload::PaymentFailed(PaymentFailed {
                payment_id: p.payment_id,
                student_id: p.student_id,
                course_id: p.course_id,
                reason: p.reason,
            })
        }
        other => {
            return Err(refuse(format!(
                "type {other:?} has no payload in edu.events.v1.EventEnvelope"
            )));
        }
    };
    let version = u32::try_from(record.version)
        .map_err(|_| refuse(format!("version {} is not a uint32", record.version)))?;
    Ok(EventEnvelope {
        id: record.id.to_string(),
        r#type: record.kind.clone(),
        occurred_at: Some(prost_types::Timestamp::from(record.occurred_at)),
        aggregate: record.aggregate.clone(),
        aggregate_id: record.aggregate_id.clone(),
        version,
        payload: Some(payload),
    })
}

/// The envelope's protobuf JSON (the message body on the bus).
pub fn to_json(envelope: &EventEnvelope) -> Result<Vec<u8>, ContractError> {
    let refuse = |reason: &str| ContractError {
        kind: envelope.r#type.clone(),
        id: envelope.id.clone(),
        reason: reason.to_owned(),
    };
    let moved =
        |payment_id: &str, student_id: &str, course_id: &str, currency: &str, minor| MovedJson {
            payment_id: payment_id.to_owned(),
            student_id: student_id.to_owned(),
            course_id: course_id.to_owned(),
            currency_code: currency.to_owned(),
            amount_minor: minor,
        };
    let payload = match &envelope.payload {
        Some(Payload::PaymentSucceeded(p)) => PayloadJson::Succeeded(moved(
            &p.payment_id,
            &p.student_id,
            &p.course_id,
            &p.currency_code,
            p.amount_minor,
        )),
        Some(Payload::PaymentRefunded(p)) => PayloadJson::Refunded(moved(
            &p.payment_id,
            &p.student_id,
            &p.course_id,
            &p.currency_code,
            p.amount_minor,
        )),
        Some(Payload::PaymentFailed(p)) => PayloadJson::Failed(FailedJson {
            payment_id: p.payment_id.clone(),
            student_id: p.student_id.clone(),
            course_id: p.course_id.clone(),
            reason: p.reason.clone(),
        }),
        _ => return Err(refuse("payment-engine writes payment events only")),
    };
    let json = EnvelopeJson {
        id: envelope.id.clone(),
        kind: envelope.r#type.clone(),
        occurred_at: envelope.occurred_at.map(|t| t.to_string()),
        aggregate: envelope.aggregate.clone(),
        aggregate_id: envelope.aggregate_id.clone(),
        version: envelope.version,
        payload,
    };
    serde_json::to_vec(&json).map_err(|e| refuse(&e.to_string()))
}

/// The stored event's message body: [`envelope`] then [`to_json`].
pub fn encode(record: &OutboxRecord) -> Result<Vec<u8>, ContractError> {
    to_json(&envelope(record)?)
}

/// `time` as the JSON mapping writes it (`2026-12-05T12:00:00.123456Z`).
pub fn rfc3339(time: SystemTime) -> String {
    prost_types::Timestamp::from(time).to_string()
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;
    use std::time::{Duration, UNIX_EPOCH};

    use prost::Message;
    use serde_json::json;

    use super::*;
    use crate::domain::money::{Currency, Money};
    use crate::domain::payment::Status;

    const VECTORS: &str = include_str!("../../../../../proto/testdata/events_v1_vectors.json");

    fn vector(name: &str) -> Value {
        let all: Vec<Value> = serde_json::from_str(VECTORS).unwrap();
        all.into_iter().find(|v| v["name"] == name).unwrap()
    }

    fn hex(text: &str) -> Vec<u8> {
        (0..text.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
            .collect()
    }

    /// The vector's envelope as an outbox row would hold it.
    fn record_of(json: &Value, field: &str) -> OutboxRecord {
        let at = prost_types::Timestamp::from_str(json["occurred_at"].as_str().unwrap()).unwrap();
        OutboxRecord {
            position: 1,
            id: json["id"].as_str().unwrap().parse().unwrap(),
            kind: json["type"].as_str().unwrap().to_owned(),
            aggregate: json["aggregate"].as_str().unwrap().to_owned(),
            aggregate_id: json["aggregate_id"].as_str().unwrap().to_owned(),
            version: i32::try_from(json["version"].as_i64().unwrap()).unwrap(),
            occurred_at: SystemTime::try_from(at).unwrap(),
            payload: json[field].clone(),
        }
    }

    #[test]
    fn the_committed_vectors_are_what_we_write_in_json_and_what_python_reads_in_binary() {
        for (name, field) in [
            ("payment_succeeded", "payment_succeeded"),
            ("payment_failed", "payment_failed"),
            ("payment_refunded", "payment_refunded"),
        ] {
            let case = vector(name);
            let record = record_of(&case["json"], field);

            let written: Value = serde_json::from_slice(&encode(&record).unwrap()).unwrap();
            let message = envelope(&record).unwrap();

            assert_eq!(written, case["json"], "{name}: the JSON mapping");
            assert_eq!(
                message.encode_to_vec(),
                hex(case["binary_hex"].as_str().unwrap()),
                "{name}: the same message as Python's protobuf runtime"
            );
        }
    }

    fn paid(status: Status) -> Payment {
        let mut payment = Payment::new(
            Uuid::from_u128(7),
            Uuid::from_u128(8),
            Uuid::from_u128(9),
            Money::new(Currency::parse("EUR").unwrap(), 4_900).unwrap(),
            UNIX_EPOCH,
        );
        payment.status = status;
        payment
    }

    fn stored(kind: &str, payload: Value) -> OutboxRecord {
        OutboxRecord {
            position: 3,
            id: Uuid::from_u128(0x20),
            kind: kind.to_owned(),
            aggregate: "payment".into(),
            aggregate_id: Uuid::from_u128(7).to_string(),
            version: 2,
            occurred_at: UNIX_EPOCH + Duration::new(1_764_936_000, 123_456_000),
            payload,
        }
    }

    #[test]
    fn a_success_goes_out_with_its_amount_as_an_int64_string_and_a_utc_timestamp() {
        let payment = paid(Status::Succeeded);
        let record = stored(
            "payment.succeeded",
            payload(PaymentEvent::Succeeded, &payment, None),
        );

        let written: Value = serde_json::from_slice(&encode(&record).unwrap()).unwrap();

        assert_eq!(
            written,
            json!({"id": Uuid::from_u128(0x20).to_string(), "type": "payment.succeeded",
                "occurred_at": "2025-12-05T12:00:00.123456Z", "aggregate": "payment",
                "aggregate_id": payment.id.to_string(), "version": 2,
                "payment_succeeded": {"payment_id": payment.id.to_string(),
                    "student_id": payment.student_id.to_string(),
                    "course_id": payment.course_id.to_string(),
                    "currency_code": "EUR", "amount_minor": "4900"}})
        );
    }

    #[test]
    fn a_failure_carries_the_providers_reason_or_a_plain_one() {
        let payment = paid(Status::Failed);
        let declined = payload(
            PaymentEvent::Failed,
            &payment,
            Some("The card was declined."),
        );
        let silent = payload(PaymentEvent::Failed, &payment, Some("  "));

        assert_eq!(declined["reason"], "The card was declined.");
        assert_eq!(silent["reason"], DEFAULT_FAILURE_REASON);
        let message = envelope(&stored("payment.failed", declined)).unwrap();
        assert!(matches!(
            message.payload,
            Some(Payload::PaymentFailed(PaymentFailed { ref reason, .. })) if reason == "The card was declined."
        ));
    }

    #[test]
    fn a_payload_that_is_not_its_types_message_is_refused_with_the_reason() {
        let payment = paid(Status::Succeeded);
        let cases = [
            (
                "payment.failed",
                payload(PaymentEvent::Succeeded, &payment, None),
                "unknown field",
            ),
            (
                "payment.succeeded",
                json!({"payment_id": "p", "amount_minor": "12.5"}),
                "not an int64",
            ),
            ("payment.disputed", json!({}), "no payload"),
        ];
        for (kind, body, reason) in cases {
            let error = encode(&stored(kind, body)).unwrap_err();
            assert!(error.to_string().contains(reason), "{kind}: {error}");
        }
    }

    #[test]
    fn subjects_are_the_prefix_and_the_type() {
        assert_eq!(
            subject("events", "payment.refunded"),
            "events.payment.refunded"
        );
    }
}
