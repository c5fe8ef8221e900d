//! The rules of a learning event, free of HTTP and NATS: what makes one acceptable
//! ([`validation`]) and what a batch's answer says about each of its events ([`outcome`]).

pub mod outcome;
pub mod validation;
