"""The verification can fail: a state that cannot be set up, and an expectation the provider
cannot meet, each fail it (a silent pass would make every green row of the matrix worthless).
The probe pacts are written to a temporary folder; the committed ones stay untouched."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pact import Pact, match

JSON = "application/json"
ADA = "a student ada@example.com with password 'correct horse battery'"


def probe_pact(folder: Path, state: str, response: dict[str, Any]) -> Path:
    """web-probe -> identity: one log-in, answered with ``response``."""
    pact = Pact("web-probe", "identity").with_specification("V4")
    (
        pact.upon_receiving("a log-in")
        .given(state)
        .with_request("POST", "/auth/login")
        .with_body({"email": "ada@example.com", "password": "correct horse battery"}, JSON)
        .will_respond_with(200)
        .with_body(response, JSON)
    )
    pact.write_file(folder, overwrite=True)
    return folder / "web-probe-identity.json"


def cannot_be_set_up() -> None:
    raise RuntimeError("the database refused the student")


@pytest.mark.pact_pair("web", "identity")
class TestVerificationFails:
    def test_a_state_that_fails_to_set_up_fails_the_verification(
        self, platform: Any, verify_pact: Any, tmp_path: Path
    ) -> None:
        platform.sign_up("ada@example.com")  # so only the state handler is wrong
        pact = probe_pact(tmp_path, ADA, {"access_token": match.str("t")})
        with pytest.raises(AssertionError, match="database refused the student"):
            verify_pact("identity", "web-probe", pact=pact, states={ADA: cannot_be_set_up})

    def test_an_expectation_the_provider_cannot_meet_fails_the_verification(
        self, platform: Any, verify_pact: Any, tmp_path: Path
    ) -> None:
        response = {"access_token": match.str("t"), "nickname": match.str("ada")}
        pact = probe_pact(tmp_path, ADA, response)
        states = {ADA: lambda: platform.sign_up("ada@example.com")}
        with pytest.raises(AssertionError, match="nickname"):
            verify_pact("identity", "web-probe", pact=pact, states=states)

    def test_a_state_without_a_setup_fails_the_verification(
        self, verify_pact: Any, tmp_path: Path
    ) -> None:
        pact = probe_pact(tmp_path, "a state nobody wrote a setup for", {})
        with pytest.raises(AssertionError, match="nobody wrote a setup for"):
            verify_pact("identity", "web-probe", pact=pact, states={})
