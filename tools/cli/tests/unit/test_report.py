import json
from pathlib import Path

from edu.cli.report.health import compute, flaky_candidates, load_runs
from edu.cli.report.page import render


def history_line(
    layer: str, started: str, seconds: float, failed: list[str], total: int = 3
) -> str:
    return json.dumps(
        {
            "layer": layer,
            "status": "failed" if failed else "passed",
            "started_at": started,
            "duration_seconds": seconds,
            "budget_seconds": 30,
            "counts": {"total": total},
            "failed_tests": failed,
        }
    )


def write_history(tmp_path: Path, *lines: str) -> Path:
    (tmp_path / "history.jsonl").write_text("\n".join(lines) + "\n")
    return tmp_path


class TestFlakyCandidates:
    def test_a_test_that_fails_then_passes_is_a_candidate(self, tmp_path: Path) -> None:
        runs = load_runs(
            write_history(
                tmp_path,
                history_line("unit", "t1", 3, ["test_a.py::test_x"]),
                history_line("unit", "t2", 3, []),
            )
            / "history.jsonl"
        )
        [candidate] = flaky_candidates(runs)
        assert candidate.test_id == "test_a.py::test_x"
        assert (candidate.failed_at, candidate.passed_at) == ("t1", "t2")

    def test_a_test_that_keeps_failing_is_not_flaky(self, tmp_path: Path) -> None:
        runs = load_runs(
            write_history(
                tmp_path,
                history_line("unit", "t1", 3, ["test_a.py::test_x"]),
                history_line("unit", "t2", 3, ["test_a.py::test_x"]),
            )
            / "history.jsonl"
        )
        assert flaky_candidates(runs) == []

    def test_runs_of_other_layers_do_not_clear_a_failure(self, tmp_path: Path) -> None:
        runs = load_runs(
            write_history(
                tmp_path,
                history_line("unit", "t1", 3, ["test_a.py::test_x"]),
                history_line("lint", "t2", 1, []),
            )
            / "history.jsonl"
        )
        assert flaky_candidates(runs) == []


def test_torn_history_lines_are_skipped(tmp_path: Path) -> None:
    write_history(tmp_path, history_line("unit", "t1", 3, []), '{"layer": "unit", "sta')
    assert len(load_runs(tmp_path / "history.jsonl")) == 1


def test_page_shows_each_layer_against_budget_slowest_tests_and_flaky(tmp_path: Path) -> None:
    write_history(
        tmp_path,
        history_line("unit", "t1", 3, ["test_a.py::test_x"]),
        history_line("unit", "t2", 27, []),
        history_line("lint", "t2", 1, []),
    )
    (tmp_path / "unit").mkdir()
    (tmp_path / "unit" / "junit.xml").write_text(
        '<testsuites><testsuite tests="2"><testcase classname="test_a" name="test_slow" '
        'time="2.5"/><testcase classname="test_a" name="test_quick" time="0.01"/>'
        "</testsuite></testsuites>"
    )
    html = render(compute(tmp_path), "2026-11-27T00:00:00")
    assert "27.0 s / 30 s (90%)" in html
    assert "1.0 s / 30 s (3%)" in html
    assert html.index("test_a::test_slow") < html.index("test_a::test_quick")
    assert "test_a.py::test_x" in html
    assert "<script" not in html


def test_page_without_history_says_how_to_get_one(tmp_path: Path) -> None:
    assert "No layer has run yet" in render(compute(tmp_path), "now")


def test_page_sets_cpu_time_and_load_beside_wall_time(tmp_path: Path) -> None:
    """Slower code (more CPU) or a busy machine (high load, the same CPU)?"""
    line = json.loads(history_line("unit", "t1", 12.0, []))
    line |= {"cpu_seconds": 6.0, "load_start": 3.5, "load_end": 4.25}
    write_history(tmp_path, json.dumps(line), history_line("lint", "t1", 1, []))
    html = render(compute(tmp_path), "now")
    assert "<td>unit</td><td class=num>12.0</td><td class=num>6.0</td>" in html
    assert "<td class=num>0.50</td><td class=num>3.50</td><td class=num>4.25</td>" in html
    # a history line from before the runner recorded them shows dashes, not zeros
    assert "<td>lint</td><td class=num>1.0</td><td class=num>-</td>" in html
