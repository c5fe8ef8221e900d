//! The run's NATS and Redis answer, and a spawned app serves and stops.

use edu_testing::backends::{Backend, nats_answers, redis_answers, url};
use edu_testing::spawn_app;

#[tokio::test]
async fn the_runs_nats_and_redis_answer_their_protocols() {
    nats_answers(&url(Backend::Nats)).await.unwrap();
    redis_answers(&url(Backend::Redis)).await.unwrap();
}

#[tokio::test]
async fn a_redis_is_not_mistaken_for_nats() {
    let error = nats_answers(&url(Backend::Redis)).await.unwrap_err();
    assert!(
        error.contains("did not greet like a NATS server") || error.contains("no INFO"),
        "{error}"
    );
}

#[tokio::test]
async fn spawn_app_serves_on_a_free_port_and_stops() {
    let router = axum::Router::new().route("/health", axum::routing::get(|| async { "ok" }));
    let app = spawn_app(router).await;
    let body = reqwest::get(app.url("/health"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(body, "ok");
    let address = app.address;
    app.stop().await;
    assert!(
        reqwest::get(format!("http://{address}/health"))
            .await
            .is_err()
    );
}
