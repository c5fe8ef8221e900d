//! The store port over PostgreSQL (tokio-postgres).

pub mod postgres;
