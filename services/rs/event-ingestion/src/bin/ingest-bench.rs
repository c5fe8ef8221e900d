//! `cargo run --release -p event-ingestion --bin ingest-bench [-- SECONDS CONNECTIONS]`: events/s
//! accepted and acknowledged at batch sizes 1, 100 and 1,000, request latency p50/p99 and the
//! service's CPU per 1,000 events, against a loopback nats-server (JetStream on disk) and the
//! release `event-ingestion` binary beside this one. A benchmark, never a timed test (ADR 0018).
//! `NATS_SERVER` names the nats-server binary (default `.venv/bin/nats-server`).

use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{Signature, SigningKey};
use serde_json::json;

const USER: &str = "0b6c5e2a-0000-4000-8000-0000000000be";

type Http = Client<HttpConnector, Full<Bytes>>;

struct Stopped(Vec<Child>);

impl Drop for Stopped {
    fn drop(&mut self) {
        for child in &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs_f64()
}

fn token(key: &SigningKey) -> String {
    let header = json!({"alg": "ES256", "kid": "bench"});
    let claims = json!({"sub": USER, "exp": now() + 3600.0, "iat": now(),
        "iss": edu_jwt::tokens::ISSUER, "aud": edu_jwt::tokens::AUDIENCE});
    let input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let signature: Signature = key.sign(input.as_bytes());
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature.to_bytes()))
}

async fn serve_jwks(key: &SigningKey) -> String {
    let mut jwk: serde_json::Value =
        serde_json::from_str(&p256::PublicKey::from(key.verifying_key()).to_jwk_string())
            .expect("a JWK");
    jwk["kid"] = json!("bench");
    let document = json!({"keys": [jwk]});
    let router = axum::Router::new().route(
        "/jwks.json",
        axum::routing::get(move || async move { axum::Json(document) }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move { axum::serve(listener, router).await });
    format!("http://{address}/jwks.json")
}

/// Seconds of CPU (user + system) the process has used, from /proc.
fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or(vec![], |(_, rest)| rest.split_whitespace().collect());
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) / 100.0
}

fn body(batch: usize) -> Vec<u8> {
    let occurred = humantime_now();
    let events: Vec<serde_json::Value> = (0..batch)
        .map(|_| {
            json!({"id": uuid::Uuid::new_v4().to_string(), "type": "lesson.heartbeat",
                "user_id": USER, "occurred_at": occurred,
                "course_id": "9a1b2c3d-0000-4000-8000-00000000c0de",
                "session_id": "5e55e55e-0000-4000-8000-000000000005",
                "lesson_heartbeat": {"lesson_id": "9a1b2c3d-0000-4000-8000-0000000001e5",
                    "position_seconds": 42, "duration_seconds": 600, "active_seconds": 5}})
        })
        .collect();
    serde_json::to_vec(&json!({ "events": events })).expect("JSON")
}

fn humantime_now() -> String {
    let stamp = prost_types::Timestamp::from(SystemTime::now());
    stamp.to_string()
}

async fn post(client: &Http, url: &str, token: &str, body: Vec<u8>) -> (u16, usize) {
    let request = hyper::Request::post(url)
        .header("content-type", "application/json")
        .header("authorization", format!("Bearer {token}"))
        .body(Full::new(Bytes::from(body)))
        .expect("a request");
    match client.request(request).await {
        Ok(response) => {
            let status = response.status().as_u16();
            let bytes = response
                .into_body()
                .collect()
                .await
                .map(http_body_util::Collected::to_bytes)
                .unwrap_or_default();
            let accepted = serde_json::from_slice::<serde_json::Value>(&bytes)
                .ok()
                .and_then(|v| v["accepted"].as_array().map(Vec::len))
                .unwrap_or(0);
            (status, accepted)
        }
        Err(_) => (0, 0),
    }
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss
    )]
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index].as_secs_f64() * 1000.0
}

#[allow(clippy::cast_precision_loss)]
async fn run(batch: usize, seconds: u64, connections: usize, url: &str, token: &str, pid: u32) {
    let client: Http = Client::builder(TokioExecutor::new()).build(HttpConnector::new());
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let cpu_before = cpu_seconds(pid);
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..connections {
        let (client, url, token) = (client.clone(), url.to_owned(), token.to_owned());
        workers.push(tokio::spawn(async move {
            let (mut latencies, mut accepted, mut failed) = (Vec::new(), 0_usize, 0_usize);
            while Instant::now() < deadline {
                let payload = body(batch);
                let sent = Instant::now();
                let (status, count) = post(&client, &url, &token, payload).await;
                latencies.push(sent.elapsed());
                if status == 202 {
                    accepted += count;
                } else {
                    failed += 1;
                }
            }
            (latencies, accepted, failed)
        }));
    }
    let (mut latencies, mut accepted, mut failed) = (Vec::new(), 0, 0);
    for worker in workers {
        let (l, a, f) = worker.await.expect("a worker");
        latencies.extend(l);
        accepted += a;
        failed += f;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let cpu = cpu_seconds(pid) - cpu_before;
    latencies.sort_unstable();
    println!(
        "| {batch:>5} | {:>6} | {:>9.0} | {:>8.2} | {:>8.2} | {:>14.1} | {failed:>6} |",
        latencies.len(),
        accepted as f64 / elapsed,
        percentile(&latencies, 0.50),
        percentile(&latencies, 0.99),
        cpu * 1000.0 / (accepted.max(1) as f64) * 1000.0,
    );
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let seconds: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(5);
    let connections: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(16);
    let nats_server =
        std::env::var("NATS_SERVER").unwrap_or_else(|_| ".venv/bin/nats-server".to_owned());
    let service = std::env::current_exe()
        .expect("this binary's path")
        .with_file_name("event-ingestion");
    let store = std::env::temp_dir().join(format!("ingest-bench-{}", std::process::id()));
    let nats_port = free_port();
    let port = free_port();
    let key = SigningKey::from_slice(&[9; 32]).expect("a key");
    let jwks = serve_jwks(&key).await;
    let nats = Command::new(&nats_server)
        .args([
            "-a",
            "127.0.0.1",
            "-p",
            &nats_port.to_string(),
            "-js",
            "-sd",
        ])
        .arg(&store)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{nats_server}: {e}"));
    let mut children = Stopped(vec![nats]);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let ingestion = Command::new(&service)
        .env("EDU_ENVIRONMENT", "test")
        .env("EDU_LOG_LEVEL", "WARN")
        .env("EDU_PORT", port.to_string())
        .env("EDU_NATS_URL", format!("nats://127.0.0.1:{nats_port}"))
        .env("EDU_JWKS_URL", &jwks)
        .stdout(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{}: {e}", service.display()));
    let pid = ingestion.id();
    children.0.push(ingestion);
    let client: Http = Client::builder(TokioExecutor::new()).build(HttpConnector::new());
    let ready = format!("http://127.0.0.1:{port}/ready");
    for _ in 0..100 {
        let request = hyper::Request::get(ready.as_str())
            .body(Full::new(Bytes::new()))
            .expect("a request");
        if client
            .request(request)
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let url = format!("http://127.0.0.1:{port}/v1/events");
    let token = Arc::new(token(&key));
    println!(
        "event-ingestion (release) -> nats-server -js (file store), {connections} connections, {seconds} s per size"
    );
    println!("| batch | requests | events/s | p50 ms | p99 ms | CPU ms/1000 ev | non-202 |");
    println!("|------:|---------:|---------:|-------:|-------:|---------------:|--------:|");
    for batch in [1, 100, 1000] {
        run(batch, seconds, connections, &url, &token, pid).await;
    }
    drop(children);
    let _ = std::fs::remove_dir_all(store);
}
