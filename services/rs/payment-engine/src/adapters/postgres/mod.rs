//! PostgreSQL: a small connection pool and the store that applies the domain's decisions, each
//! in one transaction.

mod outbox;
mod pool;
mod rows;
mod store;

pub use pool::PgPool;
pub use store::PostgresPaymentStore;
