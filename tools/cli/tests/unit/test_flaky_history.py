"""Per-test history records, flips on rerun and flakiness on the same code (ADR 0017)."""

import json
from pathlib import Path

from edu.cli.flaky.attempts import read_attempts, write_attempts
from edu.cli.flaky.history import (
    Attempt,
    TestRecord,
    append_records,
    final_outcomes,
    flaky_tests,
    flip_rate,
    flipped_on_rerun,
    read_records,
    records_for,
)
from edu.cli.flaky.pytest_attempts import outcome_of


def record(
    test_id: str, outcome: str, run: str, commit: str = "c1", attempt: int = 1
) -> TestRecord:
    return TestRecord(run, f"t-{run}-{attempt}", "unit", test_id, outcome, attempt, commit)


class TestRecords:
    def test_one_record_per_attempt_with_run_time_layer_and_commit(self) -> None:
        records = records_for(
            [Attempt("a.py::test_x", "failed", 1), Attempt("a.py::test_x", "passed", 2)],
            run_id="r1",
            time="2026-01-01T00:00:00",
            layer="unit",
            commit="abc",
        )
        assert records == [
            TestRecord("r1", "2026-01-01T00:00:00", "unit", "a.py::test_x", "failed", 1, "abc"),
            TestRecord("r1", "2026-01-01T00:00:00", "unit", "a.py::test_x", "passed", 2, "abc"),
        ]

    def test_records_survive_the_history_file_beside_layer_lines(self, tmp_path: Path) -> None:
        history = tmp_path / "history.jsonl"
        history.write_text(json.dumps({"layer": "unit", "status": "passed"}) + "\n")
        written = [record("a.py::test_x", "passed", "r1"), record("a.py::test_y", "error", "r1")]
        append_records(history, written)
        with history.open("a") as out:
            out.write('{"record": "test", "run_id": "torn\n')
        assert read_records(history) == written
        assert json.loads(history.read_text().splitlines()[1])["record"] == "test"

    def test_nothing_is_written_for_no_records(self, tmp_path: Path) -> None:
        append_records(tmp_path / "history.jsonl", [])
        assert not (tmp_path / "history.jsonl").exists()


class TestFlipsOnRerun:
    def test_a_failure_that_passes_on_rerun_is_a_flip(self) -> None:
        attempts = [
            Attempt("a::flaky", "failed", 1),
            Attempt("a::flaky", "passed", 2),
            Attempt("a::broken", "failed", 1),
            Attempt("a::broken", "failed", 2),
            Attempt("a::fine", "passed", 1),
        ]
        assert flipped_on_rerun(attempts) == ["a::flaky"]
        assert final_outcomes(attempts) == {
            "a::flaky": "passed",
            "a::broken": "failed",
            "a::fine": "passed",
        }

    def test_the_attempt_number_orders_the_attempts_not_the_file(self) -> None:
        attempts = [Attempt("a::t", "passed", 2), Attempt("a::t", "failed", 1)]
        assert flipped_on_rerun(attempts) == ["a::t"]
        assert final_outcomes(attempts) == {"a::t": "passed"}

    def test_attempts_files_round_trip(self, tmp_path: Path) -> None:
        attempts = [Attempt("a::t", "failed", 1), Attempt("a::t", "passed", 2)]
        write_attempts(tmp_path / "attempts.jsonl", attempts)
        assert read_attempts(tmp_path / "attempts.jsonl") == attempts
        assert read_attempts(tmp_path / "missing.jsonl") is None


class TestPytestAttemptOutcomes:
    def test_a_rerun_report_is_a_failed_attempt(self) -> None:
        assert outcome_of("call", "rerun", None) == "failed"

    def test_setup_failures_are_errors_and_teardown_failures_spoil_a_pass(self) -> None:
        assert outcome_of("setup", "failed", None) == "error"
        assert outcome_of("setup", "passed", None) is None
        assert outcome_of("call", "passed", None) == "passed"
        assert outcome_of("teardown", "failed", "passed") == "error"
        assert outcome_of("teardown", "failed", "failed") is None
        assert outcome_of("teardown", "passed", "passed") is None


class TestFlakiness:
    def test_a_pass_and_a_failure_on_one_commit_is_flaky(self) -> None:
        [flaky] = flaky_tests(
            [
                record("a::t", "passed", "r1"),
                record("a::t", "failed", "r2"),
                record("a::t", "passed", "r3"),
            ]
        )
        assert (flaky.test_id, flaky.results, flaky.flips, flaky.last_flip) == (
            "a::t",
            3,
            2,
            "t-r3-1",
        )
        assert flaky.flip_rate == 1.0

    def test_red_then_green_on_a_new_commit_is_a_fix(self) -> None:
        records = [
            record("a::t", "failed", "r1", commit="c1"),
            record("a::t", "passed", "r2", commit="c2"),
        ]
        assert flaky_tests(records) == []
        assert flip_rate(records, "a::t") == (2, 0.0)

    def test_skips_neither_pass_nor_fail(self) -> None:
        records = [
            record("a::t", "passed", "r1"),
            record("a::t", "skipped", "r2"),
            record("a::t", "passed", "r3"),
        ]
        assert flaky_tests(records) == []

    def test_the_flip_rate_counts_changes_between_consecutive_results(self) -> None:
        records = [record("a::t", o, f"r{i}") for i, o in enumerate("PFPPP")]
        records = [
            record(r.test_id, "passed" if r.outcome == "P" else "failed", r.run_id) for r in records
        ]
        assert flip_rate(records, "a::t") == (5, 0.5)  # P-F, F-P of four pairs
        assert flaky_tests(records)[0].flip_rate == 0.5
