//! payment-engine (issue 22): takes payments for paid courses.
//!
//! The domain is pure and decides everything that matters about money: amounts in integer
//! minor units with their currency ([`domain::money`]), the payment's legal transitions
//! ([`domain::payment`]), the double-entry ledger whose balances are derived from movements
//! that each sum to zero ([`domain::ledger`]), the idempotency-key semantics of Stripe
//! ([`domain::idempotency`]), the provider's signed webhooks ([`domain::webhook`]), and the
//! decisions that combine them ([`domain::decisions`]): what a request or a webhook changes,
//! which the store then applies in one transaction.

pub mod domain;
