//! The use cases of the edge: who the caller is (`admission::authenticate`), whether they may go
//! on (`admission::limit`), with identity's keys cached (`edu_jwt::KeyCache`); ports as traits
//! (`ports`).

pub mod admission;
pub mod ports;
