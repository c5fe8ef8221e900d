"""The flake hunt finds a planted nondeterministic test; reruns list it; an expired entry fails.

A scratch workspace (layers.toml with a `unit` layer over one suite folder) holds a test whose
result changes from one run to the next (it flips a counter kept beside it), a steady test and
nothing else; `edu` runs real pytest processes on it, as in the repository (ADR 0017).
"""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from edu.cli.app import app

LAYERS = """
[layers.unit]
kind = "pytest"
paths = ["suite"]
plugins = ["xdist"]
budget_seconds = 60
triggers = ["pr"]
"""
PLANTED = """
from pathlib import Path

COUNTER = Path(__file__).with_name("runs.txt")


def test_planted_nondeterministic() -> None:
    runs = int(COUNTER.read_text()) if COUNTER.exists() else 0
    COUNTER.write_text(str(runs + 1))
    assert runs % 2 == 0, "fails every other time it runs"


def test_steady() -> None:
    assert True
"""
PLANTED_ID = "suite/test_planted.py::test_planted_nondeterministic"


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "layers.toml").write_text(LAYERS)
    (tmp_path / "pyproject.toml").write_text(
        '[tool.pytest.ini_options]\naddopts = ["-p", "no:randomly", "-p", "no:cacheprovider"]\n'
    )
    (tmp_path / "suite").mkdir()
    (tmp_path / "suite" / "test_planted.py").write_text(PLANTED)
    (tmp_path / ".github").mkdir()
    (tmp_path / ".github" / "CODEOWNERS").write_text("/suite/  @org/quality\n")
    monkeypatch.setenv("EDU_ROOT", str(tmp_path))
    monkeypatch.setenv("EDU_RESULTS_ROOT", str(tmp_path / "results"))
    monkeypatch.delenv("EDU_RERUNS", raising=False)
    return tmp_path


def recorded_tests(workspace: Path) -> list[dict[str, object]]:
    lines = (workspace / "results" / "history.jsonl").read_text().splitlines()
    return [d for d in map(json.loads, lines) if d.get("record") == "test"]


def test_the_flake_hunt_finds_the_planted_test(workspace: Path) -> None:
    result = CliRunner().invoke(app, ["flake-hunt", "--runs", "3", "--seed", "5"])
    assert result.exit_code == 1, result.output
    assert "runs 3 · tests 2 · flips found 1 · failed every run 0" in result.output
    assert f"FLAKY unit {PLANTED_ID}: PFP" in result.output
    assert "| 2 | unit | 2 | 6 | 2 | 1 |" in result.output  # run 2: -n 2, its own seed
    records = recorded_tests(workspace)
    assert len(records) == 6  # two tests, three runs, one attempt each
    assert {r["layer"] for r in records} == {"unit"}
    hunt = json.loads((workspace / "results" / "flake-hunt" / "hunt.json").read_text())
    assert hunt["flaky"] == [PLANTED_ID]


def test_a_steady_suite_passes_the_hunt(workspace: Path) -> None:
    (workspace / "suite" / "test_planted.py").write_text("def test_steady() -> None:\n    pass\n")
    result = CliRunner().invoke(app, ["flake-hunt", "--runs", "2", "--seed", "5"])
    assert result.exit_code == 0, result.output
    assert "runs 2 · tests 1 · flips found 0" in result.output


def test_a_rerun_turns_the_flip_green_but_lists_it(workspace: Path) -> None:
    (workspace / "suite" / "runs.txt").write_text("1")  # the next run fails, the rerun passes
    result = CliRunner().invoke(app, ["test", "unit", "--reruns", "1"])
    assert result.exit_code == 0, result.output
    assert f"FLAKY unit {PLANTED_ID}: failed, then passed on rerun" in result.output
    attempts = [
        (r["outcome"], r["attempt"])
        for r in recorded_tests(workspace)
        if r["test_id"] == PLANTED_ID
    ]
    assert attempts == [("failed", 1), ("passed", 2)]


def test_an_expired_quarantine_entry_fails(workspace: Path) -> None:
    (workspace / "tests").mkdir()
    (workspace / "tests" / "quarantine.toml").write_text(
        f'[[quarantine]]\ntest = "{PLANTED_ID}"\nowner = "@org/quality"\n'
        'reason = "fails every other run"\ndate = 2026-01-01\nexpires = 2026-01-31\n'
    )
    current = CliRunner().invoke(app, ["quarantine", "--today", "2026-01-31"])
    assert current.exit_code == 0, current.output
    assert f"{PLANTED_ID}  owner @org/quality  until 2026-01-31" in current.output
    expired = CliRunner().invoke(app, ["quarantine", "--today", "2026-02-01"])
    assert expired.exit_code == 1
    assert f"quarantine entry '{PLANTED_ID}' (owner @org/quality) expired on 2026-01-31" in (
        expired.output
    )
