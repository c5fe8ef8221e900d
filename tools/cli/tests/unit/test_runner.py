import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

from edu.cli.registry import Layer
from edu.cli.results import LayerResult, LayerStatus
from edu.cli.runner import LayerRunner
from edu.cli.test_selection import SelectionError
from edu.common.clock import FakeClock


class FakeGauges:
    """Each read of the CPU clock or the load average returns the next value given."""

    def __init__(self, cpu: tuple[float, ...] = (0.0,), load: tuple[float, ...] = (0.0,)):
        self.cpu, self.load = list(cpu), list(load)

    def children_cpu_seconds(self) -> float:
        return self.cpu.pop(0) if len(self.cpu) > 1 else self.cpu[0]

    def load_average(self) -> float:
        return self.load.pop(0) if len(self.load) > 1 else self.load[0]


class FakeProcessRunner:
    """Pretends to run commands: each takes ``seconds`` on the fake clock and exits ``code``."""

    def __init__(self, clock: FakeClock, seconds: float, code: int = 0) -> None:
        self.clock = clock
        self.seconds = seconds
        self.code = code
        self.ran: list[list[str]] = []

    def run(self, argv: Sequence[str], *, cwd: Path, env: Mapping[str, str], log_path: Path) -> int:
        self.ran.append(list(argv))
        self.env = dict(env)
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
    tmp_path: Path, seconds: float, code: int = 0, gauges: FakeGauges | None = None
) -> tuple[LayerRunner, FakeProcessRunner]:
    clock = FakeClock()
    processes = FakeProcessRunner(clock, seconds, code)
    runner = LayerRunner(
        tmp_path,
        tmp_path / "results",
        processes,
        clock,
        gauges or FakeGauges(),
        version_of=lambda root: "c1",
    )
    return runner, processes


class TestBudgets:
    def test_fails_a_layer_that_exceeds_its_budget(self, tmp_path: Path) -> None:
        runner, _ = runner_with(tmp_path, seconds=12.5)
        result = runner.run(make_layer(budget=10))
        assert result.status == "over-budget"
        assert not result.ok
        assert "over its 10 s budget" in result.message

    def test_warns_at_seventy_percent_of_the_budget(self, tmp_path: Path) -> None:
        runner, _ = runner_with(tmp_path, seconds=7.0)
        result = runner.run(make_layer(budget=10))
        assert result.status is LayerStatus.WARNING
        assert result.ok
        assert "headroom below 30%" in result.message

    def test_passes_quietly_below_seventy_percent(self, tmp_path: Path) -> None:
        runner, _ = runner_with(tmp_path, seconds=6.9)
        assert runner.run(make_layer(budget=10)).status is LayerStatus.PASSED

    def test_over_budget_says_how_much_cpu_the_layer_used_and_how_busy_the_machine_was(
        self, tmp_path: Path
    ) -> None:
        gauges = FakeGauges(cpu=(100.0, 112.5), load=(0.4, 3.9))
        runner, _ = runner_with(tmp_path, seconds=12.5, gauges=gauges)
        result = runner.run(make_layer(budget=10))
        assert result.status is LayerStatus.OVER_BUDGET
        assert result.cpu_seconds == pytest.approx(12.5)
        assert (result.load_start, result.load_end) == (0.4, 3.9)
        assert result.message == "took 12.5 s, over its 10 s budget (CPU 12.5 s, load 0.4 -> 3.9)"

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

    def test_loads_only_the_plugins_the_layer_names(self, tmp_path: Path) -> None:
        (tmp_path / "suite").mkdir()
        runner, processes = runner_with(tmp_path, seconds=1)
        runner.run(make_layer(kind="pytest", plugins=("asyncio", "xdist")))
        assert processes.env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] == "1"
        argv = processes.ran[0]
        assert argv[argv.index("asyncio") - 1] == "-p"
        assert argv[argv.index("xdist") - 1] == "-p"

    def test_without_a_plugin_list_pytest_loads_every_installed_plugin(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.delenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", raising=False)
        (tmp_path / "suite").mkdir()
        runner, processes = runner_with(tmp_path, seconds=1)
        runner.run(make_layer(kind="pytest"))
        assert "PYTEST_DISABLE_PLUGIN_AUTOLOAD" not in processes.env
        argv = processes.ran[0]
        loaded = [argv[i + 1] for i, arg in enumerate(argv) if arg == "-p"]
        assert loaded == ["edu.cli.flaky.pytest_attempts"]  # our own recorder, nothing listed


class TestNarrowingToPaths:
    @pytest.fixture
    def tree(self, tmp_path: Path) -> Path:
        for member in ("services/py/course", "services/py/identity", "libs/py/common"):
            (tmp_path / member / "tests" / "unit").mkdir(parents=True)
            (tmp_path / member / "tests" / "integration").mkdir(parents=True)
        (tmp_path / "services/py/course/tests/unit/test_rules.py").write_text("")
        return tmp_path

    def unit(self) -> Layer:
        return make_layer(kind="pytest", paths=("services/py/*/tests/unit", "libs/py/*/tests/unit"))

    def test_a_member_folder_runs_only_that_members_tests_of_the_layer(self, tree: Path) -> None:
        runner, processes = runner_with(tree, seconds=1)
        runner.run(self.unit(), extra=["services/py/course", "-q"])
        argv = processes.ran[0]
        assert argv[3] == "services/py/course/tests/unit"
        assert "services/py/identity/tests/unit" not in argv
        assert "services/py/course" not in argv
        assert argv[-1] == "-q"

    def test_a_file_or_test_inside_the_layer_runs_as_given(self, tree: Path) -> None:
        runner, processes = runner_with(tree, seconds=1)
        test = "services/py/course/tests/unit/test_rules.py::test_x"
        runner.run(self.unit(), extra=[test])
        assert processes.ran[0][3:5] == [test, f"--junitxml={tree / 'results/demo/junit.xml'}"]

    def test_a_path_outside_the_layer_is_refused_with_what_it_covers(self, tree: Path) -> None:
        runner, processes = runner_with(tree, seconds=1)
        with pytest.raises(SelectionError, match="holds none of this layer's tests"):
            runner.run(self.unit(), extra=["services/py/course/tests/integration"])
        assert processes.ran == []

    def test_option_values_are_never_taken_for_paths(self, tree: Path) -> None:
        runner, processes = runner_with(tree, seconds=1)
        runner.run(self.unit(), extra=["--ignore", "services/py/course"])
        argv = processes.ran[0]
        assert "services/py/identity/tests/unit" in argv
        assert argv[-2:] == ["--ignore", "services/py/course"]


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


class JunitWritingRunner(FakeProcessRunner):
    """A command that writes its own JUnit where "{junit}" said: the given cases, or nothing."""

    def __init__(self, clock: FakeClock, code: int, cases: str | None) -> None:
        super().__init__(clock, 1.0, code)
        self.cases = cases

    def run(self, argv: Sequence[str], *, cwd: Path, env: Mapping[str, str], log_path: Path) -> int:
        code = super().run(argv, cwd=cwd, env=env, log_path=log_path)
        target = next(a.split("=", 1)[1] for a in argv if a.startswith("--out="))
        if self.cases is not None:
            Path(target).write_text(f"<testsuites>{self.cases}</testsuites>")
        return code


def own_junit_run(tmp_path: Path, code: int, cases: str | None) -> tuple[LayerResult, list[str]]:
    clock = FakeClock()
    processes = JunitWritingRunner(clock, code, cases)
    runner = LayerRunner(
        tmp_path, tmp_path / "results", processes, clock, FakeGauges(), version_of=lambda r: "c1"
    )
    result = runner.run(make_layer(args=("node", "--test", "--out={junit}")))
    return result, processes.ran[0]


class TestCommandsWithTheirOwnJunit:
    PASSED = '<testcase classname="t" name="a"/><testcase classname="t" name="b"/>'
    FAILED = '<testcase classname="t" name="a"><failure message="no"/></testcase>'

    def test_the_placeholder_names_the_layers_junit_file_and_each_case_counts(
        self, tmp_path: Path
    ) -> None:
        result, argv = own_junit_run(tmp_path, 0, self.PASSED)
        assert argv[-1] == f"--out={tmp_path / 'results' / 'demo' / 'junit.xml'}"
        assert result.counts.total == 2
        assert result.status == LayerStatus.PASSED

    def test_a_failing_case_fails_the_layer(self, tmp_path: Path) -> None:
        result, _ = own_junit_run(tmp_path, 1, self.FAILED)
        assert result.counts.failures == 1
        assert result.status == LayerStatus.FAILED

    def test_a_crash_its_junit_does_not_explain_is_one_failed_case(self, tmp_path: Path) -> None:
        # The command exited 1 but its JUnit says every test passed (or it wrote none): the
        # runner's own case reports the failure, so the layer cannot read green.
        for cases in (self.PASSED, None):
            result, _ = own_junit_run(tmp_path, 1, cases)
            assert result.counts.total == 1
            assert result.counts.failures == 1


def test_a_real_slow_command_is_failed_for_its_budget(tmp_path: Path) -> None:
    """The real clock and a real process: a 0.05 s sleep cannot fit a 0.01 s budget."""
    runner = LayerRunner(tmp_path, tmp_path / "results")
    slow = make_layer(args=(sys.executable, "-c", "import time; time.sleep(0.05)"), budget=0.01)
    result = runner.run(slow)
    assert result.exit_code == 0
    assert result.status == "over-budget"
    assert result.duration_seconds >= 0.05


class TestCargoLayers:
    def test_runs_cargo_test_through_the_backend_starter_with_the_layers_needs(
        self, tmp_path: Path
    ) -> None:
        runner, _ = runner_with(tmp_path, seconds=1.0)
        layer = make_layer(kind="cargo", args=("--workspace", "--lib"), needs=("postgres", "nats"))
        argv = runner.command_for(layer, tmp_path / "junit.xml")
        assert argv[1:3] == ["-m", "edu.cli.cargo_tests"]
        assert "--needs=postgres,nats" in argv
        assert argv[argv.index("--") + 1 :] == ["--workspace", "--lib"]

    def test_a_crate_selection_replaces_the_whole_workspace(self, tmp_path: Path) -> None:
        runner, _ = runner_with(tmp_path, seconds=1.0)
        layer = make_layer(kind="cargo", args=("--workspace", "--exclude", "gen", "--lib"))
        argv = runner.command_for(layer, tmp_path / "junit.xml", ["-p", "edu-common"])
        assert argv[argv.index("--") + 1 :] == ["--lib", "-p", "edu-common"]


class AttemptsProcessRunner(FakeProcessRunner):
    """A pytest or cargo run that reports these attempts through the attempts file."""

    def __init__(self, clock: FakeClock, code: int, attempts: list[tuple[str, str, int]]) -> None:
        super().__init__(clock, seconds=1, code=code)
        self.attempts = attempts

    def run(self, argv: Sequence[str], *, cwd: Path, env: Mapping[str, str], log_path: Path) -> int:
        lines = [
            json.dumps({"test_id": t, "outcome": o, "attempt": a}) for t, o, a in self.attempts
        ]
        Path(env["EDU_ATTEMPTS_FILE"]).write_text("\n".join(lines) + "\n")
        return super().run(argv, cwd=cwd, env=env, log_path=log_path)


def flaky_runner(
    tmp_path: Path, code: int, attempts: list[tuple[str, str, int]], **kw: object
) -> tuple[LayerRunner, AttemptsProcessRunner]:
    (tmp_path / "suite").mkdir(exist_ok=True)
    clock = FakeClock()
    processes = AttemptsProcessRunner(clock, code, attempts)
    runner = LayerRunner(
        tmp_path,
        tmp_path / "results",
        processes,
        clock,
        FakeGauges(),
        version_of=lambda root: "c1",
        **kw,  # type: ignore[arg-type]
    )
    return runner, processes


class TestFlakyAndQuarantine:
    def test_reruns_load_rerunfailures_only_when_asked(self, tmp_path: Path) -> None:
        runner, processes = flaky_runner(tmp_path, 0, [], reruns=2)
        runner.run(make_layer(kind="pytest"))
        argv = processes.ran[0]
        assert argv[argv.index("rerunfailures") - 1 : argv.index("rerunfailures") + 2] == [
            "-p",
            "rerunfailures",
            "--reruns=2",
        ]
        runner, processes = flaky_runner(tmp_path, 0, [])
        runner.run(make_layer(kind="pytest"))
        assert "rerunfailures" not in processes.ran[0]
        assert not any(a.startswith("--reruns") for a in processes.ran[0])

    def test_cargo_layers_pass_reruns_to_the_cargo_runner(self, tmp_path: Path) -> None:
        runner, _ = flaky_runner(tmp_path, 0, [], reruns=1)
        argv = runner.command_for(make_layer(kind="cargo", args=("--lib",)), tmp_path / "j.xml")
        assert argv.index("--reruns=1") < argv.index("--")

    def test_every_attempt_goes_to_the_history_and_a_flip_is_listed(self, tmp_path: Path) -> None:
        attempts = [("a.py::t", "failed", 1), ("a.py::t", "passed", 2), ("a.py::u", "passed", 1)]
        runner, _ = flaky_runner(tmp_path, 0, attempts, reruns=1, run_id="r1")
        result = runner.run(make_layer(kind="pytest"))
        assert result.ok
        assert result.flaky_tests == ("a.py::t",)
        assert "flaky (failed, then passed on rerun): a.py::t" in result.message
        lines = [json.loads(line) for line in (tmp_path / "results/history.jsonl").open()]
        tests = [(d["test_id"], d["outcome"], d["attempt"]) for d in lines if d.get("record")]
        assert tests == attempts
        assert {(d["run_id"], d["layer"], d["commit"]) for d in lines if d.get("record")} == {
            ("r1", "demo", "c1")
        }

    def test_a_quarantined_failure_cannot_fail_the_layer(self, tmp_path: Path) -> None:
        attempts = [("a.py::t", "failed", 1), ("a.py::u", "passed", 1)]
        runner, _ = flaky_runner(tmp_path, 1, attempts, quarantined=frozenset({"a.py::t"}))
        result = runner.run(make_layer(kind="pytest"))
        assert result.ok
        assert result.quarantined_failures == ("a.py::t",)
        assert "quarantined tests failed: a.py::t" in result.message

    def test_one_failure_outside_the_quarantine_fails_the_layer(self, tmp_path: Path) -> None:
        attempts = [("a.py::t", "failed", 1), ("a.py::u", "failed", 1)]
        runner, _ = flaky_runner(tmp_path, 1, attempts, quarantined=frozenset({"a.py::t"}))
        result = runner.run(make_layer(kind="pytest"))
        assert result.status == "failed"
        assert result.quarantined_failures == ()

    def test_a_crash_is_not_forgiven_even_with_quarantined_failures(self, tmp_path: Path) -> None:
        runner, _ = flaky_runner(
            tmp_path, 2, [("a.py::t", "failed", 1)], quarantined=frozenset({"a.py::t"})
        )
        assert runner.run(make_layer(kind="pytest")).status == "failed"

    def test_an_expired_entry_forgives_nothing(self, tmp_path: Path) -> None:
        (tmp_path / "tests").mkdir()
        (tmp_path / "tests" / "quarantine.toml").write_text(
            '[[quarantine]]\ntest = "a.py::t"\nowner = "@o"\nreason = "r"\n'
            "date = 2000-01-01\nexpires = 2000-01-31\n"
        )
        runner, _ = flaky_runner(tmp_path, 1, [("a.py::t", "failed", 1)])
        assert runner.run(make_layer(kind="pytest")).status == "failed"  # FakeClock is past 2000

    def test_an_unexpired_entry_from_the_file_forgives(self, tmp_path: Path) -> None:
        (tmp_path / "tests").mkdir()
        (tmp_path / "tests" / "quarantine.toml").write_text(
            '[[quarantine]]\ntest = "a.py::t"\nowner = "@o"\nreason = "r"\n'
            "date = 2025-12-15\nexpires = 2026-01-31\n"
        )
        runner, _ = flaky_runner(tmp_path, 1, [("a.py::t", "failed", 1)])
        assert runner.run(make_layer(kind="pytest")).quarantined_failures == ("a.py::t",)
