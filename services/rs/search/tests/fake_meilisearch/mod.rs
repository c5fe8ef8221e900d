//! A hand-written fake of the part of Meilisearch's HTTP API the adapter uses: index creation,
//! settings, documents (add/replace, list), search and task polling. It keeps every request it
//! saw (method, path, JSON body, `Authorization`), applies a write only when its task succeeds
//! (after `polls_before_done` polls answered `processing`), and can be told to fail: the next
//! request to a path with an HTTP error, every task with a task error, or tasks that never end.
//!
//! Its search is deliberately simple: a document matches when every query word is one of its
//! searchable words (the last word also as a prefix); `_rankingScore` is 1.0 when every word is
//! in the title, else 0.5 — enough to see the adapter hand Meilisearch's score to the blend.

use std::collections::{BTreeMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

#[derive(Debug, Clone)]
pub(crate) struct Recorded {
    pub method: String,
    pub path: String,
    pub body: Value,
    pub authorization: Option<String>,
}

#[derive(Debug, Clone)]
enum Effect {
    CreateIndex(String),
    Settings(String, Value),
    AddDocuments(String, Vec<Value>),
}

#[derive(Debug)]
struct Task {
    polls: u32,
    effect: Effect,
    outcome: Option<Value>,
}

#[derive(Debug, Default)]
pub(crate) struct Fake {
    pub indexes: BTreeMap<String, BTreeMap<String, Value>>,
    pub settings: BTreeMap<String, Value>,
    pub requests: Vec<Recorded>,
    pub polls_before_done: u32,
    /// Every task fails with this (code, message).
    pub failing_tasks: Option<(String, String)>,
    /// Tasks stay `processing` for ever.
    pub stalled_tasks: bool,
    /// (path fragment, status, code, message): the next matching request gets this error.
    pub errors: VecDeque<(String, u16, String, String)>,
    tasks: Vec<Task>,
}

pub(crate) struct FakeMeilisearch {
    pub url: String,
    state: Arc<Mutex<Fake>>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Drop for FakeMeilisearch {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

impl FakeMeilisearch {
    /// Serves on 127.0.0.1 on a thread (and runtime) of its own: the adapter's calls block.
    pub(crate) fn start() -> Self {
        let state = Arc::new(Mutex::new(Fake::default()));
        let (bound, address) = std::sync::mpsc::channel::<SocketAddr>();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let shared = state.clone();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                bound.send(listener.local_addr().unwrap()).unwrap();
                let app = Router::new().fallback(handle).with_state(shared);
                axum::serve(listener, app)
                    .with_graceful_shutdown(async move {
                        let _ = stopped.await;
                    })
                    .await
                    .unwrap();
            });
        });
        let address = address.recv().unwrap();
        Self {
            url: format!("http://{address}"),
            state,
            stop: Some(stop),
        }
    }

    pub(crate) fn state(&self) -> MutexGuard<'_, Fake> {
        self.state.lock().unwrap()
    }

    /// The requests seen so far whose "METHOD path" starts with `prefix`.
    pub(crate) fn requests(&self, prefix: &str) -> Vec<Recorded> {
        self.state()
            .requests
            .iter()
            .filter(|r| format!("{} {}", r.method, r.path).starts_with(prefix))
            .cloned()
            .collect()
    }
}

fn error(status: u16, code: &str, message: &str) -> Response {
    let status = StatusCode::from_u16(status).unwrap();
    let body = json!({"message": message, "code": code, "type": "invalid_request", "link": ""});
    (status, axum::Json(body)).into_response()
}

fn accept(fake: &mut Fake, effect: Effect) -> Response {
    let uid = fake.tasks.len() as u64;
    fake.tasks.push(Task {
        polls: 0,
        effect,
        outcome: None,
    });
    let body = json!({"taskUid": uid, "status": "enqueued", "type": "documentAdditionOrUpdate"});
    (StatusCode::ACCEPTED, axum::Json(body)).into_response()
}

async fn handle(
    State(state): State<Arc<Mutex<Fake>>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut fake = state.lock().unwrap();
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let path = uri.path().to_owned();
    fake.requests.push(Recorded {
        method: method.to_string(),
        path: uri.to_string(),
        body: body.clone(),
        authorization: headers
            .get("authorization")
            .map(|v| v.to_str().unwrap().to_owned()),
    });
    if let Some(at) = fake.errors.iter().position(|e| path.contains(&e.0)) {
        let (_, status, code, message) = fake.errors.remove(at).unwrap();
        return error(status, &code, &message);
    }
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    match (method.as_str(), parts.as_slice()) {
        ("POST", ["indexes"]) => {
            let uid = body["uid"].as_str().unwrap().to_owned();
            assert_eq!(body["primaryKey"], "id");
            accept(&mut fake, Effect::CreateIndex(uid))
        }
        ("PATCH", ["indexes", uid, "settings"]) => {
            accept(&mut fake, Effect::Settings((*uid).to_owned(), body))
        }
        ("POST", ["indexes", uid, "documents"]) => {
            let documents = body.as_array().unwrap().clone();
            accept(
                &mut fake,
                Effect::AddDocuments((*uid).to_owned(), documents),
            )
        }
        ("GET", ["indexes", uid, "documents"]) => {
            let query: BTreeMap<String, usize> = uri
                .query()
                .unwrap_or("")
                .split('&')
                .filter_map(|pair| pair.split_once('='))
                .map(|(k, v)| (k.to_owned(), v.parse().unwrap()))
                .collect();
            let Some(documents) = fake.indexes.get(*uid) else {
                return error(404, "index_not_found", &format!("Index `{uid}` not found."));
            };
            let results: Vec<Value> = documents
                .values()
                .skip(query["offset"])
                .take(query["limit"])
                .cloned()
                .collect();
            axum::Json(json!({"results": results, "total": documents.len()})).into_response()
        }
        ("POST", ["indexes", uid, "search"]) => search(&fake, uid, &body),
        ("GET", ["tasks", uid]) => poll(&mut fake, uid.parse().unwrap()),
        _ => error(
            404,
            "not_found",
            &format!("{method} {path} is not in the fake"),
        ),
    }
}

fn poll(fake: &mut Fake, uid: usize) -> Response {
    let (polls_before_done, stalled) = (fake.polls_before_done, fake.stalled_tasks);
    let failing = fake.failing_tasks.clone();
    let Some(task) = fake.tasks.get_mut(uid) else {
        return error(404, "task_not_found", "Task not found.");
    };
    task.polls += 1;
    if task.outcome.is_none() && !stalled && task.polls > polls_before_done {
        let effect = task.effect.clone();
        let failure = failing.or_else(|| match &effect {
            Effect::CreateIndex(uid) if fake.indexes.contains_key(uid) => Some((
                "index_already_exists".into(),
                format!("Index `{uid}` already exists."),
            )),
            _ => None,
        });
        let outcome = if let Some((code, message)) = failure {
            json!({"uid": uid, "status": "failed", "error": {"code": code, "message": message}})
        } else {
            apply(fake, effect);
            json!({"uid": uid, "status": "succeeded", "error": null})
        };
        fake.tasks[uid].outcome = Some(outcome);
    }
    let task = &fake.tasks[uid];
    let answer = task
        .outcome
        .clone()
        .unwrap_or_else(|| json!({"uid": uid, "status": "processing", "error": null}));
    axum::Json(answer).into_response()
}

fn apply(fake: &mut Fake, effect: Effect) {
    match effect {
        Effect::CreateIndex(uid) => {
            fake.indexes.insert(uid, BTreeMap::new());
        }
        Effect::Settings(uid, settings) => {
            fake.settings.insert(uid, settings);
        }
        Effect::AddDocuments(uid, documents) => {
            let index = fake.indexes.entry(uid).or_default();
            for document in documents {
                let id = document["id"].as_str().unwrap().to_owned();
                index.insert(id, document);
            }
        }
    }
}

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

fn text_of(document: &Value, field: &str) -> Vec<String> {
    match &document[field] {
        Value::String(text) => words(text),
        Value::Array(items) => items
            .iter()
            .filter_map(Value::as_str)
            .flat_map(words)
            .collect(),
        _ => Vec::new(),
    }
}

fn search(fake: &Fake, uid: &str, body: &Value) -> Response {
    let Some(documents) = fake.indexes.get(uid) else {
        return error(404, "index_not_found", &format!("Index `{uid}` not found."));
    };
    assert_eq!(
        body["filter"], "listed = true",
        "the only filter the fake knows"
    );
    let query = words(body["q"].as_str().unwrap_or(""));
    let found = |known: &[String]| {
        query.iter().enumerate().all(|(i, word)| {
            known
                .iter()
                .any(|k| k == word || (i + 1 == query.len() && k.starts_with(word.as_str())))
        })
    };
    let mut hits: Vec<(f64, Value)> = documents
        .values()
        .filter(|d| d["listed"] == true)
        .filter_map(|document| {
            let all: Vec<String> = ["title", "tags", "lessons", "summary"]
                .iter()
                .flat_map(|f| text_of(document, f))
                .collect();
            if !found(&all) {
                return None;
            }
            let score = if found(&text_of(document, "title")) {
                1.0
            } else {
                0.5
            };
            Some((score, document.clone()))
        })
        .collect();
    hits.sort_by(|a, b| b.0.total_cmp(&a.0));
    let limit = usize::try_from(body["limit"].as_u64().unwrap_or(20)).unwrap();
    let retrieve: Vec<String> = body["attributesToRetrieve"]
        .as_array()
        .map(|a| a.iter().map(|v| v.as_str().unwrap().to_owned()).collect())
        .unwrap_or_default();
    let hits: Vec<Value> = hits
        .into_iter()
        .take(limit)
        .map(|(score, document)| {
            let mut hit = serde_json::Map::new();
            for field in &retrieve {
                hit.insert(field.clone(), document[field].clone());
            }
            if body["showRankingScore"] == true {
                hit.insert("_rankingScore".into(), json!(score));
            }
            Value::Object(hit)
        })
        .collect();
    axum::Json(json!({"hits": hits, "query": body["q"], "limit": limit, "offset": 0}))
        .into_response()
}
