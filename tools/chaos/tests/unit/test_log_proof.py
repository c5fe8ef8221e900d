"""The log proof (edu.chaos.actions.require_log_line): a process logged a line after the fault
was injected, counted from where its log reached when the fault-start was marked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from chaoslib.exceptions import InterruptExecution

from edu.chaos.actions import require_log_line
from edu.chaos.target import RUN_DIR_VARIABLE, STACK_VARIABLE, mark, timeline

REFRESH_FAILED = "cannot refresh identity's JWKS"


@pytest.fixture
def gateway_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A stack file whose api-gateway logs to the returned file, and this run's folder."""
    log = tmp_path / "logs" / "api-gateway.log"
    log.parent.mkdir()
    spec = {"name": "api-gateway", "argv": ["api-gateway"], "env": {}, "cwd": str(tmp_path)}
    stack = {
        "folder": str(tmp_path),
        "processes": {"api-gateway": {"pid": 1, "spec": {**spec, "log_path": str(log)}}},
    }
    (tmp_path / "stack.json").write_text(json.dumps(stack))
    monkeypatch.setenv(STACK_VARIABLE, str(tmp_path / "stack.json"))
    monkeypatch.setenv(RUN_DIR_VARIABLE, str(tmp_path / "run"))
    return log


def test_counts_only_what_was_logged_after_the_fault(gateway_log: Path) -> None:
    before = f'{{"message":"{REFRESH_FAILED}; keeping the cached keys"}}\n'
    gateway_log.write_text(before)
    mark("fault-start", fault="identity-down", log_offsets={"api-gateway": len(before)})
    with gateway_log.open("a") as log:
        log.write(before * 2)

    proof = require_log_line("api-gateway", REFRESH_FAILED, minimum=2)

    assert proof["found"] == 2
    assert timeline()[-1]["event"] == "log-proof"


def test_a_line_logged_only_before_the_fault_proves_nothing(gateway_log: Path) -> None:
    gateway_log.write_text(f"{REFRESH_FAILED}\n")
    mark("fault-start", fault="identity-down", log_offsets={"api-gateway": 100})

    with pytest.raises(InterruptExecution, match=r"logged .* 0 time\(s\) since the fault"):
        require_log_line("api-gateway", REFRESH_FAILED)


def test_without_a_fault_there_is_nothing_to_look_for(gateway_log: Path) -> None:
    gateway_log.write_text(f"{REFRESH_FAILED}\n")
    with pytest.raises(InterruptExecution, match="no fault was injected"):
        require_log_line("api-gateway", REFRESH_FAILED)
