//! `payment-engine pact-messages [--state JSON] [--subject-prefix P]`: the messages the engine
//! publishes, for the message-pact provider verification in `contracts/` (enrollment reads
//! `payment.succeeded` and `payment.refunded`). Each is made by the code that makes the real
//! ones: the domain's decisions (`decisions::create`, then `decisions::on_webhook` with the
//! provider's news), the outbox row the store would insert (`events::outbox_record`) and the
//! relay's encoding and subject (`jetstream::outgoing`) — only the database and NATS are left
//! out.
//!
//! Output, one JSON object keyed by the pact's description: `{"a payment.succeeded event":
//! {"contents": "<the exact message body>", "metadata": {"subject": "events.payment.succeeded"},
//! "message_id": "<Nats-Msg-Id>"}, ...}`. `--state` takes the provider state's params: any of
//! `payment_id`, `student_id`, `course_id` (UUIDs), `currency_code`, `amount_minor`, `reason`.

use std::collections::BTreeMap;
use std::time::SystemTime;

use serde::Deserialize;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::adapters::events::outbox_record;
use crate::adapters::jetstream::outgoing;
use crate::app::payments::to_microseconds;
use crate::domain::decisions::{
    self, CreateDecision, PaymentEvent, ProviderEvent, WebhookDecision,
};
use crate::domain::idempotency::PaymentRequest;
use crate::domain::money::{Currency, Money};
use crate::domain::payment::{Outcome, Payment};

/// The first argument that asks for this mode.
pub const MODE: &str = edu_common::pact_messages::MODE;

/// The provider state's params (all optional; fixed example values otherwise).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct State {
    pub payment_id: Option<String>,
    pub student_id: Option<String>,
    pub course_id: Option<String>,
    pub currency_code: Option<String>,
    pub amount_minor: Option<i64>,
    pub reason: Option<String>,
}

fn uuid_or(value: Option<&String>, example: u128, field: &str) -> Result<Uuid, String> {
    value.map_or(Ok(Uuid::from_u128(example)), |v| {
        Uuid::parse_str(v).map_err(|_| format!("{field}: not a UUID ({v:?})"))
    })
}

/// What the provider's webhook for `outcome` makes of `payment`, as the store decides it.
fn decided(payment: &Payment, outcome: Outcome, reason: Option<&str>) -> Result<Payment, String> {
    let news = ProviderEvent {
        id: format!("evt_pact_{outcome:?}"),
        payment_id: payment.id,
        outcome,
        amount: payment.amount,
        reason: reason.map(str::to_owned),
    };
    match decisions::on_webhook(false, Some(payment), &news) {
        WebhookDecision::Apply { payment, .. } => Ok(*payment),
        other => Err(format!(
            "{outcome:?} of a {:?} payment: {other:?}",
            payment.status
        )),
    }
}

/// Every message the engine publishes for `state`, by pact description.
pub fn messages(state: &State, subject_prefix: &str) -> Result<BTreeMap<String, Value>, String> {
    let currency = Currency::parse(state.currency_code.as_deref().unwrap_or("EUR"))
        .map_err(|e| format!("currency_code: {e}"))?;
    let amount = Money::new(currency, state.amount_minor.unwrap_or(4_900))
        .map_err(|e| format!("amount_minor: {e}"))?;
    let request = PaymentRequest {
        student_id: uuid_or(state.student_id.as_ref(), 0x5e55_0001, "student_id")?,
        course_id: uuid_or(state.course_id.as_ref(), 0xc0de_0001, "course_id")?,
        amount,
    };
    let payment_id = uuid_or(state.payment_id.as_ref(), 0xbaee_0001, "payment_id")?;
    let now = to_microseconds(SystemTime::now());
    let CreateDecision::Make(pending) = decisions::create(None, &request, payment_id, now) else {
        return Err("a new key always makes a payment".into());
    };
    let succeeded = decided(&pending, Outcome::Succeeded, None)?;
    let refunded = decided(&succeeded, Outcome::Refunded, None)?;
    let reason = state.reason.as_deref().unwrap_or("The card was declined.");
    let failed = decided(&pending, Outcome::Failed, Some(reason))?;
    // Versions as the store counts them: 1 when made, one more per change.
    let cases = [
        (
            "a payment.succeeded event",
            PaymentEvent::Succeeded,
            &succeeded,
            2,
        ),
        (
            "a payment.refunded event",
            PaymentEvent::Refunded,
            &refunded,
            3,
        ),
        ("a payment.failed event", PaymentEvent::Failed, &failed, 2),
    ];
    let mut out = BTreeMap::new();
    for (description, news, payment, version) in cases {
        let reason = (news == PaymentEvent::Failed).then_some(reason);
        let record = outbox_record(Uuid::new_v4(), news, payment, reason, version, now);
        let message = outgoing(subject_prefix, &record).map_err(|e| e.to_string())?;
        let body = String::from_utf8(message.body).map_err(|e| e.to_string())?;
        out.insert(
            description.to_owned(),
            json!({"contents": body, "metadata": {"subject": message.subject},
                "message_id": message.message_id}),
        );
    }
    Ok(out)
}

/// The mode's arguments (after `pact-messages`) to its output (`edu_common::pact_messages`).
pub fn run(args: &[String]) -> Result<String, String> {
    edu_common::pact_messages::run(args, messages)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_message_is_the_relays_encoding_with_the_states_values() {
        let student = "0b6c5e2a-0000-4000-8000-000000000007";
        let state: State = serde_json::from_value(
            json!({"student_id": student, "currency_code": "JPY", "amount_minor": 1999}),
        )
        .unwrap();

        let messages = messages(&state, "events").unwrap();

        let paid = &messages["a payment.succeeded event"];
        assert_eq!(paid["metadata"]["subject"], "events.payment.succeeded");
        let body: Value = serde_json::from_str(paid["contents"].as_str().unwrap()).unwrap();
        assert_eq!(body["id"], paid["message_id"]);
        assert_eq!(body["version"], 2);
        assert_eq!(body["payment_succeeded"]["student_id"], student);
        assert_eq!(body["payment_succeeded"]["amount_minor"], "1999");
        assert_eq!(body["payment_succeeded"]["currency_code"], "JPY");
        let refunded: Value = serde_json::from_str(
            messages["a payment.refunded event"]["contents"]
                .as_str()
                .unwrap(),
        )
        .unwrap();
        assert_eq!(refunded["version"], 3);
        assert_eq!(refunded["aggregate_id"], body["aggregate_id"]);
        let failed: Value = serde_json::from_str(
            messages["a payment.failed event"]["contents"]
                .as_str()
                .unwrap(),
        )
        .unwrap();
        assert_eq!(failed["payment_failed"]["reason"], "The card was declined.");
    }

    #[test]
    fn bad_arguments_are_named() {
        let error = run(&["--state".into(), r#"{"student_id": "x"}"#.into()]).unwrap_err();
        assert!(error.contains("student_id"), "{error}");
        assert!(run(&["--colour".into(), "red".into()]).is_err());
        assert!(run(&["--state".into()]).is_err());
        assert!(run(&[]).unwrap().contains("a payment.refunded event"));
    }
}
