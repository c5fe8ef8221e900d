//! api-gateway -> identity: what the gateway's real JWKS adapter (`edu_jwt::HttpJwks`) asks
//! identity for and reads from its answer, as a Pact (contracts/pacts/api-gateway-identity.json,
//! verified against the running identity by contracts/tests/provider; ADR 0011).
//!
//! The example key is the public half of the key the tokens below are signed with, so the test
//! proves more than a parse: a token signed by the promised key verifies with what the adapter
//! read. The matchers say what any identity key must look like; the values are examples only.

mod pact;
mod support;

use std::time::Duration;

use api_gateway::adapters::upstream_http;
use edu_jwt::{HttpJwks, KeySource, verify};
use pact::{MockServer, like, regex};
use serde_json::{Value, json};
use support::{USER, now, token_for};

const JWKS: &str = "/.well-known/jwks.json";
/// The key id `support::token_for` signs with.
const KID: &str = "test-key";
/// A P-256 coordinate: 32 bytes in unpadded base64url.
const COORDINATE: &str = "^[A-Za-z0-9_-]{43}$";

/// The signing key's public half as identity publishes its keys (`edu.auth.keys.public_jwk`).
fn example_key() -> Value {
    edu_testing::identity::jwks()["keys"][0].clone()
}

fn identity_pact() -> Value {
    let keys = json!({
        "type": "Synchronous/HTTP",
        "description": "a request for the token-signing keys",
        "request": {"method": "GET", "path": JWKS},
        "response": {
            "status": 200,
            "body": {
                "contentType": "application/json",
                "encoded": false,
                "content": {"keys": [example_key()]},
            },
            "matchingRules": {"body": {
                "$.keys": like(Some(1)),
                "$.keys[*].kty": regex("^EC$"),
                "$.keys[*].crv": regex("^P-256$"),
                "$.keys[*].kid": like(None),
                "$.keys[*].x": regex(COORDINATE),
                "$.keys[*].y": regex(COORDINATE),
                "$.keys[*].alg": regex("^ES256$"),
                "$.keys[*].use": regex("^sig$"),
            }},
        },
    });
    pact::pact("api-gateway", "identity", &[keys])
}

#[tokio::test]
async fn the_jwks_adapter_reads_the_signing_keys_identity_promises() {
    let server = MockServer::start(&identity_pact()).await;
    let adapter = HttpJwks {
        url: server.url(JWKS),
        client: upstream_http::client(Duration::from_secs(2)),
        timeout: Duration::from_secs(3),
    };

    let keys = adapter
        .fetch()
        .await
        .expect("the adapter reads identity's answer");

    assert_eq!(keys.keys().collect::<Vec<_>>(), [KID]);
    let principal = verify(&token_for(USER, 60.0), &keys, now())
        .expect("a token signed with the promised key verifies with the key the adapter read");
    assert_eq!(principal.user_id, USER);
    server.finish().await;
}
