//! Graceful shutdown over real loopback connections: in-flight requests drain, new ones are
//! refused, and the drain limit holds.

use std::time::Duration;

use axum::routing::get;
use edu_common::shutdown::{Shutdown, serve};
use tokio::net::TcpListener;

async fn slow_server(
    drain: Duration,
) -> (
    std::net::SocketAddr,
    Shutdown,
    tokio::task::JoinHandle<bool>,
) {
    let router = axum::Router::new().route(
        "/slow",
        get(|| async {
            tokio::time::sleep(Duration::from_millis(400)).await;
            "finished"
        }),
    );
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let shutdown = Shutdown::new();
    let task = tokio::spawn(serve(listener, router, shutdown.clone(), drain));
    let task = tokio::spawn(async move { task.await.unwrap().unwrap() });
    (address, shutdown, task)
}

#[tokio::test]
async fn an_in_flight_request_finishes_and_new_connections_are_refused() {
    let (address, shutdown, server) = slow_server(Duration::from_secs(5)).await;
    let client = reqwest::Client::new();
    let in_flight = tokio::spawn({
        let client = client.clone();
        async move { client.get(format!("http://{address}/slow")).send().await }
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    shutdown.trigger();

    let response = in_flight
        .await
        .unwrap()
        .expect("the in-flight request was cut off");
    assert_eq!(response.text().await.unwrap(), "finished");
    assert!(server.await.unwrap(), "the drain did not complete");
    let refused = reqwest::Client::new()
        .get(format!("http://{address}/slow"))
        .send()
        .await;
    assert!(refused.is_err(), "a new request was served after shutdown");
}

#[tokio::test]
async fn the_drain_limit_stops_a_request_that_would_not_finish() {
    let (address, shutdown, server) = slow_server(Duration::from_millis(50)).await;
    let in_flight = tokio::spawn(async move {
        reqwest::Client::new()
            .get(format!("http://{address}/slow"))
            .send()
            .await
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    shutdown.trigger();
    assert!(
        !server.await.unwrap(),
        "the drain claimed to complete within 50 ms"
    );
    drop(in_flight);
}
