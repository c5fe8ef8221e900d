//! `payment-provider-sandbox`: the payment provider we run ourselves (`payment_engine::sandbox`):
//! takes charges and refunds, confirms them by signed webhooks to the engine, with configurable
//! delays, duplicates and reordering. Serves on `EDU_BIND_ADDRESS`:`EDU_PORT` (8012).

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Instant;

use payment_engine::sandbox::{SandboxSettings, router};

#[tokio::main]
async fn main() -> ExitCode {
    let started = Instant::now();
    let settings = match SandboxSettings::from_process() {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::from(2);
        }
    };
    edu_common::telemetry::init(&settings.common);
    let address = SocketAddr::new(settings.common.bind_address, settings.port);
    tracing::info!(webhooks = %settings.webhook_url, duplicates = settings.duplicates,
        reorder = settings.reorder, "payment provider sandbox");
    edu_common::service::serve(
        "payment-provider-sandbox",
        started,
        address,
        std::future::ready(Ok::<_, std::convert::Infallible>(router(settings))),
    )
    .await
}
