//! Rust messages and tonic stubs generated from `proto/`, the buf module the Python side
//! generates `edu.proto_gen` from. Modules follow the proto packages:
//! `edu_proto_gen::edu::events::v1::EventEnvelope`, `edu_proto_gen::edu::course::v1::course_service_client`.
//!
//! The code under `src/generated/` is committed and written only by `just proto`; its
//! `MANIFEST` lets `edu proto check` prove it fresh without compiling (ADR 0014).

// Generated code follows prost's and tonic's style, not ours.
#[allow(
    clippy::all,
    clippy::pedantic,
    missing_debug_implementations,
    unreachable_pub,
    missing_docs
)]
mod generated {
    include!("generated/mod.rs");
}

pub use generated::*;
