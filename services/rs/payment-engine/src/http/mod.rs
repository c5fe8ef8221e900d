//! HTTP: `POST /payments`, `GET /payments/{payment_id}`, `POST /payments/{payment_id}/refund`
//! (admins), `POST /provider/webhooks`,
//! `GET /ledger/balances`, `/health`, `/ready`, `/openapi.json`. Students are identity's
//! signed-in users (their access token checked with `edu-jwt`); the provider proves itself by
//! its webhook signature; the ledger's balances are for admins.

mod auth;
pub mod json;
pub mod openapi;
mod payments;
mod webhooks;

use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};
use edu_common::health::{Check, CheckFuture, FnCheck};
use edu_common::problem::{ApiError, method_not_allowed};
use edu_jwt::KeyCache;

use crate::app::payments::Payments;
use crate::app::ports::StoreError;
use crate::app::webhooks::Webhooks;

/// What the handlers share.
#[derive(Debug)]
pub struct PaymentApi {
    pub payments: Payments,
    pub webhooks: Webhooks,
    pub keys: KeyCache,
}

pub fn router(state: &Arc<PaymentApi>) -> Router {
    let database = state.clone();
    let checks: Vec<Box<dyn Check>> = vec![Box::new(FnCheck::new(
        "database",
        move || -> CheckFuture {
            let state = database.clone();
            Box::pin(async move {
                state
                    .payments
                    .store()
                    .ready()
                    .await
                    .map_err(|e| e.to_string())
            })
        },
    ))];
    let api = Router::new()
        .route(
            "/payments",
            post(payments::create).fallback(method_not_allowed),
        )
        .route(
            "/payments/{payment_id}",
            get(payments::show).fallback(method_not_allowed),
        )
        .route(
            "/payments/{payment_id}/refund",
            post(payments::refund).fallback(method_not_allowed),
        )
        .route(
            "/provider/webhooks",
            post(webhooks::receive).fallback(method_not_allowed),
        )
        .route(
            "/ledger/balances",
            get(payments::balances).fallback(method_not_allowed),
        )
        .with_state(state.clone());
    edu_common::service::router(api, checks, openapi::document)
}

/// The store could not serve: retryable, nothing was changed.
fn store_failed(error: StoreError) -> ApiError {
    match error {
        StoreError::Unavailable(cause) => {
            tracing::warn!(%cause, "the payments database is unavailable; answered 503");
            ApiError::Unavailable {
                detail: "Payments cannot be stored or read right now; nothing was changed. \
                         Send the same request again shortly."
                    .into(),
                retry_after: 1,
            }
        }
        StoreError::Corrupt(cause) => ApiError::Internal(format!("a stored row: {cause}")),
    }
}
