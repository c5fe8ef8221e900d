"""The flake hunt's plan and verdict (edu.cli.flaky.hunt)."""

from edu.cli.flaky.history import TestRecord
from edu.cli.flaky.hunt import HuntRun, findings, plan, render, run_arguments, verdict


def record(test_id: str, outcome: str, run: str) -> TestRecord:
    return TestRecord(run, f"t-{run}", "unit", test_id, outcome, 1, "c1")


def test_each_run_has_its_own_order_and_the_worker_counts_alternate() -> None:
    assert plan(4, seed=10) == [(10, 0), (11, 2), (12, 0), (13, 2)]
    assert run_arguments(11, 2) == ["-p", "randomly", "--randomly-seed=11", "-n", "2"]


def test_a_test_that_changes_between_runs_is_flaky_and_fails_the_hunt() -> None:
    runs = ["h-1", "h-2", "h-3"]
    records = [
        *(record("a::steady", "passed", run) for run in runs),
        *(record("a::broken", "failed", run) for run in runs),
        record("a::flaky", "passed", "h-1"),
        record("a::flaky", "failed", "h-2"),
        record("a::flaky", "passed", "h-3"),
        record("a::flaky", "failed", "older-run"),  # not this hunt's
    ]
    found = findings(records, runs)
    assert found.tests == 3
    assert [f.test_id for f in found.flaky] == ["a::flaky"]
    assert found.outcomes["a::flaky"] == "PFP"
    assert found.always_failed == ["a::broken"]
    assert not verdict(found, set())
    assert not verdict(found, {"a::flaky"})  # a::broken still fails every run
    assert verdict(found, {"a::flaky", "a::broken"})


def test_the_table_gives_runs_tests_and_flips() -> None:
    found = findings(
        [record("a::t", "passed", "h-1"), record("a::t", "failed", "h-2")], ["h-1", "h-2"]
    )
    runs = [HuntRun(1, "unit", "h-1", 0, 5, 10.0, 1, 0), HuntRun(2, "unit", "h-2", 2, 6, 8.5, 1, 1)]
    text = render(runs, found, set())
    assert "| 2 | unit | 2 | 6 | 1 | 1 | 8.5 |" in text
    assert "runs 2 · tests 1 · flips found 1 · failed every run 0 · 18.5 s" in text
    assert "FLAKY unit a::t: PF (flip rate 100%)" in text
