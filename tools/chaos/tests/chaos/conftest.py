"""The chaos layer: one stack for the session (edu.chaos.stack), each experiment a `chaos run`.

Journals, each run's timeline and load records, and the stack's logs are kept under the
layer's results folder (.edu/results/chaos/), which CI uploads.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from edu.chaos.journal import table
from edu.chaos.stack import chaos_stack
from edu.chaos.target import Target
from edu.cli.dev import workspace_members
from edu.cli.workspace import find_root
from edu.infra.isolated_stack import stack_folder


def results_dir() -> Path:
    return Path(os.environ.get("EDU_RESULTS_DIR", ".edu/results/chaos")).resolve()


@pytest.fixture(scope="session")
def results() -> Path:
    folder = results_dir()
    for old in ("journals", "runs", "summaries"):
        shutil.rmtree(folder / old, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="session")
def chaos_target(results: Path) -> Iterator[Target]:
    root = find_root()
    with stack_folder("edu-chaos-") as folder:  # not under pytest's basetemp: see stack_folder
        try:
            with chaos_stack(
                root, workspace_members(root), folder, say=lambda line: None
            ) as target:
                yield target
        finally:
            if (folder / "logs").is_dir():
                shutil.copytree(folder / "logs", results / "stack-logs", dirs_exist_ok=True)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    folder = results_dir() / "summaries"
    if not folder.is_dir():
        return
    summaries = {p.stem: json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))}
    if summaries:
        terminalreporter.write_sep("-", "chaos experiments")
        terminalreporter.write_line(table(summaries))
