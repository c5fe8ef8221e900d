"""The pacts of the Rust consumers, verified like every other (see conftest.py): the pact file is
written by a Rust test against the Pact mock server, the provider it names runs for real.

api-gateway -> identity: the gateway's JWKS adapter (services/rs/api-gateway/tests/
identity_pact.rs) reads identity's token-signing keys; no provider state, since identity
always publishes the key it signs with.
"""

from __future__ import annotations

from typing import Any

import pytest


class TestRustConsumers:
    @pytest.mark.pact_pair("api-gateway", "identity")
    def test_identity_honours_api_gateway(self, verify_pact: Any) -> None:
        verify_pact("identity", "api-gateway", states={})
