import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

from edu.cli.registry import Layer
from edu.cli.runner import LayerRunner
from edu.common.clock import FakeClock


class FakeProcessRunner:
    """Pretends to run commands: each takes ``seconds`` on the fake clock and exits ``code``."""

    def __init__(self, clock: FakeClock, seconds: float, code: int = 0) -> None:
        self.clock = clock
        self.seconds = seconds
        self.code = code
        self.ran: list[list[str]] = []

    def run(self, argv: Sequence[str], *, cwd: Path, env: Mapping[str, str], log_path: Path) -> int:
        self.ran.append(list(argv))
        log_path.parent.mkdir(parents=True, exist_ok=True)
        log_path.write_text(f"ran {' '.join(argv)}\n")
        self.clock.advance(self.seconds)
        return self.code


def make_layer(kind: str = "command", budget: float = 10.0, **kw: object) -> Layer:
    defaults: dict[str, object] = {
        "name": "demo",
        "description": "a demo layer",
        "kind": kind,
        "paths": ("suite",) if kind == "pytest" else (),
        "args": ("true",) if kind == "command" else (),
        "budget_seconds": budget,
        "goal_seconds": None,
        "triggers": ("pr",),
        "needs": (),
    }
    defaults.update(kw)
    return Layer(**defaults)  # type: ignore[arg-type]


def runner_with(
    tmp_path: Path, seconds: float, code: int = 0
) -> tuple[LayerRunner, FakeProcessRunner]:
    clock = FakeClock()
    processes = FakeProcessRunner(clock, seconds, code)
    return LayerRunner(tmp_path, tmp_path / "results", processes, clock), processes


class TestBudgets:
    def test_fails_a_layer_that_exceeds_its_budget(self, tmp_path: Path) -> None:
        runner, _ = runner_with(tmp_path, seconds=12.5)
        result = runner.run(make_layer(budget=10))
        assert result.status == "over-budget"
        assert not result.ok
        assert "over its 10 s budget" in result.message

    def test_warns_at_eighty_percent_of_the_budget(self, tmp_path: Path) -> None:
        runner, _ = runner_with(tmp_path, seconds=8.0)
        result = runner.run(make_layer(budget=10))
        assert result.status == "warning"
        assert result.ok

    def test_passes_quietly_below_eighty_percent(self, tmp_path: Path) -> None:
        runner, _ = runner_with(tmp_path, seconds=7.9)
        assert runner.run(make_layer(budget=10)).status == "passed"

    def test_a_failing_command_fails_even_inside_its_budget(self, tmp_path: Path) -> None:
        runner, _ = runner_with(tmp_path, seconds=1, code=3)
        result = runner.run(make_layer())
        assert result.status == "failed"
        assert result.exit_code == 3


class TestPytestLayers:
    def test_an_empty_test_run_is_not_a_pass(self, tmp_path: Path) -> None:
        (tmp_path / "suite").mkdir()
        runner, _ = runner_with(tmp_path, seconds=1, code=5)
        assert runner.run(make_layer(kind="pytest")).status == "no-tests"

    def test_a_layer_whose_folders_do_not_exist_is_not_a_pass(self, tmp_path: Path) -> None:
        runner, processes = runner_with(tmp_path, seconds=1)
        result = runner.run(make_layer(kind="pytest", paths=("missing/*/tests",)))
        assert result.status == "no-tests"
        assert processes.ran == []

    def test_runs_pytest_on_the_expanded_folders_with_junit_output(self, tmp_path: Path) -> None:
        for name in ("b", "a"):
            (tmp_path / "pkgs" / name / "tests").mkdir(parents=True)
        runner, processes = runner_with(tmp_path, seconds=1)
        runner.run(make_layer(kind="pytest", paths=("pkgs/*/tests",)), extra=["-k", "x"])
        argv = processes.ran[0]
        assert argv[1:3] == ["-m", "pytest"]
        assert argv[3:5] == ["pkgs/a/tests", "pkgs/b/tests"]
        assert any(a.startswith("--junitxml=") for a in argv)
        assert argv[-2:] == ["-k", "x"]


class TestResults:
    def test_writes_a_json_summary_and_a_history_line(self, tmp_path: Path) -> None:
        runner, _ = runner_with(tmp_path, seconds=2)
        runner.run(make_layer(budget=4))
        summary = json.loads((tmp_path / "results" / "demo" / "summary.json").read_text())
        assert summary["status"] == "passed"
        assert summary["duration_seconds"] == pytest.approx(2)
        assert summary["budget_fraction"] == pytest.approx(0.5)
        history = (tmp_path / "results" / "history.jsonl").read_text().splitlines()
        assert len(history) == 1

    def test_a_command_layer_gets_junit_with_its_failure(self, tmp_path: Path) -> None:
        runner, _ = runner_with(tmp_path, seconds=1, code=1)
        result = runner.run(make_layer())
        junit = (tmp_path / "results" / "demo" / "junit.xml").read_text()
        assert 'failures="1"' in junit
        assert result.counts.total == 1
        assert result.counts.failures == 1


def test_a_real_slow_command_is_failed_for_its_budget(tmp_path: Path) -> None:
    """The real clock and a real process: a 0.3 s sleep cannot fit a 0.05 s budget."""
    runner = LayerRunner(tmp_path, tmp_path / "results")
    slow = make_layer(args=(sys.executable, "-c", "import time; time.sleep(0.3)"), budget=0.05)
    result = runner.run(slow)
    assert result.exit_code == 0
    assert result.status == "over-budget"
    assert result.duration_seconds >= 0.3
