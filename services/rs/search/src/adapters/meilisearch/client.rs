//! The subset of Meilisearch's HTTP API the index uses, and its errors.
//!
//! The [`SearchIndex`](crate::app::ports::SearchIndex) port is synchronous (tantivy is a
//! library call; the HTTP routes call it inside `spawn_blocking`). Requests therefore run on a
//! thread of their own with its own runtime: a caller blocks on a channel, never on a runtime,
//! so the port can be called from a blocking thread and from an async task alike without
//! tokio's "cannot block inside a runtime" panic.
//!
//! Every write is a Meilisearch *task*: the 202 answer names it and [`Client::wait`] polls
//! `GET /tasks/{uid}` until it succeeded (an error naming the task's code when it failed, was
//! canceled, or is still running after the task timeout).

use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, Instant};

use edu_common::settings::Secret;
use reqwest::Method;
use serde_json::Value;

use crate::app::ports::IndexError;

/// Where Meilisearch is and how long to wait for it.
#[derive(Debug, Clone)]
pub struct MeilisearchConfig {
    /// `EDU_MEILISEARCH_URL`, e.g. `http://127.0.0.1:7700`.
    pub url: String,
    /// `EDU_MEILISEARCH_API_KEY`: sent as `Authorization: Bearer`; none for an open instance.
    pub api_key: Option<Secret>,
    /// `EDU_MEILISEARCH_INDEX`: the courses' index; popularity marks go to `<index>-marks`.
    pub index: String,
    /// One HTTP request.
    pub request_timeout: Duration,
    /// How long a write's task may take before the commit fails.
    pub task_timeout: Duration,
}

/// What went wrong talking to Meilisearch.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MeilisearchError {
    #[error("Meilisearch at {url} cannot be reached ({request}): {reason}")]
    Unreachable {
        url: String,
        request: String,
        reason: String,
    },
    #[error("Meilisearch refused {request}: {status} {code}: {message}")]
    Refused {
        request: String,
        status: u16,
        code: String,
        message: String,
    },
    #[error("Meilisearch failed {request}: {status} {code}: {message}")]
    Failed {
        request: String,
        status: u16,
        code: String,
        message: String,
    },
    #[error("Meilisearch task {task} {status}: {code}: {message}")]
    TaskFailed {
        task: u64,
        status: String,
        code: String,
        message: String,
    },
    #[error("Meilisearch task {task} is still {status} after {waited:?}")]
    TaskTimeout {
        task: u64,
        status: String,
        waited: Duration,
    },
    #[error("Meilisearch's answer to {request} is not what its API documents: {reason}")]
    Unreadable { request: String, reason: String },
}

impl From<MeilisearchError> for IndexError {
    fn from(error: MeilisearchError) -> Self {
        IndexError(error.to_string())
    }
}

type Job = Pin<Box<dyn Future<Output = ()> + Send>>;

/// Requests on a thread of their own (see the module's documentation).
#[derive(Debug)]
pub(super) struct Client {
    config: MeilisearchConfig,
    http: reqwest::Client,
    jobs: tokio::sync::mpsc::UnboundedSender<Job>,
}

impl Client {
    pub(super) fn new(config: MeilisearchConfig) -> Result<Self, IndexError> {
        let http = reqwest::Client::builder()
            .timeout(config.request_timeout)
            .build()
            .map_err(|e| IndexError(format!("the Meilisearch client: {e}")))?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| IndexError(format!("the Meilisearch client's runtime: {e}")))?;
        let (jobs, mut queue) = tokio::sync::mpsc::unbounded_channel::<Job>();
        std::thread::Builder::new()
            .name("meilisearch".into())
            .spawn(move || {
                // Ends when the client (the only sender) is dropped.
                runtime.block_on(async move {
                    while let Some(job) = queue.recv().await {
                        tokio::spawn(job);
                    }
                });
            })
            .map_err(|e| IndexError(format!("the Meilisearch client's thread: {e}")))?;
        Ok(Self { config, http, jobs })
    }

    pub(super) fn config(&self) -> &MeilisearchConfig {
        &self.config
    }

    /// Runs `work` on the client's thread and waits for its answer.
    fn run<T: Send + 'static>(
        &self,
        work: impl Future<Output = Result<T, MeilisearchError>> + Send + 'static,
    ) -> Result<T, MeilisearchError> {
        let (answer, answered) = std::sync::mpsc::sync_channel(1);
        let stopped = || MeilisearchError::Unreachable {
            url: self.config.url.clone(),
            request: "any".into(),
            reason: "the client's thread stopped".into(),
        };
        self.jobs
            .send(Box::pin(async move {
                let _ = answer.send(work.await);
            }))
            .map_err(|_| stopped())?;
        answered.recv().map_err(|_| stopped())?
    }

    /// One request; the JSON answer of a 2xx, a [`MeilisearchError`] naming it otherwise.
    pub(super) fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, MeilisearchError> {
        let url = format!("{}{path}", self.config.url.trim_end_matches('/'));
        let base = self.config.url.clone();
        let request = format!("{method} {path}");
        let mut builder = self.http.request(method, url);
        if let Some(key) = &self.config.api_key {
            builder = builder.bearer_auth(key.expose());
        }
        if let Some(body) = body {
            builder = builder.json(&body);
        }
        self.run(async move {
            let response = builder
                .send()
                .await
                .map_err(|e| MeilisearchError::Unreachable {
                    url: base,
                    request: request.clone(),
                    reason: e.to_string(),
                })?;
            let status = response.status();
            let text = response.text().await.unwrap_or_default();
            let json: Option<Value> = serde_json::from_str(&text).ok();
            if status.is_success() {
                return json.ok_or_else(|| MeilisearchError::Unreadable {
                    request,
                    reason: format!("{status} with a body that is not JSON"),
                });
            }
            let field = |name: &str| {
                json.as_ref()
                    .and_then(|j| j[name].as_str())
                    .map(str::to_owned)
            };
            let code = field("code").unwrap_or_else(|| "no_code".into());
            let message = field("message").unwrap_or_else(|| text.chars().take(200).collect());
            let status = status.as_u16();
            Err(if status < 500 {
                MeilisearchError::Refused {
                    request,
                    status,
                    code,
                    message,
                }
            } else {
                MeilisearchError::Failed {
                    request,
                    status,
                    code,
                    message,
                }
            })
        })
    }

    /// A write: sends it, then waits for its task.
    pub(super) fn write(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, MeilisearchError> {
        let request = format!("{method} {path}");
        let accepted = self.send(method, path, body)?;
        let task = accepted["taskUid"]
            .as_u64()
            .ok_or_else(|| MeilisearchError::Unreadable {
                request,
                reason: "no taskUid in the answer".into(),
            })?;
        self.wait(task)
    }

    /// Polls the task until it is done: its final state, or why it did not succeed.
    pub(super) fn wait(&self, task: u64) -> Result<Value, MeilisearchError> {
        let started = Instant::now();
        let mut pause = Duration::from_millis(5);
        loop {
            let state = self.send(Method::GET, &format!("/tasks/{task}"), None)?;
            let status = state["status"].as_str().unwrap_or("unknown").to_owned();
            match status.as_str() {
                "succeeded" => return Ok(state),
                "enqueued" | "processing" => {}
                _ => {
                    let error = &state["error"];
                    return Err(MeilisearchError::TaskFailed {
                        task,
                        status,
                        code: error["code"].as_str().unwrap_or("no_code").to_owned(),
                        message: error["message"].as_str().unwrap_or("").to_owned(),
                    });
                }
            }
            let waited = started.elapsed();
            if waited >= self.config.task_timeout {
                return Err(MeilisearchError::TaskTimeout {
                    task,
                    status,
                    waited,
                });
            }
            std::thread::sleep(pause.min(self.config.task_timeout.saturating_sub(waited)));
            pause = (pause * 2).min(Duration::from_millis(200));
        }
    }
}

/// `GET /health` for `/ready` (async: readiness checks run on the service's runtime).
pub async fn health(http: &reqwest::Client, url: &str) -> Result<(), String> {
    let url = format!("{}/health", url.trim_end_matches('/'));
    let response = http
        .get(&url)
        .send()
        .await
        .map_err(|e| format!("{url}: {e}"))?;
    if response.status().is_success() {
        Ok(())
    } else {
        Err(format!("{url}: {}", response.status()))
    }
}
