"""The attempts file: every outcome of every test in one layer run, reruns included.

JUnit cannot say it: with pytest-rerunfailures a rerun shows up as a second ``<testcase>``
without a failure, so a test that failed twice reads as passed once. The layer runner points
``EDU_ATTEMPTS_FILE`` at ``.edu/results/<layer>/attempts.jsonl``; the pytest plugin
(:mod:`edu.cli.flaky.pytest_attempts`) and the cargo runner (:mod:`edu.cli.cargo_tests`) write
one JSON line per test and attempt there, and the runner turns them into history records.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from edu.cli.flaky.history import Attempt

ENVIRONMENT_VARIABLE = "EDU_ATTEMPTS_FILE"


def write_attempts(path: Path, attempts: Iterable[Attempt]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "".join(
            json.dumps({"test_id": a.test_id, "outcome": a.outcome, "attempt": a.attempt}) + "\n"
            for a in attempts
        )
    )


def read_attempts(path: Path) -> list[Attempt] | None:
    """The attempts written for this run, or None when nothing wrote the file."""
    try:
        lines = path.read_text().splitlines()
    except OSError:
        return None
    attempts: list[Attempt] = []
    for line in lines:
        try:
            data = json.loads(line)
            attempts.append(
                Attempt(str(data["test_id"]), str(data["outcome"]), int(data["attempt"]))
            )
        except (ValueError, KeyError, TypeError):
            continue
    return attempts
