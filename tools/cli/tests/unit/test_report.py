import json
from pathlib import Path

from edu.cli.report.health import compute, load_runs
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


def history_record(test_id: str, outcome: str, run: str, commit: str = "c1") -> str:
    return json.dumps(
        {
            "record": "test",
            "run_id": run,
            "time": f"t-{run}",
            "layer": "unit",
            "test_id": test_id,
            "outcome": outcome,
            "attempt": 1,
            "commit": commit,
        }
    )


class TestFlakyCandidates:
    def test_a_test_that_passed_and_failed_on_one_commit_is_listed(self, tmp_path: Path) -> None:
        write_history(
            tmp_path,
            history_line("unit", "t1", 3, ["test_a.py::test_x"]),
            history_record("test_a.py::test_x", "failed", "r1"),
            history_record("test_a.py::test_x", "passed", "r2"),
        )
        [flaky] = compute(tmp_path).flaky
        assert (flaky.test_id, flaky.flips, flaky.last_flip) == ("test_a.py::test_x", 1, "t-r2")

    def test_a_failure_fixed_by_a_new_commit_is_not_flaky(self, tmp_path: Path) -> None:
        write_history(
            tmp_path,
            history_line("unit", "t1", 3, ["test_a.py::test_x"]),
            history_record("test_a.py::test_x", "failed", "r1", commit="c1"),
            history_record("test_a.py::test_x", "passed", "r2", commit="c2"),
        )
        assert compute(tmp_path).flaky == []

    def test_test_lines_are_not_taken_for_layer_runs(self, tmp_path: Path) -> None:
        write_history(
            tmp_path,
            history_line("unit", "t1", 3, []),
            history_record("test_a.py::test_x", "passed", "r1"),
        )
        assert [run.layer for run in load_runs(tmp_path / "history.jsonl")] == ["unit"]


def test_torn_history_lines_are_skipped(tmp_path: Path) -> None:
    write_history(tmp_path, history_line("unit", "t1", 3, []), '{"layer": "unit", "sta')
    assert len(load_runs(tmp_path / "history.jsonl")) == 1


def test_page_shows_each_layer_against_budget_slowest_tests_and_flaky(tmp_path: Path) -> None:
    write_history(
        tmp_path,
        history_line("unit", "t1", 3, ["test_a.py::test_x"]),
        history_line("unit", "t2", 27, []),
        history_line("lint", "t2", 1, []),
        history_record("test_a.py::test_x", "failed", "r1"),
        history_record("test_a.py::test_x", "passed", "r2"),
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


def test_page_lists_quarantined_tests_with_their_flip_rate(tmp_path: Path) -> None:
    from datetime import date

    from edu.cli.flaky.quarantine import Entry

    write_history(
        tmp_path,
        history_line("unit", "t1", 3, []),
        *(
            history_record("test_q.py::test_y", outcome, run)
            for outcome, run in [("passed", "r1"), ("failed", "r2"), ("passed", "r3")]
        ),
    )
    entry = Entry(
        "test_q.py::test_y",
        "@org/quality",
        "races the clock",
        date(2026, 1, 1),
        date(2026, 2, 1),
        "test_q.py",
    )
    html = render(compute(tmp_path, quarantine=[entry], today=date(2026, 3, 1)), "now")
    quarantined = html[html.index("Quarantined tests") :]
    assert "test_q.py::test_y</td><td>@org/quality</td><td>races the clock" in quarantined
    assert "2026-02-01 (EXPIRED)" in quarantined
    assert "<td class=num>3</td><td class=num>100%</td>" in quarantined  # P F P: 2 flips of 2
