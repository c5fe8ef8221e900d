"""Runs one layer: builds its command, times it against its budget, records the result."""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from edu.cli.flaky import quarantine
from edu.cli.flaky.attempts import ENVIRONMENT_VARIABLE as ATTEMPTS_VARIABLE
from edu.cli.flaky.attempts import read_attempts
from edu.cli.flaky.code_version import code_version
from edu.cli.flaky.history import (
    FAILING,
    Attempt,
    append_records,
    final_outcomes,
    flipped_on_rerun,
    records_for,
)
from edu.cli.gauges import MachineGauges, SystemGauges
from edu.cli.processes import ProcessRunner, TeeProcessRunner
from edu.cli.registry import WARN_FRACTION, Layer
from edu.cli.results import (
    CaseCounts,
    CaseResult,
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
# What a run exits with when tests failed (and nothing else went wrong): only then can the
# quarantine forgive it. pytest says 1; cargo test 101 (which a build error also says, but a
# build error leaves no failed test in the attempts file).
JUNIT_PLACEHOLDER = "{junit}"
TESTS_FAILED_EXIT = {"pytest": 1, "cargo": 101}
ATTEMPTS_PLUGIN = "edu.cli.flaky.pytest_attempts"
RERUNS_VARIABLE = "EDU_RERUNS"


def reruns_from_environment() -> int:
    """``EDU_RERUNS``: how often the nightly pipeline reruns a failed test (default 0)."""
    raw = os.environ.get(RERUNS_VARIABLE, "").strip()
    return int(raw) if raw.isdigit() else 0


@dataclass
class LayerRunner:
    root: Path
    results_dir: Path
    processes: ProcessRunner = field(default_factory=TeeProcessRunner)
    clock: Clock = field(default_factory=SystemClock)
    gauges: MachineGauges = field(default_factory=SystemGauges)
    # Reruns of a failed test within the run (the nightly pipeline sets EDU_RERUNS, which `edu
    # test` and `edu affected --run` pass here); a test that fails and then passes is recorded
    # as a flip and listed as flaky, never silently green.
    reruns: int = 0
    # Where each test's attempts are appended (default: results_dir/history.jsonl).
    test_history: Path | None = None
    # One id for every layer of a run (the flake hunt's iteration); default: one per layer run.
    run_id: str | None = None
    # The tests whose failures cannot fail the run; None: tests/quarantine.toml, unexpired.
    quarantined: frozenset[str] | None = None
    # Which code the tests ran on (the commit, plus a digest of a dirty tree's changes).
    version_of: Callable[[Path], str] = code_version

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
                "-p",
                ATTEMPTS_PLUGIN,
                *(["-p", "rerunfailures", f"--reruns={self.reruns}"] if self.reruns else []),
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
                *([f"--reruns={self.reruns}"] if self.reruns else []),
                "--",
                *args,
                *extra,
            ]
        # A command that writes its own JUnit (one case per test) is told where: "{junit}".
        return [arg.replace(JUNIT_PLACEHOLDER, str(junit_path)) for arg in layer.args] + [*extra]

    def environment_for(self, layer: Layer, layer_dir: Path) -> dict[str, str]:
        env = {**os.environ, "EDU_LAYER": layer.name, "EDU_RESULTS_DIR": str(layer_dir)}
        env[ATTEMPTS_VARIABLE] = str(layer_dir / "attempts.jsonl")
        # The workspace's own tools (edu, pytest, buf, ...) first, even when not activated.
        env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
        env.update(layer.plugin_environment())
        return env

    def run(self, layer: Layer, extra: Sequence[str] = ()) -> LayerResult:
        layer_dir = self.results_dir / layer.name
        layer_dir.mkdir(parents=True, exist_ok=True)
        junit_path = layer_dir / "junit.xml"
        junit_path.unlink(missing_ok=True)
        (layer_dir / "attempts.jsonl").unlink(missing_ok=True)
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
        if layer.kind == "command":
            # A gate is one command: one test case, failed when the command failed, unless the
            # command wrote JUnit of its own ("{junit}" in its args) that accounts for its exit.
            own = read_junit_cases(junit_path) if JUNIT_PLACEHOLDER in " ".join(layer.args) else []
            if own and (exit_code == 0 or any(c.outcome in ("failed", "error") for c in own)):
                cases = own
            else:
                tail = _tail(log_path)
                cases = [
                    write_command_junit(junit_path, layer.name, argv, exit_code, duration, tail)
                ]
            attempts: list[Attempt] = []
        else:
            cases = read_junit_cases(junit_path)
            attempts = self._record_attempts(layer, layer_dir, cases, started_at)
        forgiven = self._forgiven(layer, exit_code, attempts)
        status, message = judge(layer, 0 if forgiven else exit_code, duration)
        if forgiven:
            message = "; ".join(
                filter(None, [f"quarantined tests failed: {', '.join(forgiven)}", message])
            )
        if status is LayerStatus.OVER_BUDGET:
            message += f" ({machine_note(cpu, load_start, load_end)})"
        flaky = tuple(flipped_on_rerun(attempts))
        if flaky:
            message = "; ".join(
                filter(None, [message, f"flaky (failed, then passed on rerun): {', '.join(flaky)}"])
            )
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
            flaky_tests=flaky,
            quarantined_failures=tuple(forgiven),
        )
        write_summary(self.results_dir, result)
        return result

    def _record_attempts(
        self, layer: Layer, layer_dir: Path, cases: list[CaseResult], started_at: str
    ) -> list[Attempt]:
        """Every test's attempts (the attempts file, else JUnit), appended to the history."""
        attempts = read_attempts(layer_dir / "attempts.jsonl")
        if attempts is None:
            attempts = [Attempt(case.test_id, case.outcome) for case in cases]
        records = records_for(
            attempts,
            run_id=self.run_id or uuid.uuid4().hex[:12],
            time=started_at,
            layer=layer.name,
            commit=self.version_of(self.root),
        )
        append_records(self.test_history or self.results_dir / "history.jsonl", records)
        return attempts

    def _forgiven(self, layer: Layer, exit_code: int, attempts: list[Attempt]) -> list[str]:
        """The failed tests when every one is quarantined (then the run passes); else none."""
        if exit_code == 0 or exit_code != TESTS_FAILED_EXIT.get(layer.kind):
            return []
        failed = sorted(t for t, outcome in final_outcomes(attempts).items() if outcome in FAILING)
        quarantined = self.quarantined
        if quarantined is None:
            try:
                entries = quarantine.load(self.root)
            except quarantine.QuarantineError:
                entries = []  # an unreadable file forgives nothing (and fails the unit layer)
            today = self.clock.now().date()
            quarantined = frozenset(quarantine.active(entries, today))
        if failed and all(test_id in quarantined for test_id in failed):
            return failed
        return []


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
