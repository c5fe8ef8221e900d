//! Pact for the Rust consumers: the mock server of the `pact-python-cli` wheel (one prebuilt
//! `pact` binary that `just setup` installs into `.venv`), driven over its REST API. ADR 0011
//! says why it is this binary and not the `pact_consumer` crate (the crate's cold build).
//!
//! A test states its expectations as a V4 pact (example bodies plus matching rules), drives its
//! real client against [`MockServer::url`], then [`MockServer::finish`] checks that every
//! expected request came and nothing else did, has the server write the pact, and compares it
//! with the committed `contracts/pacts/<consumer>-<provider>.json` after the normalising of
//! `contracts/tests/conftest.py` (metadata other than the specification dropped, interactions
//! sorted). With `EDU_UPDATE_PACTS=1` (`just pacts`) it rewrites the committed file instead.
//! The matchers and that comparison are `edu_testing::pact`'s, shared with the Rust message
//! pacts of search and feed-builder.

use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Sender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use edu_testing::pact::{compare_with_committed, repository_root};
pub(crate) use edu_testing::pact::{like, regex};
use serde_json::{Value, json};

const STARTED: &str = "Master server started on port ";

/// A V4 pact between `consumer` and `provider` with these interactions.
pub(crate) fn pact(consumer: &str, provider: &str, interactions: &[Value]) -> Value {
    json!({
        "consumer": {"name": consumer},
        "provider": {"name": provider},
        "interactions": interactions,
        "metadata": {"pactSpecification": {"version": "4.0"}},
    })
}

fn pact_binary() -> PathBuf {
    let binary = std::env::var_os("EDU_PACT_CLI")
        .map_or_else(|| repository_root().join(".venv/bin/pact"), PathBuf::from);
    assert!(
        binary.is_file(),
        "no Pact mock server at {}: `just setup` installs pact-python-cli into .venv \
         (or set EDU_PACT_CLI to its `pact` binary)",
        binary.display()
    );
    binary
}

/// `pact mock start`: the master server that makes mock servers; dropped, it stops and its
/// output folder goes.
struct Master {
    process: Child,
    log: Arc<Mutex<Vec<String>>>,
    output: PathBuf,
    url: String,
}

impl Master {
    fn start() -> Self {
        let binary = pact_binary();
        let stamp = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .expect("the clock is past 1970")
            .as_nanos();
        let output = std::env::temp_dir().join(format!("edu-pact-{}-{stamp}", std::process::id()));
        std::fs::create_dir_all(&output).expect("a temporary folder for the written pact");
        let spawned = Command::new(&binary)
            .args(["mock", "start", "--port", "0", "--host", "127.0.0.1"])
            .args(["--no-file-log", "--no-term-log", "--output"])
            .arg(&output)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn();
        let mut process = spawned.unwrap_or_else(|error| {
            let _ = std::fs::remove_dir_all(&output);
            panic!("{} does not start: {error}", binary.display())
        });
        let log = Arc::new(Mutex::new(Vec::new()));
        let (lines, received) = mpsc::channel();
        drain(process.stdout.take(), &log, lines.clone());
        drain(process.stderr.take(), &log, lines);
        let mut master = Master {
            process,
            log,
            output,
            url: String::new(),
        };
        while master.url.is_empty() {
            let line = received
                .recv_timeout(Duration::from_secs(10))
                .expect("the Pact mock server starts within 10 s");
            if let Some(port) = line.split(STARTED).nth(1) {
                master.url = format!("http://127.0.0.1:{}", port.trim());
            }
        }
        master
    }
}

impl Drop for Master {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
        let _ = std::fs::remove_dir_all(&self.output);
        if std::thread::panicking() {
            eprintln!(
                "Pact mock server's log:\n{}",
                self.log.lock().unwrap().join("\n")
            );
        }
    }
}

/// A mock provider serving one pact's interactions.
pub(crate) struct MockServer {
    master: Master,
    http: reqwest::Client,
    id: String,
    port: u64,
    file_name: String,
}

impl MockServer {
    /// Starts `pact mock` on a free 127.0.0.1 port and sets `pact` up on a mock server of its own.
    pub(crate) async fn start(pact: &Value) -> Self {
        let master = Master::start();
        // A connection per call: the master closes idle ones, and a reused one it has just
        // closed fails the call (hyper's IncompleteMessage).
        let http = reqwest::Client::builder()
            .pool_max_idle_per_host(0)
            .build()
            .unwrap();
        let created: Value = http
            .post(format!("{}/", master.url))
            .json(pact)
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .expect("the mock server takes the pact")
            .json()
            .await
            .expect("the mock server names its id and port");
        let names = (&pact["consumer"]["name"], &pact["provider"]["name"]);
        MockServer {
            id: created["mockServer"]["id"].as_str().unwrap().to_owned(),
            port: created["mockServer"]["port"].as_u64().unwrap(),
            file_name: format!(
                "{}-{}.json",
                names.0.as_str().unwrap(),
                names.1.as_str().unwrap()
            ),
            master,
            http,
        }
    }

    /// The mock provider's URL for `path`.
    pub(crate) fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// Every expected request came and nothing else; the pact written equals the committed one.
    pub(crate) async fn finish(self) {
        // The server records a match after it has answered, so a request the client has its
        // answer to may not be counted yet: "missing" is believed only after a second.
        let mut attempts = 0;
        let (status, mismatches) = loop {
            let verified = self
                .http
                .post(format!("{}/mockserver/{}/verify", self.master.url, self.id))
                .send()
                .await
                .expect("the mock server answers");
            let status = verified.status();
            let mismatches: Value = verified.json().await.unwrap_or_default();
            attempts += 1;
            if status.is_success() || attempts == 20 || !only_missing_requests(&mismatches) {
                break (status, mismatches);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        assert!(
            status.is_success(),
            "the consumer did not send what its pact expects ({status}): {mismatches}"
        );
        let written = std::fs::read_to_string(self.master.output.join(&self.file_name))
            .expect("the mock server wrote the pact");
        compare_with_committed(&self.file_name, &serde_json::from_str(&written).unwrap());
    }
}

fn only_missing_requests(answer: &Value) -> bool {
    answer["mismatches"]
        .as_array()
        .is_some_and(|all| all.iter().all(|m| m["type"] == "missing-request"))
}

/// Keeps reading a pipe of the server's (a full pipe would stall it), line by line.
fn drain(
    pipe: Option<impl Read + Send + 'static>,
    log: &Arc<Mutex<Vec<String>>>,
    to: Sender<String>,
) {
    let (Some(pipe), log) = (pipe, log.clone()) else {
        return;
    };
    std::thread::spawn(move || {
        for line in BufReader::new(pipe).lines().map_while(Result::ok) {
            log.lock().unwrap().push(line.clone());
            let _ = to.send(line);
        }
    });
}
