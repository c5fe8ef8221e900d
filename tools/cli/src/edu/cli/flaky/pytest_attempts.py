"""pytest plugin (``-p edu.cli.flaky.pytest_attempts``): each test's outcome in every attempt.

The layer runner loads it in every pytest layer. It listens on the controlling process (with
xdist the workers' reports arrive there too), counts pytest-rerunfailures' ``rerun`` reports as
failed attempts, and writes the attempts file named by ``EDU_ATTEMPTS_FILE`` at the end of the
session. It imports nothing from pytest, so loading it costs nothing measurable.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Protocol

from edu.cli.flaky.attempts import ENVIRONMENT_VARIABLE, write_attempts
from edu.cli.flaky.history import Attempt


class _Report(Protocol):
    nodeid: str
    when: str
    outcome: str


_tries: dict[str, int] = {}
_outcomes: dict[tuple[str, int], str] = {}


def outcome_of(when: str, outcome: str, previous: str | None) -> str | None:
    """The attempt's outcome after this phase's report, or None when the phase says nothing."""
    if outcome == "rerun":
        return "failed"
    if when == "setup":
        return {"failed": "error", "skipped": "skipped"}.get(outcome)
    if when == "call":
        return outcome
    if when == "teardown" and outcome == "failed" and previous != "failed":
        return "error"
    return None


def pytest_runtest_logreport(report: _Report) -> None:
    attempt = _tries.get(report.nodeid, 0) + 1
    key = (report.nodeid, attempt)
    outcome = outcome_of(report.when, report.outcome, _outcomes.get(key))
    if outcome is not None:
        _outcomes[key] = outcome
    if report.outcome == "rerun":
        _tries[report.nodeid] = attempt


def pytest_sessionfinish(session: object) -> None:
    target = os.environ.get(ENVIRONMENT_VARIABLE)
    config = getattr(session, "config", None)
    if not target or hasattr(config, "workerinput"):  # an xdist worker: the controller writes
        return
    write_attempts(
        Path(target),
        [Attempt(test_id, outcome, attempt) for (test_id, attempt), outcome in _outcomes.items()],
    )
