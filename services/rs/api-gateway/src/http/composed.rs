//! `/openapi/composed.json`: one OpenAPI document for everything the gateway serves, made from
//! each upstream's own `/openapi.json` — only the paths the gateway routes to that upstream,
//! each path item naming that upstream in `x-edu-service`, schemas and security schemes merged
//! (a name two services use for different shapes is prefixed with the service's name and its
//! references rewritten), and every forwarded operation documenting the answers the gateway
//! itself may give (401, 413, 429, 431, 502, 503, 504) with the gateway's own problem schema
//! (`GatewayProblem`). Fuzzing through the gateway checks against it (tools/fuzz: each
//! service's run takes the paths of its `x-edu-service`). Rebuilt at most once a minute.

use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use serde_json::{Map, Value, json};

use crate::http::Gateway;

const CACHE_FOR: Duration = Duration::from_mins(1);
/// The path item extension naming the upstream that answers the path.
pub const SERVICE_EXTENSION: &str = "x-edu-service";
/// The gateway's own problem schemas, under names no service uses.
const GATEWAY_SCHEMAS: [(&str, &str); 2] = [
    ("Problem", "GatewayProblem"),
    ("FieldProblem", "GatewayFieldProblem"),
];
const SCHEMAS: &str = "#/components/schemas/";
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
    let mut schemas = gateway_schemas();
    let mut security_schemes = Map::new();
    for (service, spec) in specs {
        let mut spec = spec.clone();
        security_on_operations(&mut spec);
        merge_components(&mut spec, service, "schemas", &mut schemas, rename_refs);
        merge_components(
            &mut spec,
            service,
            "securitySchemes",
            &mut security_schemes,
            rename_scheme,
        );
        for (path, item) in spec["paths"].as_object().cloned().unwrap_or_default() {
            if owned(service, &path) {
                let mut item = with_gateway_answers(item);
                if let Some(item) = item.as_object_mut() {
                    item.insert(SERVICE_EXTENSION.to_owned(), json!(service));
                }
                paths.insert(path, item);
            }
        }
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "eduplatform through the api-gateway",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Every route the gateway forwards, composed from the services' own documents; each path's x-edu-service names the service that answers it."
        },
        "paths": paths,
        "components": {"schemas": schemas, "securitySchemes": security_schemes},
    })
}

/// Moves `spec`'s document-wide `security` onto each of its operations without their own:
/// the composed document has no document-wide requirement (another service's paths share it).
fn security_on_operations(spec: &mut Value) {
    let Some(security) = spec.as_object_mut().and_then(|s| s.remove("security")) else {
        return;
    };
    for item in spec["paths"]
        .as_object_mut()
        .into_iter()
        .flat_map(|p| p.values_mut())
    {
        for (key, operation) in item.as_object_mut().into_iter().flatten() {
            if HTTP_METHODS.contains(&key.as_str())
                && let Some(operation) = operation.as_object_mut()
            {
                operation
                    .entry("security")
                    .or_insert_with(|| security.clone());
            }
        }
    }
}

const HTTP_METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Adds `spec`'s `components.<section>` to `kept`. Every entry whose shape differs from the
/// one already kept under its name is renamed `<service>_<name>` (`rename` rewrites what
/// refers to it); a rename can make another entry differ: repeat.
fn merge_components(
    spec: &mut Value,
    service: &str,
    section: &str,
    kept: &mut Map<String, Value>,
    rename: fn(&mut Value, &str, &str),
) {
    loop {
        let own = spec["components"][section]
            .as_object()
            .cloned()
            .unwrap_or_default();
        let clash = own
            .iter()
            .find(|(name, entry)| kept.get(*name).is_some_and(|k| !same(section, k, entry)));
        let Some((name, _)) = clash else {
            for (name, entry) in own {
                kept.entry(name).or_insert(entry);
            }
            return;
        };
        let renamed = format!("{service}_{name}");
        rename(spec, &name.clone(), &renamed);
    }
}

/// Security schemes that differ only in their description are the same scheme.
fn same(section: &str, kept: &Value, other: &Value) -> bool {
    if section != "securitySchemes" {
        return kept == other;
    }
    let without = |value: &Value| {
        let mut value = value.clone();
        if let Some(map) = value.as_object_mut() {
            map.remove("description");
        }
        value
    };
    without(kept) == without(other)
}

/// The gateway's own problem schemas (from its OpenAPI document), under their composed names.
fn gateway_schemas() -> Map<String, Value> {
    let own =
        serde_json::to_value(<crate::http::openapi::GatewayApi as utoipa::OpenApi>::openapi())
            .unwrap_or_default();
    let mut schemas = Map::new();
    for (name, composed_name) in GATEWAY_SCHEMAS {
        let mut schema = own["components"]["schemas"][name].clone();
        for (from, to) in GATEWAY_SCHEMAS {
            rename_refs(&mut schema, from, to);
        }
        schemas.insert(composed_name.to_owned(), schema);
    }
    schemas
}

fn rename_refs(value: &mut Value, from: &str, to: &str) {
    let old = format!("{SCHEMAS}{from}");
    match value {
        Value::Object(map) => {
            for (key, inner) in map.iter_mut() {
                if key == "$ref" && inner.as_str() == Some(old.as_str()) {
                    *inner = Value::String(format!("{SCHEMAS}{to}"));
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

/// Renames security scheme `from` to `to` in `spec`'s components and in every operation's
/// security requirements (they name schemes, not references).
fn rename_scheme(spec: &mut Value, from: &str, to: &str) {
    if let Some(schemes) = spec["components"]["securitySchemes"].as_object_mut()
        && let Some(scheme) = schemes.remove(from)
    {
        schemes.insert(to.to_owned(), scheme);
    }
    for item in spec["paths"]
        .as_object_mut()
        .into_iter()
        .flat_map(|p| p.values_mut())
    {
        for operation in item
            .as_object_mut()
            .into_iter()
            .flat_map(|i| i.values_mut())
        {
            let requirements = operation.get_mut("security").and_then(Value::as_array_mut);
            for requirement in requirements.into_iter().flatten() {
                if let Some(requirement) = requirement.as_object_mut()
                    && let Some(scopes) = requirement.remove(from)
                {
                    requirement.insert(to.to_owned(), scopes);
                }
            }
        }
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
                            "schema": {"$ref": format!("{SCHEMAS}GatewayProblem")}
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
        let problem = &responses["429"]["content"]["application/problem+json"]["schema"]["$ref"];
        assert_eq!(problem, "#/components/schemas/GatewayProblem");
        let schemas = &document["components"]["schemas"];
        let errors = &schemas["GatewayProblem"]["properties"]["errors"]["items"]["$ref"];
        assert_eq!(errors, "#/components/schemas/GatewayFieldProblem");
        assert!(schemas["GatewayFieldProblem"]["properties"]["field"].is_object());
    }

    #[test]
    fn each_path_names_the_service_that_answers_it() {
        let specs = vec![
            ("course".to_owned(), spec("/courses", "Page", "object")),
            (
                "notifications".to_owned(),
                spec("/notifications", "Page", "object"),
            ),
        ];
        let document = compose(&specs, |_, path| path != "/health");
        assert_eq!(document["paths"]["/courses"][SERVICE_EXTENSION], "course");
        assert_eq!(
            document["paths"]["/notifications"][SERVICE_EXTENSION],
            "notifications"
        );
    }

    fn secured(path: &str, scheme: &Value, document_wide: bool) -> Value {
        let requirement = json!([{"Bearer": []}]);
        let mut operation = json!({"responses": {"200": {}}});
        let mut spec = json!({
            "paths": {path: {"get": {}}},
            "components": {"securitySchemes": {"Bearer": scheme}}
        });
        if document_wide {
            spec["security"] = requirement;
        } else {
            operation["security"] = requirement;
        }
        spec["paths"][path]["get"] = operation;
        spec
    }

    #[test]
    fn security_schemes_are_merged_and_a_different_one_of_the_same_name_renamed() {
        let bearer = |description: &str| json!({"type": "http", "scheme": "bearer", "description": description});
        let specs = vec![
            (
                "course".to_owned(),
                secured("/courses", &bearer("from identity"), false),
            ),
            (
                "identity".to_owned(),
                secured("/me", &bearer("from /auth/login"), true),
            ),
            (
                "odd".to_owned(),
                secured(
                    "/odd",
                    &json!({"type": "apiKey", "in": "header", "name": "K"}),
                    false,
                ),
            ),
        ];
        let document = compose(&specs, |_, _| true);
        let schemes = document["components"]["securitySchemes"]
            .as_object()
            .unwrap();
        assert_eq!(
            schemes.keys().collect::<Vec<_>>(),
            ["Bearer", "odd_Bearer"],
            "a description alone does not make another scheme"
        );
        assert_eq!(
            document["paths"]["/courses"]["get"]["security"],
            json!([{"Bearer": []}])
        );
        assert_eq!(
            document["paths"]["/me"]["get"]["security"],
            json!([{"Bearer": []}]),
            "a document-wide requirement moves onto the operations"
        );
        assert_eq!(
            document["paths"]["/odd"]["get"]["security"],
            json!([{"odd_Bearer": []}])
        );
        assert!(document.get("security").is_none());
    }
}

#[cfg(test)]
mod real_specs {
    use super::*;
    use crate::domain::routing::{DEFAULT_ROUTES, parse_routes};

    const SPECS: [(&str, &str); 11] = [
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
        (
            "event-ingestion",
            include_str!("../../../../../contracts/openapi/event-ingestion.json"),
        ),
        (
            "analytics-api",
            include_str!("../../../../../contracts/openapi/analytics-api.json"),
        ),
        (
            "certificate-generator",
            include_str!("../../../../../contracts/openapi/certificate-generator.json"),
        ),
        (
            "search",
            include_str!("../../../../../contracts/openapi/search.json"),
        ),
        (
            "moderation",
            include_str!("../../../../../contracts/openapi/moderation.json"),
        ),
        (
            "messaging",
            include_str!("../../../../../contracts/openapi/messaging.json"),
        ),
        (
            "teacher-tools",
            include_str!("../../../../../contracts/openapi/teacher-tools.json"),
        ),
    ];

    /// Each service's own operational endpoints, never routed through the gateway.
    const OWN: [&str; 2] = ["/health", "/ready"];

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
                if !OWN.contains(&path.as_str()) {
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
        let security_schemes = document["components"]["securitySchemes"]
            .as_object()
            .unwrap();
        let mut secured = 0;
        for (path, item) in document["paths"].as_object().unwrap() {
            assert!(
                item[SERVICE_EXTENSION].is_string(),
                "{path} names no service"
            );
            for (method, operation) in item.as_object().unwrap() {
                for requirement in operation["security"].as_array().into_iter().flatten() {
                    for scheme in requirement.as_object().unwrap().keys() {
                        secured += 1;
                        assert!(
                            security_schemes.contains_key(scheme),
                            "{method} {path}: no security scheme {scheme}"
                        );
                    }
                }
            }
        }
        assert!(
            secured > 0,
            "the services' documents declare no security at all"
        );
    }
}
