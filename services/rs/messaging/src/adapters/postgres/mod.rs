//! PostgreSQL: a small connection pool (payment-engine's), the store and the outbox's side of
//! the relay.

mod outbox;
mod pool;
mod store;

pub use pool::PgPool;
pub use store::PostgresStore;
