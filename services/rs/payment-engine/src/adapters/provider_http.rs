//! The payment provider over HTTP (our sandbox, `payment-provider-sandbox`, speaks it):
//! `POST /v1/charges` and `POST /v1/refunds` with our `Idempotency-Key`; 2xx means taken (the
//! outcome follows by webhook), 4xx refused with its `detail`, anything else or no answer within
//! the timeout is unavailable (asking again with the same key is safe).

use std::time::Duration;

use serde_json::{Value, json};

use crate::app::provider::{
    ChargeRequest, PaymentProvider, ProviderError, ProviderFuture, RefundRequest,
};
use crate::domain::money::Money;

#[derive(Debug, Clone)]
pub struct HttpProvider {
    base_url: String,
    http: reqwest::Client,
}

impl HttpProvider {
    pub fn new(base_url: &str, timeout: Duration) -> Self {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .build()
            .unwrap_or_else(|_| reqwest::Client::new());
        Self {
            base_url: base_url.trim_end_matches('/').to_owned(),
            http,
        }
    }

    async fn post(&self, path: &str, key: String, body: Value) -> Result<(), ProviderError> {
        let url = format!("{}{path}", self.base_url);
        let response = self
            .http
            .post(&url)
            .header("Idempotency-Key", key)
            .json(&body)
            .send()
            .await
            .map_err(|e| ProviderError::Unavailable(format!("{url}: {e}")))?;
        let status = response.status();
        if status.is_success() {
            return Ok(());
        }
        let detail = response
            .json::<Value>()
            .await
            .ok()
            .and_then(|v| v.get("detail").and_then(Value::as_str).map(str::to_owned))
            .unwrap_or_else(|| status.to_string());
        if status.is_client_error() && status.as_u16() != 429 {
            Err(ProviderError::Refused(detail))
        } else {
            Err(ProviderError::Unavailable(format!("{url}: {detail}")))
        }
    }
}

fn money(amount: Money) -> Value {
    json!({"currency_code": amount.currency().code(), "amount_minor": amount.amount_minor()})
}

impl PaymentProvider for HttpProvider {
    fn charge(&self, request: ChargeRequest) -> ProviderFuture<'_> {
        Box::pin(async move {
            let body = json!({"payment_id": request.payment_id.to_string(),
                "amount": money(request.amount), "card_token": request.card_token});
            self.post("/v1/charges", request.idempotency_key(), body)
                .await
        })
    }

    fn refund(&self, request: RefundRequest) -> ProviderFuture<'_> {
        Box::pin(async move {
            let body = json!({"payment_id": request.payment_id.to_string(),
                "amount": money(request.amount)});
            self.post("/v1/refunds", request.idempotency_key(), body)
                .await
        })
    }
}
