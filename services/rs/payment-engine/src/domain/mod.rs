//! What a payment is and what may happen to it; no I/O, no clock (times are passed in).

pub mod decisions;
pub mod idempotency;
pub mod ledger;
pub mod money;
pub mod payment;
pub mod webhook;
