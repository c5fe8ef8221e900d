//! Use cases: recording events and rebuilding the feeds they change ([`building`]); what they
//! need from outside is the [`ports::FeedStore`] trait.

pub mod building;
pub mod ports;
