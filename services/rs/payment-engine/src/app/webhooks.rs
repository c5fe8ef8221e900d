//! The provider's webhooks: the signature is checked over the raw body before anything is read
//! from it, then the event is decided and applied by the store in one transaction.
//!
//! The body (the provider sandbox sends the same): `{"id": "evt_…", "type": "payment.succeeded"
//! | "payment.failed" | "payment.refunded", "payment_id": "<uuid>", "amount": {"currency_code":
//! "EUR", "amount_minor": 4900}, "reason": "The card was declined."}` (`reason` optional, for a
//! failure: what the student is told).

use std::sync::Arc;

use edu_common::clock::Clock;
use edu_common::settings::Secret;
use serde::Deserialize;
use uuid::Uuid;

use crate::app::ports::{PaymentStore, StoreError};
use crate::domain::decisions::{ProviderEvent, WebhookDecision};
use crate::domain::money::{Currency, Money};
use crate::domain::payment::Outcome;
use crate::domain::webhook::{SignatureError, verify};

/// The longest provider event id kept (the column's width).
pub const MAX_EVENT_ID: usize = 255;

#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    #[error("the request has no Edu-Provider-Signature header")]
    Unsigned,
    #[error(transparent)]
    Signature(#[from] SignatureError),
    #[error("the signed body is not a provider event: {0}")]
    Body(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EventBody {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    payment_id: String,
    amount: AmountBody,
    /// A failure's reason, in words for the student.
    #[serde(default)]
    reason: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AmountBody {
    currency_code: String,
    amount_minor: i64,
}

/// The provider event in a (verified) body.
pub fn parse_event(body: &[u8]) -> Result<ProviderEvent, String> {
    let event: EventBody = serde_json::from_slice(body).map_err(|e| e.to_string())?;
    if event.id.is_empty() || event.id.len() > MAX_EVENT_ID {
        return Err(format!("id must be 1 to {MAX_EVENT_ID} characters"));
    }
    let outcome = match event.kind.as_str() {
        "payment.succeeded" => Outcome::Succeeded,
        "payment.failed" => Outcome::Failed,
        "payment.refunded" => Outcome::Refunded,
        other => return Err(format!("type {other:?} is not an event we take")),
    };
    let payment_id =
        Uuid::parse_str(&event.payment_id).map_err(|_| "payment_id is not a UUID".to_owned())?;
    let currency = Currency::parse(&event.amount.currency_code).map_err(|e| e.to_string())?;
    let amount = Money::new(currency, event.amount.amount_minor).map_err(|e| e.to_string())?;
    Ok(ProviderEvent {
        id: event.id,
        payment_id,
        outcome,
        amount,
        reason: event
            .reason
            .filter(|r| !r.trim().is_empty())
            .map(|r| r.chars().take(500).collect()),
    })
}

#[derive(Debug, Clone)]
pub struct Webhooks {
    store: Arc<dyn PaymentStore>,
    clock: Arc<dyn Clock>,
    secrets: Vec<Secret>,
}

impl Webhooks {
    pub fn new(store: Arc<dyn PaymentStore>, clock: Arc<dyn Clock>, secrets: Vec<Secret>) -> Self {
        Self {
            store,
            clock,
            secrets,
        }
    }

    /// Verifies, reads and applies one delivery; the decision the store applied.
    pub async fn receive(
        &self,
        signature: Option<&str>,
        body: &[u8],
    ) -> Result<WebhookDecision, WebhookError> {
        let signature = signature.ok_or(WebhookError::Unsigned)?;
        let now = self.clock.now();
        let secrets: Vec<&[u8]> = self.secrets.iter().map(|s| s.expose().as_bytes()).collect();
        verify(&secrets, signature, body, now)?;
        let event = parse_event(body).map_err(WebhookError::Body)?;
        Ok(self.store.webhook(event, now).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_well_formed_event_is_read_with_its_outcome_and_amount() {
        let body = br#"{"id":"evt_1","type":"payment.refunded","payment_id":"00000000-0000-4000-8000-000000000001","amount":{"currency_code":"JPY","amount_minor":500}}"#;
        let event = parse_event(body).unwrap();
        assert_eq!(event.outcome, Outcome::Refunded);
        assert_eq!(event.amount.to_string(), "500 JPY");
        assert_eq!(
            event.payment_id,
            Uuid::from_u128(0x4000_8000_0000_0000_0001)
        );
    }

    #[test]
    fn events_we_cannot_use_are_refused_with_the_reason() {
        let cases = [
            (
                r#"{"id":"e","type":"payment.disputed","payment_id":"00000000-0000-4000-8000-000000000001","amount":{"currency_code":"EUR","amount_minor":1}}"#,
                "payment.disputed",
            ),
            (
                r#"{"id":"e","type":"payment.failed","payment_id":"p1","amount":{"currency_code":"EUR","amount_minor":1}}"#,
                "UUID",
            ),
            (
                r#"{"id":"e","type":"payment.failed","payment_id":"00000000-0000-4000-8000-000000000001","amount":{"currency_code":"EUR","amount_minor":0}}"#,
                "at least 1",
            ),
            (
                r#"{"id":"","type":"payment.failed","payment_id":"00000000-0000-4000-8000-000000000001","amount":{"currency_code":"EUR","amount_minor":1}}"#,
                "id must be",
            ),
            (r#"{"id":"e","type":"payment.failed"}"#, "missing field"),
            ("not json", "expected"),
        ];
        for (body, reason) in cases {
            let error = parse_event(body.as_bytes()).unwrap_err();
            assert!(error.contains(reason), "{body}: {error}");
        }
    }
}
