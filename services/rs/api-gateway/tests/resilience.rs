//! Sign-in limits per client address, the circuit breaker, Redis outages, closed CORS and the
//! gateway's own endpoints.

mod support;

use std::net::{IpAddr, Ipv4Addr};

use reqwest::StatusCode;
use support::platform;

fn client_from(address: [u8; 4]) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(IpAddr::V4(Ipv4Addr::from(address)))
        .build()
        .unwrap()
}

#[tokio::test]
async fn one_address_failing_to_sign_in_does_not_lock_out_another() {
    let p = platform(&[("EDU_RATE_SIGN_IN_PER_MINUTE", "30".into())]).await;
    let attacker = client_from([127, 0, 0, 2]);
    let mut limited = 0;
    for _ in 0..200 {
        let response = attacker
            .post(p.gateway.url("/auth/login"))
            .json(&serde_json::json!({"email": "x@example.org", "password": "wrong"}))
            .send()
            .await
            .unwrap();
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            limited += 1;
        }
    }
    assert_eq!(limited, 170);
    assert_eq!(p.identity.hits(), 30);
    let visitor = client_from([127, 0, 0, 3]);
    let response = visitor
        .post(p.gateway.url("/auth/login"))
        .json(&serde_json::json!({"email": "me@example.org", "password": "right"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let echoed: serde_json::Value = response.json().await.unwrap();
    assert_eq!(echoed["headers"]["x-edu-client-address"], "127.0.0.3");
}

#[tokio::test]
async fn a_proxy_with_the_token_tells_the_visitor_a_forged_claim_is_ignored() {
    let p = platform(&[("EDU_RATE_SIGN_IN_PER_MINUTE", "2".into())]).await;
    let client = reqwest::Client::new();
    let login = |visitor: &'static str, token: &'static str| {
        client
            .post(p.gateway.url("/auth/login"))
            .header("x-edu-client-address", visitor)
            .header("x-edu-proxy-token", token)
            .json(&serde_json::json!({}))
            .send()
    };
    // web (the proxy) signs in two visitors from its one address: each has their own limit.
    for _ in 0..2 {
        assert_eq!(
            login("198.51.100.1", "test-proxy-token")
                .await
                .unwrap()
                .status(),
            200
        );
    }
    assert_eq!(
        login("198.51.100.1", "test-proxy-token")
            .await
            .unwrap()
            .status(),
        429
    );
    let other: serde_json::Value = login("198.51.100.2", "test-proxy-token")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(other["headers"]["x-edu-client-address"], "198.51.100.2");
    // without the token the claim is ignored: the peer (127.0.0.1) counts, and is told on.
    let forged: serde_json::Value = login("198.51.100.3", "guess")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(forged["headers"]["x-edu-client-address"], "127.0.0.1");
}

#[tokio::test]
async fn a_dead_upstream_opens_its_circuit_and_is_answered_503_at_once() {
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead_url = format!("http://{}", dead.local_addr().unwrap());
    drop(dead);
    let p = platform(&[
        ("EDU_COURSE_SERVICE_URL", dead_url),
        ("EDU_BREAKER_FAILURES", "3".into()),
        ("EDU_BREAKER_OPEN_MS", "60000".into()),
    ])
    .await;
    let client = reqwest::Client::new();
    let mut statuses = Vec::new();
    for _ in 0..5 {
        let response = client.get(p.gateway.url("/courses")).send().await.unwrap();
        statuses.push(response.status().as_u16());
        if response.status() == StatusCode::SERVICE_UNAVAILABLE {
            assert!(response.headers().contains_key("retry-after"));
        }
    }
    assert_eq!(statuses, [502, 502, 502, 503, 503]);
    let identity = client.get(p.gateway.url("/me")).send().await.unwrap();
    assert_eq!(
        identity.status(),
        StatusCode::OK,
        "one upstream's circuit closed another"
    );
}

#[tokio::test]
async fn with_redis_down_sign_in_fails_closed_and_the_rest_fails_open() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let nowhere = format!("redis://{}/0", closed.local_addr().unwrap());
    drop(closed);
    let p = platform(&[("EDU_REDIS_URL", nowhere)]).await;
    let client = reqwest::Client::new();
    let login = client
        .post(p.gateway.url("/auth/login"))
        .json(&serde_json::json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(login.headers().contains_key("retry-after"));
    assert_eq!(p.identity.hits(), 0);
    let catalogue = client.get(p.gateway.url("/courses")).send().await.unwrap();
    assert_eq!(catalogue.status(), StatusCode::OK);
    let ready = client.get(p.gateway.url("/ready")).send().await.unwrap();
    assert_eq!(ready.status(), StatusCode::SERVICE_UNAVAILABLE);
}

#[tokio::test]
async fn cross_origin_preflights_are_refused_and_no_cors_header_is_sent() {
    let p = platform(&[]).await;
    let client = reqwest::Client::new();
    let preflight = client
        .request(reqwest::Method::OPTIONS, p.gateway.url("/courses"))
        .header("origin", "https://evil.example")
        .header("access-control-request-method", "POST")
        .send()
        .await
        .unwrap();
    assert_eq!(preflight.status(), StatusCode::FORBIDDEN);
    let simple = client
        .get(p.gateway.url("/courses"))
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert!(!simple.headers().contains_key("access-control-allow-origin"));
}

#[tokio::test]
async fn health_ready_and_openapi_are_the_gateways_own() {
    let p = platform(&[]).await;
    let health = reqwest::get(p.gateway.url("/health")).await.unwrap();
    assert_eq!(health.status(), StatusCode::OK);
    let ready = reqwest::get(p.gateway.url("/ready")).await.unwrap();
    assert_eq!(ready.status(), StatusCode::OK, "{:?}", ready.text().await);
    let spec: serde_json::Value = reqwest::get(p.gateway.url("/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(spec["paths"]["/ready"].is_object());
    assert_eq!(p.identity.hits() + p.course.hits(), 0);
}
