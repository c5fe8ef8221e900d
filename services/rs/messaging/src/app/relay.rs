//! The outbox relay, so the platform hears every post (moderation): the shared `edu-outbox` crate (ADR 0003),
//! re-exported under this module's old paths. The outbox's SQL stays in `adapters::postgres`,
//! whose store wakes the relay after each commit that wrote outbox rows (`outbox_written`).

pub use edu_outbox::{
    BatchError, BatchFuture, BatchOutcome, EventBus, Outbox, OutboxRelay, PublishError,
    PublishFuture, RelaySettings, next_wait,
};
