"""The pacts across languages, verified like every other (see conftest.py).

Rust consumers: the pact file is written by a Rust test against the Pact mock server, the
provider it names runs for real.

api-gateway -> identity: the gateway's JWKS adapter (services/rs/api-gateway/tests/
identity_pact.rs) reads identity's token-signing keys; no provider state, since identity
always publishes the key it signs with.

A Rust provider: web -> event-ingestion (written by web's Python client,
contracts/tests/consumer/test_web_event_ingestion.py) is replayed against the stack's
event-ingestion binary, built by the stack from this checkout; the state gives the student's
token, its subject as the event's user, a fresh event id and the time now.
"""

from __future__ import annotations

from typing import Any

import pytest


class TestRustConsumers:
    @pytest.mark.pact_pair("api-gateway", "identity")
    def test_identity_honours_api_gateway(self, verify_pact: Any) -> None:
        verify_pact("identity", "api-gateway", states={})


class TestRustProviders:
    @pytest.mark.pact_pair("web", "event-ingestion")
    def test_event_ingestion_honours_web(self, platform: Any, verify_pact: Any) -> None:
        verify_pact("event-ingestion", "web", states={"a signed-in student": platform.student})
