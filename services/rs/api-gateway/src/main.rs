//! `api-gateway`: reads `EDU_*` settings, serves on 127.0.0.1:`EDU_PORT` until SIGTERM/SIGINT,
//! then drains in-flight requests. `api-gateway --print-openapi` prints its OpenAPI document.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Instant;

use api_gateway::settings::GatewaySettings;

#[tokio::main]
async fn main() -> ExitCode {
    if edu_common::service::asked_for_openapi() {
        print!("{}", api_gateway::http::openapi::document());
        return ExitCode::SUCCESS;
    }
    let started = Instant::now();
    let settings = match GatewaySettings::from_process() {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::from(2);
        }
    };
    edu_common::telemetry::init(&settings.common);
    let address = SocketAddr::new(settings.common.bind_address, settings.port);
    let router = async move { Ok::<_, Infallible>(api_gateway::build(settings).await) };
    edu_common::service::serve("api-gateway", started, address, router).await
}
