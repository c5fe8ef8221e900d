"""Runs one layer: builds its command, times it against its budget, records the result."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from edu.cli.processes import ProcessRunner, TeeProcessRunner
from edu.cli.registry import WARN_FRACTION, Layer
from edu.cli.results import (
    CaseCounts,
    LayerResult,
    read_junit_cases,
    read_junit_counts,
    write_command_junit,
    write_summary,
)
from edu.common.clock import Clock, SystemClock

PYTEST_NO_TESTS = 5


@dataclass
class LayerRunner:
    root: Path
    results_dir: Path
    processes: ProcessRunner = field(default_factory=TeeProcessRunner)
    clock: Clock = field(default_factory=SystemClock)

    def command_for(self, layer: Layer, junit_path: Path, extra: Sequence[str] = ()) -> list[str]:
        if layer.kind == "pytest":
            paths = layer.expand_paths(self.root)
            return [
                sys.executable, "-m", "pytest", *paths,
                f"--junitxml={junit_path}", "-o", f"junit_suite_name={layer.name}",
                *layer.args, *extra,
            ]  # fmt: skip
        return [*layer.args, *extra]

    def run(self, layer: Layer, extra: Sequence[str] = ()) -> LayerResult:
        layer_dir = self.results_dir / layer.name
        layer_dir.mkdir(parents=True, exist_ok=True)
        junit_path = layer_dir / "junit.xml"
        junit_path.unlink(missing_ok=True)
        log_path = layer_dir / "output.log"
        argv = self.command_for(layer, junit_path, extra)
        started_at = self.clock.now().isoformat(timespec="seconds")

        if layer.kind == "pytest" and not layer.expand_paths(self.root):
            result = LayerResult(
                layer=layer.name, status="no-tests", exit_code=PYTEST_NO_TESTS,
                duration_seconds=0.0, budget_seconds=layer.budget_seconds,
                goal_seconds=layer.goal_seconds, started_at=started_at, command=argv,
                message="none of the layer's test folders exist",
            )  # fmt: skip
            write_summary(self.results_dir, result)
            return result

        env = {**os.environ, "EDU_LAYER": layer.name, "EDU_RESULTS_DIR": str(layer_dir)}
        # The workspace's own tools (edu, pytest, buf, ...) first, even when not activated.
        env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
        began = self.clock.monotonic()
        exit_code = self.processes.run(argv, cwd=self.root, env=env, log_path=log_path)
        duration = self.clock.monotonic() - began

        status, message = judge(layer, exit_code, duration)
        result = LayerResult(
            layer=layer.name, status=status, exit_code=exit_code, duration_seconds=duration,
            budget_seconds=layer.budget_seconds, goal_seconds=layer.goal_seconds,
            started_at=started_at, command=argv, counts=CaseCounts(), message=message,
        )  # fmt: skip
        if layer.kind == "command":
            write_command_junit(junit_path, result, _tail(log_path))
        counts = read_junit_counts(junit_path)
        failed = tuple(
            c.test_id for c in read_junit_cases(junit_path) if c.outcome in ("failed", "error")
        )
        result = LayerResult(**{**result.__dict__, "counts": counts, "failed_tests": failed})
        write_summary(self.results_dir, result)
        return result


def judge(layer: Layer, exit_code: int, duration: float) -> tuple[str, str]:
    """The verdict on one run: failures first, then the budget."""
    budget = layer.budget_seconds
    if layer.kind == "pytest" and exit_code == PYTEST_NO_TESTS:
        return "no-tests", "pytest collected no tests: an empty layer is not a passing layer"
    if exit_code != 0:
        return "failed", f"exit code {exit_code}"
    if duration > budget:
        return "over-budget", f"took {duration:.1f} s, over its {budget:g} s budget"
    if duration >= WARN_FRACTION * budget:
        return (
            "warning",
            f"took {duration:.1f} s, {duration / budget:.0%} of its {budget:g} s budget",
        )
    return "passed", ""


def _tail(path: Path, lines: int = 60) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""
