//! `payment-engine`: reads `EDU_*` settings, serves on `EDU_BIND_ADDRESS`:`EDU_PORT` until
//! SIGTERM/SIGINT, then drains in-flight requests (each transaction commits or rolls back); the
//! `PaymentsService` on `EDU_GRPC_PORT`, the outbox relay and the payment deadline beside it.
//! `payment-engine --print-openapi` prints its OpenAPI document; `payment-engine pact-messages`
//! the messages it publishes, for message-pact verification (`payment_engine::pact`).

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use edu_common::shutdown::Shutdown;

use payment_engine::settings::PaymentSettings;

#[tokio::main]
async fn main() -> ExitCode {
    if edu_common::service::asked_for_openapi() {
        print!("{}", payment_engine::http::openapi::document());
        return ExitCode::SUCCESS;
    }
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some(payment_engine::pact::MODE) {
        return match payment_engine::pact::run(&args[1..]) {
            Ok(messages) => {
                println!("{messages}");
                ExitCode::SUCCESS
            }
            Err(error) => {
                eprintln!("payment-engine pact-messages: {error}");
                ExitCode::from(2)
            }
        };
    }
    let started = Instant::now();
    let settings = match PaymentSettings::from_process() {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::from(2);
        }
    };
    edu_common::telemetry::init(&settings.common);
    let engine = payment_engine::build(&settings);
    let address = SocketAddr::new(settings.common.bind_address, settings.port);
    // The relay stops with the process: a batch cut short rolls back and is published again.
    let stop_relay = Shutdown::new();
    let relay = tokio::spawn({
        let stop = stop_relay.clone();
        let relay = engine.relay.clone();
        async move { relay.run(stop).await }
    });
    let charges = tokio::spawn({
        let stop = stop_relay.clone();
        let charges = engine.charges.clone();
        async move { charges.run(stop).await }
    });
    let expiry = tokio::spawn({
        let stop = stop_relay.clone();
        let expiry = engine.expiry.clone();
        async move { expiry.run(stop).await }
    });
    let grpc_address = SocketAddr::new(settings.common.bind_address, settings.grpc_port);
    let grpc_listener = match tokio::net::TcpListener::bind(grpc_address).await {
        Ok(listener) => listener,
        Err(error) => {
            tracing::error!(%grpc_address, %error, "cannot listen for gRPC");
            return ExitCode::FAILURE;
        }
    };
    let grpc = tokio::spawn({
        let stop = stop_relay.clone();
        let payments = engine.payments.clone();
        async move {
            tracing::info!(%grpc_address, "PaymentsService serving");
            if let Err(error) =
                payment_engine::grpc::serve(grpc_listener, payments, stop.wait()).await
            {
                tracing::error!(%error, "the gRPC server stopped");
            }
        }
    });
    let code = edu_common::service::serve(
        "payment-engine",
        started,
        address,
        std::future::ready(Ok::<_, std::convert::Infallible>(engine.router)),
    )
    .await;
    stop_relay.trigger();
    let _ = tokio::time::timeout(Duration::from_secs(5), relay).await;
    let _ = tokio::time::timeout(Duration::from_secs(5), expiry).await;
    let _ = tokio::time::timeout(Duration::from_secs(5), charges).await;
    let _ = tokio::time::timeout(Duration::from_secs(5), grpc).await;
    code
}
