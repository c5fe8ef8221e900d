//! What Rust tests share, the counterpart of `edu.testing` (pytest plugin) on the Python side.
//!
//! - [`backends`]: the PostgreSQL, NATS, Redis and S3 server of this test run. `edu test rust-integration`
//!   (`edu.cli.cargo_tests`) starts them the way the pytest plugin does (embedded by default,
//!   Docker or your own URL otherwise) and passes `EDU_TEST_*_URL`; without one a test fails
//!   with a message saying how to run it, never skips.
//! - [`database`]: a database per test, cloned from a migrated template (made once per set of
//!   migrations, shared by concurrent tests and test processes), dropped afterwards.
//! - [`namespace`]: NATS subject and Redis key prefixes unique to one test.
//! - [`app`]: `spawn_app` serves a router on 127.0.0.1:0 and stops it with a drain.
//! - [`clock`]: a [`FakeClock`] tests move by hand.
//! - [`identity`]: identity faked: a fixed ES256 key, its JWKS served, access tokens signed.
//! - [`proxy`]: a TCP proxy a test cuts and restores (a backend down for one service only).
//! - [`pact`]: message pacts of the Rust event consumers, compared with the committed files.

pub mod app;
pub mod backends;
pub mod clock;
pub mod database;
pub mod identity;
pub mod namespace;
pub mod pact;
pub mod proxy;

pub use app::{TestApp, spawn_app};
pub use clock::FakeClock;
pub use database::{Migrations, TestDatabase};
pub use namespace::Namespace;
pub use proxy::TcpProxy;
