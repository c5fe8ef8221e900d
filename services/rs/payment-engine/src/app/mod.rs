//! The use cases: take a payment request, answer who may see a payment, receive the provider's
//! webhooks; the store port applies the domain's decisions in one transaction each.

pub mod charges;
pub mod expiry;
pub mod payments;
pub mod ports;
pub mod provider;
pub mod relay;
pub mod webhooks;
