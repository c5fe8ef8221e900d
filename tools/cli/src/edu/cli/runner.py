"""Runs one layer: builds its command, times it against its budget, records the result."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from edu.cli.gauges import MachineGauges, SystemGauges
from edu.cli.processes import ProcessRunner, TeeProcessRunner
from edu.cli.registry import WARN_FRACTION, Layer
from edu.cli.results import (
    CaseCounts,
    LayerResult,
    LayerStatus,
    machine_note,
    read_junit_cases,
    write_command_junit,
    write_summary,
)
from edu.cli.test_selection import narrow_to_paths
from edu.common.clock import Clock, SystemClock

PYTEST_NO_TESTS = 5


@dataclass
class LayerRunner:
    root: Path
    results_dir: Path
    processes: ProcessRunner = field(default_factory=TeeProcessRunner)
    clock: Clock = field(default_factory=SystemClock)
    gauges: MachineGauges = field(default_factory=SystemGauges)

    def command_for(self, layer: Layer, junit_path: Path, extra: Sequence[str] = ()) -> list[str]:
        if layer.kind == "pytest":
            paths, extra = narrow_to_paths(self.root, layer.expand_paths(self.root), extra)
            return [
                sys.executable,
                "-m",
                "pytest",
                *paths,
                f"--junitxml={junit_path}",
                "-o",
                f"junit_suite_name={layer.name}",
                *layer.plugin_arguments(),
                *layer.args,
                *extra,
            ]
        if layer.kind == "cargo":
            # `-p CRATE` from `edu affected` narrows the run; cargo wants no --workspace then.
            args = _narrowed_cargo_args(layer.args, extra)
            return [
                sys.executable,
                "-m",
                "edu.cli.cargo_tests",
                f"--junit={junit_path}",
                f"--layer={layer.name}",
                f"--needs={','.join(layer.needs)}",
                "--",
                *args,
                *extra,
            ]
        return [*layer.args, *extra]

    def environment_for(self, layer: Layer, layer_dir: Path) -> dict[str, str]:
        env = {**os.environ, "EDU_LAYER": layer.name, "EDU_RESULTS_DIR": str(layer_dir)}
        # The workspace's own tools (edu, pytest, buf, ...) first, even when not activated.
        env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
        env.update(layer.plugin_environment())
        return env

    def run(self, layer: Layer, extra: Sequence[str] = ()) -> LayerResult:
        layer_dir = self.results_dir / layer.name
        layer_dir.mkdir(parents=True, exist_ok=True)
        junit_path = layer_dir / "junit.xml"
        junit_path.unlink(missing_ok=True)
        log_path = layer_dir / "output.log"
        argv = self.command_for(layer, junit_path, extra)
        started_at = self.clock.now().isoformat(timespec="seconds")
        layer_result = partial(
            LayerResult,
            layer=layer.name,
            budget_seconds=layer.budget_seconds,
            goal_seconds=layer.goal_seconds,
            started_at=started_at,
            command=argv,
        )

        if layer.kind == "pytest" and not layer.expand_paths(self.root):
            result = layer_result(
                status=LayerStatus.NO_TESTS,
                exit_code=PYTEST_NO_TESTS,
                duration_seconds=0.0,
                message="none of the layer's test folders exist",
            )
            write_summary(self.results_dir, result)
            return result

        env = self.environment_for(layer, layer_dir)
        load_start, cpu_before = self.gauges.load_average(), self.gauges.children_cpu_seconds()
        began = self.clock.monotonic()
        exit_code = self.processes.run(argv, cwd=self.root, env=env, log_path=log_path)
        duration = self.clock.monotonic() - began
        cpu = self.gauges.children_cpu_seconds() - cpu_before
        # The process runner's own measure of this command's tree when it has one: the
        # children-wide counter also counts what another lane ran meanwhile.
        own_cpu = getattr(self.processes, "last_cpu_seconds", None)
        if isinstance(own_cpu, float):
            cpu = own_cpu
        load_end = self.gauges.load_average()
        status, message = judge(layer, exit_code, duration)
        if status is LayerStatus.OVER_BUDGET:
            message += f" ({machine_note(cpu, load_start, load_end)})"
        if layer.kind == "command":
            # A gate is one command: one test case, failed when the command failed.
            tail = _tail(log_path)
            cases = [write_command_junit(junit_path, layer.name, argv, exit_code, duration, tail)]
        else:
            cases = read_junit_cases(junit_path)
        result = layer_result(
            status=status,
            message=message,
            exit_code=exit_code,
            duration_seconds=duration,
            cpu_seconds=cpu,
            load_start=load_start,
            load_end=load_end,
            counts=CaseCounts.of(cases),
            failed_tests=tuple(c.test_id for c in cases if c.outcome in ("failed", "error")),
        )
        write_summary(self.results_dir, result)
        return result


def _narrowed_cargo_args(args: Sequence[str], extra: Sequence[str]) -> list[str]:
    """Without ``--workspace`` (and its ``--exclude X``) once ``-p`` names the crates."""
    if not any(arg in ("-p", "--package") for arg in extra):
        return list(args)
    kept: list[str] = []
    skip_next = False
    for arg in args:
        if skip_next:
            skip_next = False
        elif arg == "--exclude":
            skip_next = True
        elif arg != "--workspace":
            kept.append(arg)
    return kept


def judge(layer: Layer, exit_code: int, duration: float) -> tuple[LayerStatus, str]:
    """The verdict on one run: failures first, then the budget."""
    budget = layer.budget_seconds
    if layer.kind == "pytest" and exit_code == PYTEST_NO_TESTS:
        return (
            LayerStatus.NO_TESTS,
            "pytest collected no tests: an empty layer is not a passing layer",
        )
    if exit_code != 0:
        return LayerStatus.FAILED, f"exit code {exit_code}"
    if duration > budget:
        return LayerStatus.OVER_BUDGET, f"took {duration:.1f} s, over its {budget:g} s budget"
    if duration >= WARN_FRACTION * budget:
        return (
            LayerStatus.WARNING,
            f"took {duration:.1f} s, {duration / budget:.0%} of its {budget:g} s budget "
            f"(headroom below {1 - WARN_FRACTION:.0%}: ordinary noise could push it over)",
        )
    return LayerStatus.PASSED, ""


def _tail(path: Path, lines: int = 60) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""
