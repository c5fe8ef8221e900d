//! The gateway's rules, free of HTTP frameworks and stores: routing, the client's address,
//! rate-limit decisions and the circuit breaker.

pub mod breaker;
pub mod client_address;
pub mod limits;
pub mod routing;
