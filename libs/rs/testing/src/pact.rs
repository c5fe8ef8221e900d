//! Message pacts for the Rust consumers of the platform's events (ADR 0011): search and
//! feed-builder read course's and enrollment's events off JetStream.
//!
//! A message needs no mock server: the consumer's test states each event it expects as a V4
//! `Asynchronous/Messages` interaction — the envelope fields it reads, as protobuf JSON (what
//! `edu.events.encode` writes), with matching rules where the producer's values vary (ids,
//! times, versions) — hands the example's bytes to its real decoder and handler
//! ([`MessagePact::expect`]), asserts what they did, and [`MessagePact::finish`] compares the
//! pact with the committed `contracts/pacts/<consumer>-<provider>.json` after the normalising of
//! `contracts/tests/conftest.py` (metadata other than the specification dropped, interactions
//! sorted). With `EDU_UPDATE_PACTS=1` (`just pacts`) it rewrites the committed file instead, in
//! the layout of `--update-pacts` (sorted keys, two spaces). The layout of an interaction is
//! pact-python's (`upon_receiving(..., "Async")`), so the contract suite verifies these pacts
//! like the Python consumers' (`contracts/tests/provider/test_verify_rust_consumers.py`).

use std::path::{Path, PathBuf};

use serde_json::{Map, Value, json};

/// A UUID in text form, as the services write ids.
pub const UUID: &str = "^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$";
/// An RFC 3339 UTC time as protobuf JSON writes a `Timestamp`.
pub const TIMESTAMP: &str = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$";

/// One matching rule: the value is a string matching `pattern`.
pub fn regex(pattern: &str) -> Value {
    rule(&json!({"match": "regex", "regex": pattern}))
}

/// One matching rule: the value has the example's type (an array: at least `min` items, each
/// like the first).
pub fn like(min: Option<u32>) -> Value {
    match min {
        Some(min) => rule(&json!({"match": "type", "min": min})),
        None => rule(&json!({"match": "type"})),
    }
}

/// One matching rule: the value is an integer (any).
pub fn integer() -> Value {
    rule(&json!({"match": "integer"}))
}

fn rule(matcher: &Value) -> Value {
    json!({"combine": "AND", "matchers": [matcher]})
}

/// One event a consumer reads: `events.<event_type>` carrying `content` (the envelope as
/// protobuf JSON, only what the consumer reads), the provider in `state`.
#[derive(Debug, Clone)]
pub struct Event<'a> {
    pub description: &'a str,
    pub state: &'a str,
    pub event_type: &'a str,
    pub content: Value,
    /// JSON paths below the envelope (`$.version`, `$.course_published.course_id`) and their
    /// rule; a field without one must equal the example.
    pub rules: Vec<(String, Value)>,
}

impl Event<'_> {
    fn interaction(&self) -> Value {
        let rules: Map<String, Value> = self
            .rules
            .iter()
            .map(|(path, rule)| (path.clone(), rule.clone()))
            .collect();
        json!({
            "type": "Asynchronous/Messages",
            "description": self.description,
            "providerStates": [{"name": self.state}],
            "contents": {
                "content": self.content,
                "contentType": "application/json",
                "encoded": false,
            },
            "matchingRules": {"body": rules},
            "metadata": {
                "contentType": "application/json",
                "subject": format!("events.{}", self.event_type),
            },
            "pending": false,
        })
    }
}

/// The pact of one consumer with one producer, filled by the test as it feeds each example.
#[derive(Debug)]
pub struct MessagePact {
    consumer: String,
    provider: String,
    interactions: Vec<Value>,
}

impl MessagePact {
    pub fn new(consumer: &str, provider: &str) -> Self {
        Self {
            consumer: consumer.to_owned(),
            provider: provider.to_owned(),
            interactions: Vec::new(),
        }
    }

    /// Adds the event to the pact; the bytes the consumer must read (the example, serialised).
    pub fn expect(&mut self, event: &Event<'_>) -> Vec<u8> {
        assert!(
            self.interactions
                .iter()
                .all(|i| i["description"] != event.description),
            "two interactions described {:?}",
            event.description
        );
        self.interactions.push(event.interaction());
        serde_json::to_vec(&event.content).expect("an example is JSON")
    }

    /// The pact as a document.
    pub fn document(&self) -> Value {
        json!({
            "consumer": {"name": self.consumer},
            "provider": {"name": self.provider},
            "interactions": self.interactions,
            "metadata": {"pactSpecification": {"version": "4.0"}},
        })
    }

    /// The pact equals the committed one (or, with `EDU_UPDATE_PACTS=1`, replaces it).
    pub fn finish(self) {
        let name = format!("{}-{}.json", self.consumer, self.provider);
        compare_with_committed(&name, &self.document());
    }
}

/// The repository's root (this crate is libs/rs/testing).
pub fn repository_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(3)
        .expect("the crate lies three folders below the repository root")
        .to_path_buf()
}

/// Fails unless `produced` equals the committed `contracts/pacts/<name>` once both are
/// normalised; with `EDU_UPDATE_PACTS=1` it first writes `produced` there.
pub fn compare_with_committed(name: &str, produced: &Value) {
    let committed = repository_root().join("contracts/pacts").join(name);
    if std::env::var_os("EDU_UPDATE_PACTS").is_some_and(|v| v == "1") {
        let text = serde_json::to_string_pretty(&sorted(&normalised(produced))).unwrap();
        std::fs::write(&committed, text + "\n").expect("contracts/pacts/ is writable");
    }
    let Ok(text) = std::fs::read_to_string(&committed) else {
        panic!(
            "{} is missing: run `just pacts` and commit it",
            committed.display()
        );
    };
    let expected = normalised(&serde_json::from_str(&text).expect("the committed pact is JSON"));
    assert!(
        normalised(produced) == expected,
        "the consumer test produces a pact different from the committed {}: if the change is \
         intended, run `just pacts`, verify the provider and commit both\nproduced:\n{}",
        committed.display(),
        serde_json::to_string_pretty(&sorted(&normalised(produced))).unwrap()
    );
}

/// The pact without what changes with the tool (contracts/tests/conftest.py's `normalised`).
pub fn normalised(document: &Value) -> Value {
    let mut copy = document.clone();
    copy["metadata"] = json!({"pactSpecification": document["metadata"]["pactSpecification"]});
    if let Some(interactions) = copy["interactions"].as_array_mut() {
        interactions.sort_by_cached_key(|i| (i["description"].to_string(), i["type"].to_string()));
    }
    copy
}

/// Keys in order at every level, as Python's `json.dumps(sort_keys=True)` writes them.
pub fn sorted(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let ordered: Map<String, Value> = keys
                .into_iter()
                .map(|k| (k.clone(), sorted(&map[k])))
                .collect();
            Value::Object(ordered)
        }
        Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn published() -> Event<'static> {
        Event {
            description: "a course.published event",
            state: "a teacher has published a course with one lesson",
            event_type: "course.published",
            content: json!({"type": "course.published", "version": 3}),
            rules: vec![("$.version".to_owned(), integer())],
        }
    }

    #[test]
    fn an_event_is_a_v4_message_on_its_subject_with_its_state_and_rules() {
        let mut pact = MessagePact::new("search", "course");
        let bytes = pact.expect(&published());
        let document = pact.document();
        let [interaction] = &document["interactions"].as_array().unwrap()[..] else {
            panic!("one interaction");
        };
        assert_eq!(interaction["type"], "Asynchronous/Messages");
        assert_eq!(
            interaction["metadata"]["subject"],
            "events.course.published"
        );
        assert_eq!(
            interaction["providerStates"][0]["name"],
            "a teacher has published a course with one lesson"
        );
        assert_eq!(
            interaction["matchingRules"]["body"]["$.version"]["matchers"][0]["match"],
            "integer"
        );
        let read: Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(&read, &interaction["contents"]["content"]);
    }

    #[test]
    #[should_panic(expected = "two interactions described")]
    fn one_description_is_one_interaction() {
        let mut pact = MessagePact::new("search", "course");
        pact.expect(&published());
        pact.expect(&published());
    }

    #[test]
    fn normalising_sorts_interactions_and_keeps_only_the_specification() {
        let document = json!({
            "interactions": [{"description": "b", "type": "t"}, {"description": "a", "type": "t"}],
            "metadata": {"pactSpecification": {"version": "4.0"}, "pactRust": {"ffi": "0.4"}},
        });
        let normal = normalised(&document);
        assert_eq!(normal["interactions"][0]["description"], "a");
        assert_eq!(
            normal["metadata"],
            json!({"pactSpecification": {"version": "4.0"}})
        );
    }
}
