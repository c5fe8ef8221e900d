//! What every Rust service and worker of eduplatform shares, shaped like `edu.common` on the
//! Python side so that both halves of the platform look the same from outside:
//!
//! - [`settings`]: `EDU_*` variables, read once at start-up; placeholder secrets refused
//!   outside development and test, with a message naming the variable to set.
//! - [`problem`]: RFC 9457 `application/problem+json` errors with the same fields and `type`
//!   URIs as `edu.common.http_problems`; bad input is never a 500.
//! - [`request_id`]: the `X-Request-Id` taken from the caller (when well formed) or made, put on
//!   every log line of the request and echoed back.
//! - [`telemetry`]: JSON logs (console in development), level from `EDU_LOG_LEVEL`.
//! - [`clock`]: time as a port (tests use a fake clock).
//! - [`health`]: `GET /health` (liveness, no dependency checked) and `GET /ready` (readiness).
//! - [`shutdown`]: SIGTERM/SIGINT stop accepting and drain in-flight requests.
//! - [`pact_messages`]: the `pact-messages` mode of every event producer (arguments, output).
//! - [`service`]: a service's `main` after its settings: listen, build, serve, drain;
//!   `--print-openapi` and the committed OpenAPI document's form and freshness check.

pub mod clock;
pub mod health;
pub mod pact_messages;
pub mod problem;
pub mod request_id;
pub mod service;
pub mod settings;
pub mod shutdown;
pub mod telemetry;

pub use problem::{ApiError, FieldProblem, Problem};
pub use settings::{CommonSettings, Environment, SettingsError, SettingsReader};
