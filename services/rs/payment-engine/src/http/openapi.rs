//! payment-engine's OpenAPI document, generated from its code with utoipa and committed as
//! `contracts/openapi/payment-engine.json` (`just openapi` writes it:
//! `payment-engine --print-openapi`); a unit test fails when the committed file is stale.

use edu_common::health::{Liveness, Readiness};
use edu_common::problem::{FieldProblem, Problem};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::http::json::{
    BalanceJson, CreatePaymentBody, LedgerBalances, MoneyJson, PaymentJson, WebhookReceipt,
};

/// Start a payment for the signed-in student.
///
/// The Idempotency-Key header names one intended payment: the same key with the same request
/// answers the first payment again (200, `Idempotent-Replayed: true`), however often and however
/// concurrently it is sent; the same key with another course, amount or currency is refused.
#[utoipa::path(post, path = "/payments", operation_id = "create_payment", tag = "payments",
    params(("Idempotency-Key" = String, Header, description = "1 to 255 visible ASCII characters, the same for every retry of one intended payment.",
        min_length = 1, max_length = 255, pattern = "^[!-~]+$")),
    request_body(content = CreatePaymentBody, content_type = "application/json"),
    security(("HTTPBearer" = [])),
    responses(
        (status = 201, description = "A new pending payment.", body = PaymentJson,
            headers(("Location" = String, description = "/payments/{payment_id}"))),
        (status = 200, description = "The key's first payment again; nothing new was charged.", body = PaymentJson,
            headers(("Idempotent-Replayed" = String, description = "true"))),
        (status = 400, description = "No valid Idempotency-Key, or a body that is not JSON.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid access token.", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not JSON.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A value is not valid (`errors` names it), the key was used for another request, or the provider refused the card (the payment failed; `body.card_token` names why).", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The payments database is unavailable; nothing was stored: send the same request again.", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u32, description = "Seconds to wait."))),
    ))]
#[allow(dead_code, reason = "documents crate::http's handler")]
fn create_payment() {}

/// Refund a succeeded payment in full (admins).
///
/// The provider is asked under the key `refund-<payment id>` (asking twice refunds once); the
/// payment becomes refunded, and `payment.refunded` is published, when the provider's webhook
/// confirms it.
#[utoipa::path(post, path = "/payments/{payment_id}/refund", operation_id = "refund_payment", tag = "payments",
    params(("payment_id" = String, Path, description = "The payment's id (a UUID).")),
    security(("HTTPBearer" = [])),
    responses(
        (status = 202, description = "The provider took the refund; the payment (still succeeded) until its confirmation.", body = PaymentJson),
        (status = 200, description = "Refunded already; nothing asked.", body = PaymentJson),
        (status = 401, description = "No valid access token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No payment has this id.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not refundable (pending or failed), or the provider refused.", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The database or the provider did not answer; nothing refunded: ask again.", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u32, description = "Seconds to wait."))),
    ))]
#[allow(dead_code, reason = "documents crate::http's handler")]
fn refund_payment() {}

/// One of the signed-in student's payments, with its current status.
#[utoipa::path(get, path = "/payments/{payment_id}", operation_id = "get_payment", tag = "payments",
    params(("payment_id" = String, Path, description = "The payment's id (a UUID).")),
    security(("HTTPBearer" = [])),
    responses(
        (status = 200, description = "The payment.", body = PaymentJson),
        (status = 401, description = "No valid access token.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "The student has no payment with this id (someone else's is not shown).", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The payments database is unavailable.", body = Problem, content_type = "application/problem+json"),
    ))]
#[allow(dead_code, reason = "documents crate::http's handler")]
fn get_payment() {}

/// The payment provider's news about a payment (succeeded, failed, refunded), signed.
///
/// Each event id is applied at most once: the payment's status, its ledger movement and the
/// outbox event are stored together with the id, in one transaction.
#[utoipa::path(post, path = "/provider/webhooks", operation_id = "receive_provider_webhook", tag = "provider",
    params(("Edu-Provider-Signature" = String, Header, description = "t=<unix seconds>,v1=<hex HMAC-SHA256 of \"<t>.<body>\"> (several v1 during a secret rotation); at most 5 minutes from now.")),
    request_body(content = String, content_type = "application/json",
        description = "{\"id\": \"evt_...\", \"type\": \"payment.succeeded\" | \"payment.failed\" | \"payment.refunded\", \"payment_id\": \"<uuid>\", \"amount\": {\"currency_code\": \"EUR\", \"amount_minor\": 4900}, \"reason\": \"The card was declined.\" (optional, a failure's words for the student)}"),
    security(("ProviderSignature" = [])),
    responses(
        (status = 200, description = "Handled: applied, unchanged, or a duplicate of a delivery handled before.", body = WebhookReceipt),
        (status = 400, description = "No signature header, a malformed one, or a body that is not an event.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "The signature does not verify with our secrets, or is outside the tolerance.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not applicable yet (an unknown payment, a refund before its success); nothing recorded: deliver again.", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u32, description = "Seconds to wait."))),
        (status = 422, description = "Never applicable (an amount that is not the payment's, an illegal transition); recorded as handled.", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The payments database is unavailable; nothing recorded: deliver again.", body = Problem, content_type = "application/problem+json"),
    ))]
#[allow(dead_code, reason = "documents crate::http's handler")]
fn receive_provider_webhook() {}

/// The ledger's balances per account and currency, derived from its entries (admins).
#[utoipa::path(get, path = "/ledger/balances", operation_id = "ledger_balances", tag = "ledger",
    security(("HTTPBearer" = [])),
    responses(
        (status = 200, description = "The balances, and whether every currency sums to zero.", body = LedgerBalances),
        (status = 401, description = "No valid access token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin.", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The payments database is unavailable.", body = Problem, content_type = "application/problem+json"),
    ))]
#[allow(dead_code, reason = "documents crate::http's handler")]
fn ledger_balances() {}

/// Liveness: answers while the process serves requests (no dependency checked).
#[utoipa::path(get, path = "/health", operation_id = "health", tag = "payments",
    responses((status = 200, description = "The process serves requests.", body = Liveness)))]
#[allow(dead_code, reason = "documents edu_common::health's handler")]
fn health() {}

/// Readiness: the payments database answers.
#[utoipa::path(get, path = "/ready", operation_id = "ready", tag = "payments",
    responses(
        (status = 200, description = "Ready.", body = Readiness),
        (status = 503, description = "Not ready; the detail names what is missing.", body = Problem,
            content_type = "application/problem+json"),
    ))]
#[allow(dead_code, reason = "documents edu_common::health's handler")]
fn ready() {}

struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let mut bearer = Http::new(HttpAuthScheme::Bearer);
        bearer.description = Some("An access token from identity.".into());
        components.add_security_scheme("HTTPBearer", SecurityScheme::Http(bearer));
        components.add_security_scheme(
            "ProviderSignature",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "Edu-Provider-Signature",
                "The provider's HMAC-SHA256 signature of the body with its timestamp.",
            ))),
        );
    }
}

#[derive(Debug, OpenApi)]
#[openapi(
    info(
        title = "eduplatform payment-engine",
        description = "Payments for paid courses: idempotent creation, the provider's signed webhooks applied exactly once, a double-entry ledger that always balances."
    ),
    paths(create_payment, get_payment, refund_payment, receive_provider_webhook, ledger_balances, health, ready),
    components(schemas(
        CreatePaymentBody, MoneyJson, PaymentJson, WebhookReceipt, LedgerBalances, BalanceJson,
        Problem, FieldProblem, Liveness, Readiness
    )),
    modifiers(&SecuritySchemes)
)]
pub struct PaymentsApi;

/// The document as committed: pretty JSON with a final newline.
pub fn document() -> String {
    edu_common::service::committed_form(&PaymentsApi::openapi())
}

#[cfg(test)]
mod tests {
    use super::*;

    const COMMITTED: &str = include_str!("../../../../../contracts/openapi/payment-engine.json");

    #[test]
    fn the_committed_spec_is_what_the_code_generates() {
        edu_common::service::assert_committed_is_fresh(
            &document(),
            COMMITTED,
            "contracts/openapi/payment-engine.json",
        );
    }

    #[test]
    fn every_endpoint_documents_its_problems() {
        let generated: serde_json::Value = serde_json::from_str(&document()).unwrap();
        let paths = &generated["paths"];
        let create = &paths["/payments"]["post"]["responses"];
        for status in ["200", "201", "400", "401", "422", "503"] {
            assert!(create[status].is_object(), "POST /payments {status}");
        }
        let webhook = &paths["/provider/webhooks"]["post"]["responses"];
        for status in ["200", "400", "401", "409", "422"] {
            assert!(
                webhook[status].is_object(),
                "POST /provider/webhooks {status}"
            );
        }
        assert!(paths["/ledger/balances"]["get"]["responses"]["403"].is_object());
    }
}
