//! Webhook delivery as a real provider does it: signed at the moment it is sent, redelivered with
//! a growing wait until it is acknowledged (2xx) or refused for good (a 4xx other than 409/429),
//! each event sent `duplicates` times, each copy after its own random wait when reordering.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use serde::Serialize;
use serde_json::Value;

use super::SandboxSettings;
use crate::domain::webhook::sign;

/// What the sandbox did, for tests and chaos probes (`GET /v1/stats`).
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Stats {
    /// Charges taken (one per idempotency key).
    pub charges: u64,
    pub refunds: u64,
    /// Requests answered with an earlier answer (same idempotency key).
    pub replayed_requests: u64,
    /// Events decided (each delivered `duplicates` times).
    pub events: u64,
    /// Every delivery attempt's answer, by HTTP status ("error" when there was none).
    pub answers: BTreeMap<String, u64>,
    /// Copies given up on (refused for good or out of attempts).
    pub abandoned: u64,
    /// Copies acknowledged (2xx).
    pub acknowledged: u64,
}

#[derive(Debug)]
pub(super) struct Deliveries {
    settings: SandboxSettings,
    http: reqwest::Client,
    pub(super) stats: Mutex<Stats>,
}

/// A number in `0..bound` from the UUID generator's randomness (no `rand` in the tree).
fn random_below(bound: u64) -> u64 {
    if bound == 0 {
        return 0;
    }
    let bytes = uuid::Uuid::new_v4().into_bytes();
    let mut word = [0u8; 8];
    word.copy_from_slice(&bytes[..8]);
    u64::from_le_bytes(word) % bound
}

impl Deliveries {
    pub(super) fn new(settings: SandboxSettings) -> Self {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .build()
            .unwrap_or_else(|_| reqwest::Client::new());
        Self {
            settings,
            http,
            stats: Mutex::new(Stats::default()),
        }
    }

    pub(super) fn record(&self, change: impl FnOnce(&mut Stats)) {
        change(
            &mut self
                .stats
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        );
    }

    /// Sends `event` after the delay, `duplicates` times, in the background.
    pub(super) fn schedule(self: &Arc<Self>, event: &Value) {
        self.record(|s| s.events += 1);
        for _ in 0..self.settings.duplicates {
            let this = self.clone();
            let event = event.clone();
            let jitter = if self.settings.reorder {
                let window = u64::try_from(self.settings.reorder_window.as_millis()).unwrap_or(0);
                Duration::from_millis(random_below(window + 1))
            } else {
                Duration::ZERO
            };
            tokio::spawn(async move {
                tokio::time::sleep(this.settings.delay + jitter).await;
                this.deliver(&event).await;
            });
        }
    }

    async fn deliver(&self, event: &Value) {
        let body = serde_json::to_vec(event).unwrap_or_default();
        let mut wait = self.settings.retry;
        for _ in 0..self.settings.max_attempts {
            let signature = sign(
                self.settings.webhook_secret.expose().as_bytes(),
                SystemTime::now(),
                &body,
            );
            let answer = self
                .http
                .post(&self.settings.webhook_url)
                .header("Edu-Provider-Signature", signature)
                .header("Content-Type", "application/json")
                .body(body.clone())
                .send()
                .await;
            let status = answer.as_ref().ok().map(reqwest::Response::status);
            let label = status.map_or_else(|| "error".to_owned(), |s| s.as_u16().to_string());
            self.record(|s| *s.answers.entry(label).or_default() += 1);
            match status {
                Some(s) if s.is_success() => {
                    self.record(|s| s.acknowledged += 1);
                    return;
                }
                Some(s) if s.is_client_error() && s.as_u16() != 409 && s.as_u16() != 429 => {
                    tracing::warn!(status = %s, event = %event["id"], "the engine refused a webhook for good");
                    self.record(|s| s.abandoned += 1);
                    return;
                }
                _ => {
                    tokio::time::sleep(wait).await;
                    wait = (wait * 2).min(Duration::from_secs(5));
                }
            }
        }
        tracing::warn!(event = %event["id"], "a webhook was never acknowledged");
        self.record(|s| s.abandoned += 1);
    }
}
