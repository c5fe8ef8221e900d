//! Use cases: applying catalogue events to the index ([`indexing`]) and answering searches
//! ([`searching`]); what they need from outside are the traits of [`ports`].

pub mod indexing;
pub mod ports;
pub mod searching;
