//! The `pact-messages` mode every Rust event producer has: `<binary> pact-messages [--state
//! JSON] [--subject-prefix P]` prints, as one JSON object, each message the producer publishes
//! for a provider state, by pact description (`{"contents": ..., "metadata": {"subject": ...}}`).
//! The contract layer's message-pact verifier runs it (contracts/tests). Each producer supplies
//! its own state type and `messages`; the arguments and the output are this module's.

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// The first argument that asks for this mode.
pub const MODE: &str = "pact-messages";

/// The subject prefix when `--subject-prefix` is not given.
pub const DEFAULT_SUBJECT_PREFIX: &str = "events";

/// One message as the verifier reads it: the encoded body and the subject it goes out on.
#[must_use]
pub fn message(contents: &str, subject: &str) -> Value {
    json!({"contents": contents, "metadata": {"subject": subject}})
}

/// Parses the mode's arguments (after `pact-messages`): `--state` (the provider state's params
/// as JSON, into `S`; `S::default()` without it) and `--subject-prefix`; then gives them to
/// `messages` and returns its messages as JSON.
///
/// # Errors
/// An unknown argument, a flag without its value, a `--state` that is not `S`, or what
/// `messages` refuses — each as a sentence for the verifier's log.
pub fn run<S, F>(args: &[String], messages: F) -> Result<String, String>
where
    S: DeserializeOwned + Default,
    F: FnOnce(&S, &str) -> Result<BTreeMap<String, Value>, String>,
{
    let mut state = S::default();
    let mut prefix = DEFAULT_SUBJECT_PREFIX.to_owned();
    let mut rest = args.iter();
    while let Some(flag) = rest.next() {
        let value = rest.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--state" => {
                state = serde_json::from_str(value).map_err(|e| format!("--state: {e}"))?;
            }
            "--subject-prefix" => prefix.clone_from(value),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    let out = messages(&state, &prefix)?;
    serde_json::to_string(&out).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Default, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct State {
        name: Option<String>,
    }

    fn echo(state: &State, prefix: &str) -> Result<BTreeMap<String, Value>, String> {
        let name = state.name.clone().unwrap_or_else(|| "example".into());
        if name.is_empty() {
            return Err("a name cannot be empty".into());
        }
        Ok(BTreeMap::from([(
            "an event".to_owned(),
            message(&name, &format!("{prefix}.thing.happened")),
        )]))
    }

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn the_state_and_prefix_reach_the_producer_and_its_messages_come_back_as_json() {
        let out = run(
            &args(&[
                "--state",
                r#"{"name":"Ada"}"#,
                "--subject-prefix",
                "t1.events",
            ]),
            echo,
        )
        .unwrap();
        let parsed: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(parsed["an event"]["contents"], "Ada");
        assert_eq!(
            parsed["an event"]["metadata"]["subject"],
            "t1.events.thing.happened"
        );
    }

    #[test]
    fn without_arguments_the_default_state_and_prefix() {
        let parsed: Value = serde_json::from_str(&run(&[], echo).unwrap()).unwrap();
        assert_eq!(parsed["an event"]["contents"], "example");
        assert_eq!(
            parsed["an event"]["metadata"]["subject"],
            "events.thing.happened"
        );
    }

    #[test]
    fn bad_arguments_are_refused_with_a_reason() {
        assert_eq!(
            run(&args(&["--state"]), echo).unwrap_err(),
            "--state needs a value"
        );
        assert!(
            run(&args(&["--state", r#"{"nom":1}"#]), echo)
                .unwrap_err()
                .starts_with("--state: unknown field `nom`")
        );
        assert_eq!(
            run(&args(&["--colour", "red"]), echo).unwrap_err(),
            "unknown argument \"--colour\""
        );
        assert_eq!(
            run(&args(&["--state", r#"{"name":""}"#]), echo).unwrap_err(),
            "a name cannot be empty"
        );
    }
}
