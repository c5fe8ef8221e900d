//! `cargo run --release -p event-ingestion --bin ingest-bench [-- SECONDS CONNECTIONS ROUNDS]`:
//! events/s accepted and acknowledged at batch sizes 1, 100 and 1,000, request latency p50/p99
//! and CPU per 1,000 events, for the release `event-ingestion` binary beside this one and its
//! Python twin (`bench/python_twin.py`: `FastAPI` + nats-py under uvicorn), both against one
//! loopback nats-server (JetStream on disk, one stream each), with the same load generator and
//! the same batches, back to back per batch size, `ROUNDS` times (default 3; the order of the
//! two alternates between rounds); then the median and spread of each and the ratio.
//! A benchmark, never a timed test (ADR 0018).
//!
//! - `NATS_SERVER`: the nats-server binary (default `.venv/bin/nats-server`).
//! - `EDU_BENCH_PYTHON`: the twin's interpreter (default `.venv/bin/python`); `EDU_BENCH_TWIN=0`
//!   measures the Rust service only; `EDU_BENCH_TWIN_WORKERS`: uvicorn worker processes
//!   (default: one per core, as the Rust service's runtime has one thread per core). uvicorn
//!   uses uvloop and httptools when the interpreter finds them (`PYTHONPATH` works; the twin
//!   says on stderr which it runs on): bench/README.md.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
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
use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::json;

const USER: &str = "0b6c5e2a-0000-4000-8000-0000000000be";
const BATCHES: [usize; 3] = [1, 100, 1000];

type Http = Client<HttpConnector, Full<Bytes>>;

/// The servers started here, each in its own process group (uvicorn's workers are children of
/// its supervisor): SIGTERM to the group, then SIGKILL after a grace period.
struct Stopped(Vec<Child>);

impl Drop for Stopped {
    fn drop(&mut self) {
        // The last started first: the services before nats-server.
        for child in self.0.iter_mut().rev() {
            let group = format!("-{}", child.id());
            let signal = |name: &str| {
                let _ = Command::new("kill")
                    .args([name, "--", &group])
                    .stderr(Stdio::null())
                    .status();
            };
            signal("-TERM");
            let until = Instant::now() + Duration::from_secs(5);
            while Instant::now() < until && matches!(child.try_wait(), Ok(None)) {
                std::thread::sleep(Duration::from_millis(20));
            }
            // Whatever is left of the group (the child is not reaped yet, so its id is not reused).
            signal("-KILL");
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

/// An access token as identity issues it (both verifiers require `email`, the Python one too).
fn token(key: &SigningKey) -> String {
    let header = json!({"alg": "ES256", "kid": "bench"});
    let claims = json!({"sub": USER, "email": "bench@example.org", "roles": ["student"],
        "exp": now() + 3600.0, "iat": now(),
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

/// CPU seconds (user + system) of every live process by pid, with its parent.
fn processes() -> HashMap<u32, (u32, f64)> {
    let mut table = HashMap::new();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return table;
    };
    for entry in entries.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<u32>().ok())
        else {
            continue;
        };
        let stat = std::fs::read_to_string(entry.path().join("stat")).unwrap_or_default();
        let fields: Vec<&str> = stat
            .rsplit_once(')')
            .map_or(vec![], |(_, rest)| rest.split_whitespace().collect());
        let number = |i: usize| {
            fields
                .get(i)
                .and_then(|f| f.parse::<f64>().ok())
                .unwrap_or(0.0)
        };
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let parent = number(1) as u32;
        table.insert(pid, (parent, (number(11) + number(12)) / 100.0));
    }
    table
}

/// CPU seconds of this process alone (the load generator; its children are the servers).
fn own_cpu_seconds() -> f64 {
    processes()
        .get(&std::process::id())
        .map_or(0.0, |&(_, cpu)| cpu)
}

/// CPU seconds of `root` and all its descendants (uvicorn's supervisor and its workers).
fn tree_cpu_seconds(root: u32) -> f64 {
    let table = processes();
    table
        .iter()
        .filter(|&(&pid, _)| {
            let mut at = pid;
            for _ in 0..64 {
                if at == root {
                    return true;
                }
                match table.get(&at) {
                    Some(&(parent, _)) if parent != 0 => at = parent,
                    _ => return false,
                }
            }
            false
        })
        .map(|(_, &(_, cpu))| cpu)
        .sum()
}

/// (busy, total) jiffies of the whole machine, from /proc/stat.
fn machine_jiffies() -> (f64, f64) {
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let numbers: Vec<f64> = stat
        .lines()
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .skip(1)
        .take(8)
        .filter_map(|n| n.parse().ok())
        .collect();
    let total: f64 = numbers.iter().sum();
    let idle = numbers.get(3).unwrap_or(&0.0) + numbers.get(4).unwrap_or(&0.0);
    (total - idle, total)
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .unwrap_or_default()
        .trim()
        .to_owned()
}

/// Event ids unique in this run: a per-run prefix and a counter (UUID-shaped, version 4 bits).
static NEXT_EVENT: AtomicU64 = AtomicU64::new(0);

/// One JSON batch of heartbeats, written as text (the load generator shares the two cores with
/// what it measures, so it stays cheap).
fn body(batch: usize, run: u32, occurred: &str) -> Vec<u8> {
    let mut text = String::with_capacity(batch * 330 + 16);
    text.push_str(r#"{"events":["#);
    for i in 0..batch {
        if i > 0 {
            text.push(',');
        }
        let n = NEXT_EVENT.fetch_add(1, Ordering::Relaxed);
        let _ = write!(
            text,
            r#"{{"id":"{run:08x}-0000-4000-8000-{n:012x}","type":"lesson.heartbeat","user_id":"{USER}","occurred_at":"{occurred}","course_id":"9a1b2c3d-0000-4000-8000-00000000c0de","session_id":"5e55e55e-0000-4000-8000-000000000005","lesson_heartbeat":{{"lesson_id":"9a1b2c3d-0000-4000-8000-0000000001e5","position_seconds":42,"duration_seconds":600,"active_seconds":5}}}}"#
        );
    }
    text.push_str("]}");
    text.into_bytes()
}

/// The parts of a 202 the benchmark counts.
#[derive(Deserialize)]
struct Answer {
    accepted: Vec<IgnoredAny>,
    duplicates: Vec<IgnoredAny>,
    rejected: Vec<IgnoredAny>,
}

/// The status and, for a 202, how many events were stored (and whether all of them were).
async fn post(client: &Http, url: &str, token: &str, body: Vec<u8>, batch: usize) -> (u16, usize) {
    let request = hyper::Request::post(url)
        .header("content-type", "application/json")
        .header("authorization", format!("Bearer {token}"))
        .body(Full::new(Bytes::from(body)))
        .expect("a request");
    let Ok(response) = client.request(request).await else {
        return (0, 0);
    };
    let status = response.status().as_u16();
    let bytes = response
        .into_body()
        .collect()
        .await
        .map(http_body_util::Collected::to_bytes)
        .unwrap_or_default();
    match serde_json::from_slice::<Answer>(&bytes) {
        Ok(answer)
            if status == 202
                && answer.accepted.len() == batch
                && answer.duplicates.is_empty()
                && answer.rejected.is_empty() =>
        {
            (202, batch)
        }
        // A 202 that does not account for every event as stored counts as a failure.
        _ => (if status == 202 { 0 } else { status }, 0),
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

/// A service under measurement.
struct Target {
    name: &'static str,
    url: String,
    pid: u32,
}

/// One measurement of one service at one batch size.
#[derive(Debug, Clone, Copy, Default)]
struct Measured {
    requests: usize,
    events_per_s: f64,
    p50_ms: f64,
    p99_ms: f64,
    /// CPU ms per 1,000 acknowledged events: the service (all its processes), nats-server, and
    /// this load generator.
    service_cpu: f64,
    nats_cpu: f64,
    load_cpu: f64,
    /// Share of both cores busy during the measurement (everything on the machine).
    machine_busy: f64,
    failed: usize,
}

struct Load<'a> {
    seconds: u64,
    connections: usize,
    token: &'a str,
    run: u32,
    nats_pid: u32,
}

#[allow(clippy::cast_precision_loss)]
async fn measure(target: &Target, batch: usize, seconds: u64, load: &Load<'_>) -> Measured {
    let client: Http = Client::builder(TokioExecutor::new()).build(HttpConnector::new());
    let (service_before, nats_before, load_before) = (
        tree_cpu_seconds(target.pid),
        tree_cpu_seconds(load.nats_pid),
        own_cpu_seconds(),
    );
    let machine_before = machine_jiffies();
    let started = Instant::now();
    let deadline = started + Duration::from_secs(seconds);
    let mut workers = Vec::new();
    for _ in 0..load.connections {
        let (client, url, token, run) = (
            client.clone(),
            target.url.clone(),
            load.token.to_owned(),
            load.run,
        );
        workers.push(tokio::spawn(async move {
            let (mut latencies, mut stored, mut failed) = (Vec::new(), 0_usize, 0_usize);
            while Instant::now() < deadline {
                let occurred = prost_types::Timestamp::from(SystemTime::now()).to_string();
                let payload = body(batch, run, &occurred);
                let sent = Instant::now();
                let (status, count) = post(&client, &url, &token, payload, batch).await;
                latencies.push(sent.elapsed());
                if status == 202 {
                    stored += count;
                } else {
                    failed += 1;
                }
            }
            (latencies, stored, failed)
        }));
    }
    let (mut latencies, mut stored, mut failed) = (Vec::new(), 0, 0);
    for worker in workers {
        let (l, s, f) = worker.await.expect("a worker");
        latencies.extend(l);
        stored += s;
        failed += f;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let machine_after = machine_jiffies();
    let per_thousand = |cpu: f64| cpu * 1000.0 / (stored.max(1) as f64) * 1000.0;
    latencies.sort_unstable();
    Measured {
        requests: latencies.len(),
        events_per_s: stored as f64 / elapsed,
        p50_ms: percentile(&latencies, 0.50),
        p99_ms: percentile(&latencies, 0.99),
        service_cpu: per_thousand(tree_cpu_seconds(target.pid) - service_before),
        nats_cpu: per_thousand(tree_cpu_seconds(load.nats_pid) - nats_before),
        load_cpu: per_thousand(own_cpu_seconds() - load_before),
        machine_busy: 100.0 * (machine_after.0 - machine_before.0)
            / (machine_after.1 - machine_before.1).max(1.0),
        failed,
    }
}

async fn wait_ready(client: &Http, base: &str, what: &str) {
    let ready = format!("{base}/ready");
    for _ in 0..600 {
        let request = hyper::Request::get(ready.as_str())
            .body(Full::new(Bytes::new()))
            .expect("a request");
        if client
            .request(request)
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{what} did not become ready at {ready}");
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    match values.len() {
        0 => 0.0,
        n if n % 2 == 1 => values[n / 2],
        n => f64::midpoint(values[n / 2 - 1], values[n / 2]),
    }
}

/// `median (min–max)` of one figure over the rounds.
fn spread(rows: &[Measured], figure: impl Fn(&Measured) -> f64, decimals: usize) -> String {
    let mut values: Vec<f64> = rows.iter().map(figure).collect();
    let mid = median(&mut values);
    let (low, high) = (values[0], values[values.len() - 1]);
    format!("{mid:.decimals$} ({low:.decimals$}–{high:.decimals$})")
}

fn print_row(round: usize, batch: usize, name: &str, m: &Measured) {
    println!(
        "| {round} | {batch:>5} | {name:<6} | {:>6} | {:>7.0} | {:>7.2} | {:>7.2} | {:>7.1} | {:>7.1} | {:>7.1} | {:>4.0} | {:>4} |",
        m.requests,
        m.events_per_s,
        m.p50_ms,
        m.p99_ms,
        m.service_cpu,
        m.nats_cpu,
        m.load_cpu,
        m.machine_busy,
        m.failed,
    );
}

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_owned())
}

#[tokio::main]
#[allow(clippy::too_many_lines)]
async fn main() {
    let mut args = std::env::args().skip(1);
    let seconds: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(5);
    let connections: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(16);
    let rounds: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(3).max(1);
    let nats_server = env_or("NATS_SERVER", ".venv/bin/nats-server");
    let python = env_or("EDU_BENCH_PYTHON", ".venv/bin/python");
    let with_twin = env_or("EDU_BENCH_TWIN", "1") != "0";
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let twin_workers = env_or("EDU_BENCH_TWIN_WORKERS", &cores.to_string());
    let twin = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/python_twin.py");
    let service = std::env::current_exe()
        .expect("this binary's path")
        .with_file_name("event-ingestion");
    let store = std::env::temp_dir().join(format!("ingest-bench-{}", std::process::id()));
    let nats_port = free_port();
    let key = SigningKey::from_slice(&[9; 32]).expect("a key");
    let jwks = serve_jwks(&key).await;
    let load_before = load_average();
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
        .process_group(0)
        .spawn()
        .unwrap_or_else(|e| panic!("{nats_server}: {e}"));
    let nats_pid = nats.id();
    let mut children = Stopped(vec![nats]);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let nats_url = format!("nats://127.0.0.1:{nats_port}");
    // One stream each, so neither measures against the other's messages.
    let start = |program: &std::ffi::OsStr, args: &[&std::ffi::OsStr], stream: &str| {
        let port = free_port();
        let child = Command::new(program)
            .args(args)
            .env("EDU_ENVIRONMENT", "test")
            .env("EDU_LOG_LEVEL", "WARN")
            .env("EDU_PORT", port.to_string())
            .env("EDU_NATS_URL", &nats_url)
            .env("EDU_JWKS_URL", &jwks)
            .env(
                "EDU_EVENTS_STREAM",
                format!("BENCH_{}", stream.to_uppercase()),
            )
            .env("EDU_EVENTS_SUBJECT_PREFIX", format!("bench.{stream}"))
            .env("EDU_TWIN_WORKERS", &twin_workers)
            .stdout(Stdio::null())
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("{}: {e}", program.display()));
        (child, format!("http://127.0.0.1:{port}"))
    };
    let mut targets = Vec::new();
    let (rust, base) = start(service.as_os_str(), &[], "rs");
    targets.push(Target {
        name: "rust",
        url: base,
        pid: rust.id(),
    });
    children.0.push(rust);
    if with_twin {
        let (python, base) = start(python.as_ref(), &[twin.as_os_str()], "py");
        targets.push(Target {
            name: "python",
            url: base,
            pid: python.id(),
        });
        children.0.push(python);
    }
    let client: Http = Client::builder(TokioExecutor::new()).build(HttpConnector::new());
    for target in &mut targets {
        wait_ready(&client, &target.url, target.name).await;
        target.url.push_str("/v1/events");
    }
    let token = token(&key);
    let load = Load {
        seconds,
        connections,
        token: &token,
        run: std::process::id(),
        nats_pid,
    };
    println!(
        "event-ingestion (release) vs its Python twin ({twin_workers} uvicorn worker(s)) -> \
         nats-server -js (file store), {connections} connections, {seconds} s per size, \
         {rounds} round(s); {cores} cores; load average before: {load_before}"
    );
    // Warm-up (not recorded): connections, the twin's workers, JetStream's first blocks.
    for target in &targets {
        measure(target, 100, 1, &load).await;
    }
    println!(
        "\nCPU columns: ms of CPU per 1,000 acknowledged events (service = all its processes; \
         load = this generator); busy = % of both cores busy, anything on the machine.\n"
    );
    println!(
        "| round | batch | service | requests | events/s | p50 ms | p99 ms | service CPU | nats CPU | load CPU | busy % | failed |"
    );
    println!("|---:|---:|:---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    let mut results: HashMap<(usize, &'static str), Vec<Measured>> = HashMap::new();
    for round in 1..=rounds {
        for batch in BATCHES {
            let order: Vec<&Target> = if round % 2 == 1 {
                targets.iter().collect()
            } else {
                targets.iter().rev().collect()
            };
            for target in order {
                let measured = measure(target, batch, load.seconds, &load).await;
                print_row(round, batch, target.name, &measured);
                results
                    .entry((batch, target.name))
                    .or_default()
                    .push(measured);
            }
        }
    }
    println!("\nMedian (min–max) over {rounds} round(s):\n");
    println!(
        "| batch | service | events/s | p50 ms | p99 ms | service CPU ms / 1,000 ev | nats CPU ms / 1,000 ev | failed |"
    );
    println!("|---:|:---|---:|---:|---:|---:|---:|---:|");
    for batch in BATCHES {
        for target in &targets {
            let rows = &results[&(batch, target.name)];
            println!(
                "| {batch} | {} | {} | {} | {} | {} | {} | {} |",
                target.name,
                spread(rows, |m| m.events_per_s, 0),
                spread(rows, |m| m.p50_ms, 2),
                spread(rows, |m| m.p99_ms, 2),
                spread(rows, |m| m.service_cpu, 1),
                spread(rows, |m| m.nats_cpu, 1),
                rows.iter().map(|m| m.failed).sum::<usize>(),
            );
        }
    }
    if with_twin {
        println!(
            "\n| batch | Rust/Python events/s (ratio of medians; per-round range) | Python/Rust service CPU per event |"
        );
        println!("|---:|---:|---:|");
        for batch in BATCHES {
            let (rust, python) = (&results[&(batch, "rust")], &results[&(batch, "python")]);
            let per_round: Vec<f64> = rust
                .iter()
                .zip(python)
                .map(|(r, p)| r.events_per_s / p.events_per_s.max(1e-9))
                .collect();
            let mut sorted = per_round.clone();
            let low_high = {
                sorted.sort_by(f64::total_cmp);
                (sorted[0], sorted[sorted.len() - 1])
            };
            let events = |rows: &[Measured]| {
                median(&mut rows.iter().map(|m| m.events_per_s).collect::<Vec<_>>())
            };
            let cpu = |rows: &[Measured]| {
                median(&mut rows.iter().map(|m| m.service_cpu).collect::<Vec<_>>())
            };
            println!(
                "| {batch} | {:.1}x ({:.1}–{:.1}) | {:.1}x |",
                events(rust) / events(python).max(1e-9),
                low_high.0,
                low_high.1,
                cpu(python) / cpu(rust).max(1e-9),
            );
        }
    }
    println!("\nload average after: {}", load_average());
    drop(children);
    let _ = std::fs::remove_dir_all(store);
}
