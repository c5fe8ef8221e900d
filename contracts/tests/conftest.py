"""The contract suite's shared fixtures: where pacts live, how a produced pact is compared with
the committed one, and the matrix (consumer x provider x interactions x result) it leaves.

`contracts/pacts/` is the broker: consumer tests write their pact to a temporary folder and
fail when it differs from the committed file; `--update-pacts` rewrites the committed files
(then review the diff and commit it with the consumer change).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pact import Pact

PACTS = Path(__file__).resolve().parents[1] / "pacts"
MATRIX_KEY = pytest.StashKey[dict[tuple[str, str, str], dict[str, Any]]]()

PactCheck = Callable[[Pact], None]
RecordRow = Callable[[str, str, str, int], Callable[[], None]]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-pacts",
        action="store_true",
        help="write the consumer tests' pacts into contracts/pacts/ instead of comparing",
    )
    parser.addoption(
        "--contract-base",
        default=os.environ.get("EDU_CONTRACT_BASE"),
        help="only the consumer/provider pairs the change since this git ref touches "
        "(also $EDU_CONTRACT_BASE); without it, the full matrix",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.stash[MATRIX_KEY] = {}
    config.addinivalue_line(
        "markers", "pact_pair(consumer, provider): the pact a test writes or verifies"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    base = config.getoption("--contract-base")
    touched = touched_parties(changed_files(str(base))) if base else None
    if touched is None:
        return  # the full matrix
    keep: list[pytest.Item] = []
    drop: list[pytest.Item] = []
    for item in items:
        marker = item.get_closest_marker("pact_pair")
        pair = tuple(marker.args) if marker else ()
        (keep if not pair or touched & {*pair, "-".join(pair)} else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def changed_files(base: str) -> list[str]:
    """Files changed since the merge base with ``base``, committed or not, plus untracked ones."""
    root = PACTS.parents[1]
    merge_base = _git(root, "merge-base", base, "HEAD").strip()
    changed = _git(root, "diff", "--name-only", "--no-renames", merge_base)
    untracked = _git(root, "ls-files", "--others", "--exclude-standard")
    return [line for line in (changed + untracked).splitlines() if line]


def _git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=root, capture_output=True, text=True, check=True
    ).stdout


def touched_parties(files: list[str]) -> set[str] | None:
    """Services and pacts (``consumer-provider``) a change touches; None: run every pair.

    A service's folder touches every pair it is part of, a pact file its own pair; prose and
    suites that no pact reads touch none; anything else (a shared library, this suite, the
    lock file) may change any pair, so everything runs.
    """
    touched: set[str] = set()
    for path in files:
        service = re.match(r"services/py/([^/]+)/", path)
        if service:
            touched.add(service[1])
        elif path.startswith("contracts/pacts/") and path.endswith(".json"):
            touched.add(Path(path).stem)
        elif not (path.endswith(".md") or path.startswith(("docs/", "e2e/", "load/", ".github/"))):
            return None
    return touched or None


def normalised(document: dict[str, Any]) -> dict[str, Any]:
    """The pact without what changes with the tool, not the contract.

    The metadata names the pact-python/pact-ffi versions that wrote the file; an upgrade of
    the library must not read as a contract change. Interactions are sorted by description.
    """
    copy = dict(document)
    copy["metadata"] = {"pactSpecification": document["metadata"]["pactSpecification"]}
    copy["interactions"] = sorted(
        document["interactions"], key=lambda i: (i["description"], i["type"])
    )
    return copy


def interaction_count(pact_file: Path) -> int:
    return len(json.loads(pact_file.read_text())["interactions"])


@pytest.fixture
def record_row(request: pytest.FixtureRequest) -> RecordRow:
    """Put a matrix row as failed; call the returned function when the check passed."""
    matrix = request.config.stash[MATRIX_KEY]

    def record(kind: str, consumer: str, provider: str, interactions: int) -> Callable[[], None]:
        row = {
            "kind": kind,
            "consumer": consumer,
            "provider": provider,
            "interactions": interactions,
            "result": "failed",
        }
        matrix[(kind, consumer, provider)] = row

        def passed() -> None:
            row["result"] = "passed"

        return passed

    return record


@pytest.fixture
def pact_check(request: pytest.FixtureRequest, tmp_path: Path, record_row: RecordRow) -> PactCheck:
    update = bool(request.config.getoption("--update-pacts"))

    def check(pact: Pact) -> None:
        pact.write_file(tmp_path, overwrite=True)
        name = f"{pact.consumer}-{pact.provider}.json"
        produced = json.loads((tmp_path / name).read_text())
        passed = record_row(
            "consumer", pact.consumer, pact.provider, interaction_count(tmp_path / name)
        )
        committed = PACTS / name
        if update:
            committed.write_text(json.dumps(normalised(produced), indent=2, sort_keys=True) + "\n")
        assert committed.is_file(), f"{committed} is missing: run `just pacts` and commit it"
        assert normalised(produced) == normalised(json.loads(committed.read_text())), (
            f"the {pact.consumer} tests produce a pact different from the committed {committed}: "
            "if the change is intended, run `just pacts`, verify the provider and commit both"
        )
        passed()

    return check


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    rows = sorted(
        config.stash[MATRIX_KEY].values(), key=lambda r: (r["kind"], r["consumer"], r["provider"])
    )
    if not rows:
        return
    lines = ["| check | consumer | provider | interactions | result |", "|---|---|---|---|---|"]
    lines += [
        f"| {r['kind']} | {r['consumer']} | {r['provider']} | {r['interactions']} | {r['result']} |"
        for r in rows
    ]
    terminalreporter.write_sep("=", "contract matrix")
    for line in lines:
        terminalreporter.write_line(line)
    results = Path(os.environ.get("EDU_RESULTS_DIR", ".edu/results/contract"))
    results.mkdir(parents=True, exist_ok=True)
    (results / "matrix.json").write_text(json.dumps(rows, indent=2) + "\n")
    (results / "matrix.md").write_text("\n".join(lines) + "\n")
