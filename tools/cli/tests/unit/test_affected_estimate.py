"""The time a selection keeps, from pytest-split's durations and the last gate runs."""

import json
from pathlib import Path

from edu.cli.affected.estimate import estimate, read_durations, read_last_durations
from edu.cli.affected.graph import DependencyGraph, MemberNode
from edu.cli.affected.selection import select
from edu.cli.registry import Layer

GRAPH = DependencyGraph(
    [MemberNode("edu-a", "services/py/a"), MemberNode("edu-b", "services/py/b")]
)
UNIT = Layer("unit", "", "pytest", ("services/py/*/tests/unit",), (), 30.0, None, ("pr",), ())
LINT = Layer("lint", "", "command", (), ("edu", "gate", "lint"), 30.0, None, ("pr",), ())
TARGETS = {"unit": ["services/py/a/tests/unit", "services/py/b/tests/unit"]}
DURATIONS = {
    "services/py/a/tests/unit/test_a.py::test_one": 1.0,
    "services/py/b/tests/unit/test_b.py::test_one": 2.5,
    "services/py/b/tests/unit/test_b.py::test_two": 0.5,
}


class TestEstimate:
    def test_counts_only_the_selected_folders_tests(self) -> None:
        selection = select(["services/py/a/src/x.py"], GRAPH, [UNIT, LINT], TARGETS, {})
        result = estimate(selection, [UNIT, LINT], TARGETS, DURATIONS, {"lint": 2.0})
        [unit] = result.tests
        assert (unit.selected_seconds, unit.full_seconds) == (1.0, 4.0)
        assert result.tests_fraction == 0.25
        assert result.overall_fraction == (1.0 + 2.0) / (4.0 + 2.0)

    def test_a_suite_without_recorded_test_durations_counts_its_last_wall_time(self) -> None:
        fuzz = Layer("fuzz", "", "pytest", ("tools/fuzz/tests/fuzz",), (), 120.0, None, ("pr",), ())
        targets = {"fuzz": ["tools/fuzz/tests/fuzz"]}
        selection = select(["tools/fuzz/tests/fuzz/test_x.py"], GRAPH, [fuzz], targets, {})
        result = estimate(selection, [fuzz], targets, DURATIONS, {"fuzz": 30.0})
        [row] = result.tests
        assert (row.selected_seconds, row.full_seconds) == (30.0, 30.0)

    def test_a_gate_given_some_folders_counts_at_its_share_of_a_full_run(self) -> None:
        typecheck = Layer(
            "typecheck", "", "command", (), ("edu", "gate", "typecheck"), 240.0, None, ("pr",), ()
        )
        selection = select(["services/py/a/src/x.py"], GRAPH, [typecheck], TARGETS, {})
        result = estimate(selection, [typecheck], TARGETS, {}, {"typecheck": 60.0}, folder_count=4)
        [gate] = result.gates
        assert (gate.selected_seconds, gate.full_seconds) == (15.0, 60.0)

    def test_a_folder_prefix_does_not_match_a_longer_sibling(self) -> None:
        durations = {**DURATIONS, "services/py/a/tests/unit-slow/test_x.py::t": 9.0}
        selection = select(["services/py/a/src/x.py"], GRAPH, [UNIT], TARGETS, {})
        [unit] = estimate(selection, [UNIT], TARGETS, durations, {}).tests
        assert unit.selected_seconds == 1.0


class TestRecordedTimes:
    def test_reads_pytest_splits_file_and_tolerates_its_absence(self, tmp_path: Path) -> None:
        path = tmp_path / ".test_durations"
        assert read_durations(path) == {}
        path.write_text(json.dumps({"a.py::t": 0.5, "odd": "x"}))
        assert read_durations(path) == {"a.py::t": 0.5}

    def test_the_latest_history_line_of_a_layer_wins(self, tmp_path: Path) -> None:
        history = tmp_path / "history.jsonl"
        history.write_text(
            '{"layer": "lint", "duration_seconds": 3.0}\n'
            "torn line\n"
            '{"layer": "lint", "duration_seconds": 1.5}\n'
        )
        assert read_last_durations(history) == {"lint": 1.5}
