from edu.cli.results import CaseCounts, LayerResult, LayerStatus
from edu.cli.table import render_table


def result(layer: str, status: str, seconds: float, cpu: float | None = None) -> LayerResult:
    return LayerResult(
        layer=layer,
        status=LayerStatus(status),
        exit_code=0 if status != "failed" else 1,
        duration_seconds=seconds,
        budget_seconds=30,
        goal_seconds=10,
        started_at="2026-01-01T00:00:00",
        command=["x"],
        counts=CaseCounts(total=4, skipped=1),
        cpu_seconds=cpu,
        load_start=None if cpu is None else 0.5,
        load_end=None if cpu is None else 1.75,
    )


def test_shows_each_layer_against_its_budget_and_a_verdict_line() -> None:
    table = render_table([result("unit", "passed", 3.0, cpu=2.5), result("lint", "failed", 1.5)])
    lines = table.splitlines()
    assert lines[0].split() == [
        "layer",
        "result",
        "time",
        "budget",
        "used",
        "goal",
        "cpu",
        "load",
        "tests",
    ]
    assert lines[2].split() == [
        "unit",
        "ok",
        "3.0",
        "s",
        "30",
        "s",
        "10%",
        "10",
        "s",
        "2.5",
        "s",
        "0.5>1.8",
        "3/4",
    ]
    assert "FAIL" in lines[3]
    assert lines[-2] == "total 4.5 s (CPU 2.5 s); layers: 1 passed, 1 failed"


def test_ends_with_a_plain_count_that_fails_when_a_layer_failed_without_failing_cases() -> None:
    table = render_table([result("unit", "passed", 3.0), result("lint", "failed", 1.5)])
    # lint failed with no failing test case recorded: it still counts as one failure.
    assert table.splitlines()[-1] == "tests: 6 passed, 1 failed"
