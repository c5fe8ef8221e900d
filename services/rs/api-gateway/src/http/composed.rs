//! `/openapi/composed.json`: one OpenAPI document for everything the gateway serves, made from
//! each upstream's own `/openapi.json` — only the paths the gateway routes to that upstream,
//! schemas merged (a name two services use for different shapes is prefixed with the service's
//! name and its references rewritten), and every forwarded operation documenting the answers
//! the gateway itself may give (401, 413, 429, 431, 502, 503, 504). Fuzzing through the
//! gateway checks against it. Rebuilt at most once a minute.

use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use serde_json::{Map, Value, json};

use crate::http::Gateway;

const CACHE_FOR: Duration = Duration::from_mins(1);
const GATEWAY_ANSWERS: [(&str, &str); 7] = [
    (
        "401",
        "The access token is not valid (checked at the gateway).",
    ),
    ("413", "The request body is over the gateway's limit."),
    (
        "429",
        "A rate limit of the gateway; see Retry-After and RateLimit-*.",
    ),
    ("431", "The request headers are over the gateway's limit."),
    ("502", "The service could not be reached."),
    (
        "503",
        "The service's circuit is open, or signing in is paused; see Retry-After.",
    ),
    ("504", "The service did not answer in time."),
];

async fn fetch(gateway: &Gateway, base: &str) -> Result<Value, String> {
    let url = format!("{base}/openapi.json");
    let uri: axum::http::Uri = url.parse().map_err(|_| format!("{url} is not a URL"))?;
    let request = axum::http::Request::get(uri)
        .body(Full::new(Bytes::new()))
        .map_err(|e| e.to_string())?;
    let response = tokio::time::timeout(Duration::from_secs(3), gateway.client.request(request))
        .await
        .map_err(|_| format!("{url}: no answer within 3 s"))?
        .map_err(|e| format!("{url}: {e}"))?;
    let body = response
        .into_body()
        .collect()
        .await
        .map_err(|e| e.to_string())?
        .to_bytes();
    serde_json::from_slice(&body).map_err(|e| format!("{url}: {e}"))
}

/// The composed document, from the cache when it is younger than a minute.
pub async fn composed(gateway: &Gateway) -> Result<Value, String> {
    let mut cache = gateway.composed_cache.lock().await;
    if let Some((at, document)) = cache.as_ref()
        && at.elapsed() < CACHE_FOR
    {
        return Ok(document.clone());
    }
    let mut specs = Vec::new();
    for (name, upstream) in &gateway.upstreams {
        specs.push((name.clone(), fetch(gateway, &upstream.base).await?));
    }
    specs.sort_by(|a, b| a.0.cmp(&b.0));
    let owned = |upstream: &str, path: &str| {
        gateway
            .route_for(path)
            .is_some_and(|route| route.upstream == upstream)
    };
    let document = compose(&specs, owned);
    *cache = Some((Instant::now(), document.clone()));
    Ok(document)
}

/// Merges `specs` (service name, its document), keeping the paths `owned` says it serves.
pub fn compose(specs: &[(String, Value)], owned: impl Fn(&str, &str) -> bool) -> Value {
    let mut paths = Map::new();
    let mut schemas = Map::new();
    for (service, spec) in specs {
        let mut spec = spec.clone();
        // Rename every schema whose shape differs from the one already kept under its name;
        // a rename rewrites references, which can make another schema differ: repeat.
        loop {
            let own = spec["components"]["schemas"]
                .as_object()
                .cloned()
                .unwrap_or_default();
            let clash = own
                .iter()
                .find(|(name, schema)| schemas.get(*name).is_some_and(|kept| kept != *schema));
            let Some((name, _)) = clash else {
                for (name, schema) in own {
                    schemas.entry(name).or_insert(schema);
                }
                break;
            };
            let renamed = format!("{service}_{name}");
            rename_refs(&mut spec, &name.clone(), &renamed);
        }
        for (path, item) in spec["paths"].as_object().cloned().unwrap_or_default() {
            if owned(service, &path) {
                paths.insert(path, with_gateway_answers(item));
            }
        }
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "eduplatform through the api-gateway",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Every route the gateway forwards, composed from the services' own documents."
        },
        "paths": paths,
        "components": {"schemas": schemas},
    })
}

fn rename_refs(value: &mut Value, from: &str, to: &str) {
    let old = format!("#/components/schemas/{from}");
    match value {
        Value::Object(map) => {
            for (key, inner) in map.iter_mut() {
                if key == "$ref" && inner.as_str() == Some(old.as_str()) {
                    *inner = Value::String(format!("#/components/schemas/{to}"));
                } else {
                    rename_refs(inner, from, to);
                }
            }
            if let Some(Value::Object(schemas)) = map.get_mut("schemas")
                && let Some(schema) = schemas.remove(from)
            {
                schemas.insert(to.to_owned(), schema);
            }
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|item| rename_refs(item, from, to)),
        _ => {}
    }
}

fn with_gateway_answers(mut item: Value) -> Value {
    if let Some(operations) = item.as_object_mut() {
        for operation in operations.values_mut() {
            let Some(responses) = operation
                .get_mut("responses")
                .and_then(Value::as_object_mut)
            else {
                continue;
            };
            for (status, description) in GATEWAY_ANSWERS {
                responses.entry(status).or_insert_with(|| {
                    json!({
                        "description": description,
                        "content": {"application/problem+json": {
                            "schema": {"$ref": "#/components/schemas/Problem"}
                        }}
                    })
                });
            }
        }
    }
    item
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(path: &str, schema: &str, shape: &str) -> Value {
        json!({
            "paths": {path: {"get": {"responses": {"200": {"content": {"application/json": {
                "schema": {"$ref": format!("#/components/schemas/{schema}")}}}}}}},
                "/health": {"get": {"responses": {"200": {}}}}},
            "components": {"schemas": {
                schema: {"type": shape},
                "Problem": {"type": "object"}
            }}
        })
    }

    #[test]
    fn keeps_only_routed_paths_and_renames_clashing_schemas() {
        let specs = vec![
            ("course".to_owned(), spec("/courses", "Page", "object")),
            (
                "notifications".to_owned(),
                spec("/notifications", "Page", "array"),
            ),
        ];
        let document = compose(&specs, |service, path| {
            (service, path) == ("course", "/courses")
                || (service, path) == ("notifications", "/notifications")
        });
        let paths = document["paths"].as_object().unwrap();
        assert_eq!(
            paths.keys().collect::<Vec<_>>(),
            ["/courses", "/notifications"]
        );
        let schemas = &document["components"]["schemas"];
        assert_eq!(schemas["Page"]["type"], "object");
        assert_eq!(schemas["notifications_Page"]["type"], "array");
        let reference = &document["paths"]["/notifications"]["get"]["responses"]["200"]["content"]
            ["application/json"]["schema"]["$ref"];
        assert_eq!(reference, "#/components/schemas/notifications_Page");
        assert!(schemas["Problem"].is_object());
    }

    #[test]
    fn every_forwarded_operation_documents_the_gateways_own_answers() {
        let specs = vec![("course".to_owned(), spec("/courses", "Page", "object"))];
        let document = compose(&specs, |_, path| path == "/courses");
        let responses = document["paths"]["/courses"]["get"]["responses"]
            .as_object()
            .unwrap();
        for status in ["200", "401", "413", "429", "431", "502", "503", "504"] {
            assert!(responses.contains_key(status), "{status}");
        }
    }
}

#[cfg(test)]
mod real_specs {
    use super::*;
    use crate::domain::routing::{DEFAULT_ROUTES, parse_routes};

    const SPECS: [(&str, &str); 4] = [
        (
            "identity",
            include_str!("../../../../../contracts/openapi/identity.json"),
        ),
        (
            "course",
            include_str!("../../../../../contracts/openapi/course.json"),
        ),
        (
            "enrollment",
            include_str!("../../../../../contracts/openapi/enrollment.json"),
        ),
        (
            "notifications",
            include_str!("../../../../../contracts/openapi/notifications.json"),
        ),
    ];

    fn refs(value: &Value, found: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                for (key, inner) in map {
                    match (key.as_str(), inner.as_str()) {
                        ("$ref", Some(target)) => found.push(target.to_owned()),
                        _ => refs(inner, found),
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|item| refs(item, found)),
            _ => {}
        }
    }

    #[test]
    fn the_services_committed_specs_compose_with_every_reference_resolved() {
        let routes = parse_routes(DEFAULT_ROUTES);
        let specs: Vec<(String, Value)> = SPECS
            .iter()
            .map(|(name, text)| ((*name).to_owned(), serde_json::from_str(text).unwrap()))
            .collect();
        let owned = |service: &str, path: &str| {
            routes
                .iter()
                .find(|r| path == r.prefix || path.starts_with(&format!("{}/", r.prefix)))
                .is_some_and(|r| r.upstream == service)
        };
        let document = compose(&specs, owned);
        let mut expected = 0;
        for (service, spec) in &specs {
            for path in spec["paths"].as_object().unwrap().keys() {
                if path != "/health" {
                    expected += 1;
                    assert!(
                        document["paths"].get(path).is_some(),
                        "{service} {path} is missing"
                    );
                }
            }
        }
        assert_eq!(document["paths"].as_object().unwrap().len(), expected);
        let mut found = Vec::new();
        refs(&document, &mut found);
        let schemas = document["components"]["schemas"].as_object().unwrap();
        for target in found {
            let name = target.trim_start_matches("#/components/schemas/");
            assert!(schemas.contains_key(name), "{target} does not resolve");
        }
    }
}
